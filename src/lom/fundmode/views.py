"""Fund mode pages. Thin: parse the form, call one service, render."""

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lom.common.errors import DomainError
from lom.common.web import actor_view, add_domain_error
from lom.fundmode import services
from lom.fundmode.forms import (
    ClaimForm,
    CriterionForm,
    DecisionForm,
    EmployeePickForm,
    FundAttachmentForm,
    ImportForm,
    MemberForm,
    NotificationForm,
    ParticipantFormSet,
    PayrollForm,
    PrenotifyForm,
    ReturnForm,
    RoundForm,
    costs_from,
    groups_from,
)
from lom.fundmode.models import CostKind, FundRound, MeasureNotification
from lom.fundmode.permissions import (
    can_act_for_employer,
    can_administer,
    can_assess,
    can_claim,
    can_edit_notification,
    can_read_as_member,
    can_read_fund,
    is_fund_side,
)
from lom.fundmode.selectors import (
    attachment_get,
    balances_for_pots,
    claim_get,
    cost_lines_by_kind,
    criteria_for,
    criterion_get,
    fund_statistics,
    member_candidates,
    members_of,
    memberships_of,
    notification_cost_total,
    notification_get,
    notifications_for,
    occupation_label,
    participant_summary,
    payrolls_for,
    pot_figures,
    pot_figures_for,
    pot_get,
    pots_for,
    round_get,
    rounds_for,
)
from lom.organisations.access import Actor
from lom.organisations.selectors import employees_for_org

S = MeasureNotification.Status


def _reader(actor: Actor) -> None:
    if not (can_read_fund(actor) or can_read_as_member(actor)):
        raise Http404


def _round_or_404(actor: Actor, pk: int) -> FundRound:
    r = round_get(actor=actor, pk=pk)
    if r is None:
        raise Http404
    return r


def _notification_or_404(actor: Actor, pk: int) -> MeasureNotification:
    n = notification_get(actor=actor, pk=pk)
    if n is None:
        raise Http404
    return n


def _participant_formset(request, n: MeasureNotification):
    """Participant rows (counts per occupation code and gender), prefilled from the
    notification: the same rows on the notification form and the final claim."""
    return ParticipantFormSet(
        request.POST or None,
        prefix="p",
        initial=[
            {"occupation_code": g.occupation_code, "gender": g.gender, "count": g.count}
            for g in n.participants.all()
        ],
    )


@actor_view()
def index_view(request, actor: Actor):
    _reader(actor)
    rounds = list(rounds_for(actor=actor).select_related("fund"))
    pots = list(pots_for(actor=actor).order_by("-round__start", "member__name"))
    bal = balances_for_pots(pots=pots)
    status = request.GET.get("status", "")
    if status not in S.values:
        status = ""
    notes = notifications_for(actor=actor, status=status).order_by("-created_at", "-id")[:200]
    return render(
        request,
        "fundmode/index.html",
        {
            "fund_side": is_fund_side(actor),
            "rounds": rounds,
            "pots": [(p, bal[p.pk]) for p in pots],
            "notes": notes,
            "status": status,
            "statuses": S.choices,
            "can_administer": bool(can_administer(actor)),
            "can_prenotify": any(can_act_for_employer(actor, r) for r in rounds),
        },
    )


@actor_view()
def round_new_view(request, actor: Actor):
    verdict = can_administer(actor)
    if not verdict:
        raise Http404
    form = RoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            r = services.round_open(
                actor=actor,
                name=d["name"],
                start=d["start"],
                end=d["end"],
                claim_deadline=d["claim_deadline"],
                total_ore=d["total"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Perioden är öppnad med fondens sju kriterier."))
            return redirect("fundmode:round", pk=r.pk)
    return render(request, "fundmode/round_form.html", {"form": form})


@actor_view()
def round_view(request, actor: Actor, pk: int):
    r = _round_or_404(actor, pk)
    admin = bool(can_administer(actor)) and r.fund_id == actor.organisation.pk
    today = timezone.localdate()
    pots = list(pots_for(actor=actor, fund_round=r))
    figures = pot_figures_for(pots=pots, today=today)
    ctx = {"round": r, "figures": figures, "admin": admin, "fund_side": is_fund_side(actor)}
    if admin and r.status == FundRound.Status.OPEN:
        members = members_of(fund=actor.organisation)
        payrolls = payrolls_for(fund_round=r)
        form = PayrollForm(request.POST or None, members=members, initial_payroll=payrolls)
        if request.method == "POST" and form.is_valid():
            try:
                for m in members:
                    value = form.cleaned_data.get(f"payroll_{m.pk}")
                    if value is not None:
                        services.payroll_set(
                            actor=actor, fund_round=r, member_id=m.pk, payroll_ore=value
                        )
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, _("Lönesummorna är sparade."))
                return redirect("fundmode:round", pk=r.pk)
        ctx.update(
            form=form,
            import_form=ImportForm(),
            members=[(m, payrolls.get(m.pk)) for m in members],
            total_payroll=sum(payrolls.values()),
        )
    if is_fund_side(actor):
        ctx["criteria"] = criteria_for(fund_round=r)
    return render(request, "fundmode/round.html", ctx)


@require_POST
@actor_view()
def payroll_import_view(request, actor: Actor, pk: int):
    r = _round_or_404(actor, pk)
    if not can_administer(actor):
        raise Http404
    form = ImportForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            n = services.payroll_import(actor=actor, fund_round=r, upload=form.cleaned_data["file"])
        except DomainError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("%(n)d lönesummor är inlästa.") % {"n": n})
    else:
        messages.error(request, _("Välj en fil att läsa in."))
    return redirect("fundmode:round", pk=r.pk)


@require_POST
@actor_view()
def allocate_view(request, actor: Actor, pk: int):
    r = _round_or_404(actor, pk)
    if not can_administer(actor):
        raise Http404
    try:
        services.round_allocate(actor=actor, fund_round=r)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Perioden är fördelad på medlemmarna efter lönesumma."))
    return redirect("fundmode:round", pk=r.pk)


@actor_view()
def criteria_view(request, actor: Actor, pk: int):
    r = _round_or_404(actor, pk)
    if not can_read_fund(actor):
        raise Http404
    admin = bool(can_administer(actor))
    form = CriterionForm(request.POST or None) if admin else None
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            services.criterion_save(actor=actor, fund_round=r, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Kriteriet är tillagt."))
            return redirect("fundmode:criteria", pk=r.pk)
    return render(
        request,
        "fundmode/criteria.html",
        {"round": r, "criteria": criteria_for(fund_round=r), "form": form, "admin": admin},
    )


@actor_view()
def criterion_edit_view(request, actor: Actor, pk: int):
    c = criterion_get(actor=actor, pk=pk)
    if c is None or not can_administer(actor):
        raise Http404
    form = CriterionForm(request.POST or None, initial={"text": c.text, "help_text": c.help_text})
    if request.method == "POST":
        if "active" in request.POST:
            services.criterion_set_active(
                actor=actor, criterion=c, active=request.POST["active"] == "1"
            )
            return redirect("fundmode:criteria", pk=c.round_id)
        if form.is_valid():
            try:
                services.criterion_save(
                    actor=actor, fund_round=c.round, criterion=c, **form.cleaned_data
                )
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                return redirect("fundmode:criteria", pk=c.round_id)
    return render(request, "fundmode/criterion_form.html", {"form": form, "criterion": c})


@actor_view()
def pot_view(request, actor: Actor, pk: int):
    pot = pot_get(actor=actor, pk=pk)
    if pot is None:
        raise Http404
    fig = pot_figures(pot=pot, today=timezone.localdate())
    entries = pot.entries.select_related("notification").order_by("-id")[:100]
    notes = notifications_for(actor=actor).filter(pot=pot).order_by("-created_at")[:100]
    return render(
        request,
        "fundmode/pot.html",
        {"pot": pot, "fig": fig, "entries": entries, "notes": notes},
    )


@actor_view()
def prenotify_view(request, actor: Actor):
    rounds = [r for r in rounds_for(actor=actor) if can_act_for_employer(actor, r)]
    if not rounds:
        raise Http404
    qs = rounds_for(actor=actor).filter(
        pk__in=[r.pk for r in rounds], status=FundRound.Status.ALLOCATED
    )
    form = PrenotifyForm(request.POST or None, rounds=qs)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            n = services.notification_prenotify(
                actor=actor,
                fund_round=d["round"],
                title=d["title"],
                estimated_ore=d["estimated"],
                planned_start=d["planned_start"],
                planned_end=d["planned_end"],
                measure_type=d["measure_type"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(
                request, _("Föranmälan är registrerad. Fyll i anmälan när insatsen är planerad.")
            )
            return redirect("fundmode:notification", pk=n.pk)
    return render(request, "fundmode/prenotify.html", {"form": form})


def _row_errors_to_summary(form, formset) -> None:
    """A participant row refused as a whole (a count without occupation code or gender) has no
    field to show its message at: list it in the form's error summary with its row number."""
    for i, row in enumerate(formset, start=1):
        for error in row.non_field_errors():
            form.add_error(None, _("Rad %(n)d: %(e)s") % {"n": i, "e": error})


def _notification_ctx(actor: Actor, n: MeasureNotification) -> dict:
    claims = list(n.claims.prefetch_related("cost_lines", "participants", "attachments"))
    return {
        "n": n,
        "fund_side": is_fund_side(actor),
        "cost_lines": cost_lines_by_kind(n.cost_lines.all()),
        "cost_total": notification_cost_total(notification=n),
        "participants": [(occupation_label(g.occupation_code), g) for g in n.participants.all()],
        "summary": participant_summary(n.participants.all()),
        "attachments": n.attachments.filter(claim__isnull=True),
        "decisions": n.decisions.prefetch_related("answers__criterion").select_related(
            "decided_by"
        ),
        "claims": claims,
        "can_edit": bool(can_edit_notification(actor, n)),
        "can_assess": bool(can_assess(actor)) and n.status in (S.SUBMITTED, S.APPROVED, S.CLAIMED),
        "can_claim": bool(can_claim(actor, n)),
        "problems": services.submit_problems(n) if can_edit_notification(actor, n) else [],
        "attachment_form": FundAttachmentForm(),
    }


@actor_view()
def notification_view(request, actor: Actor, pk: int):
    n = _notification_or_404(actor, pk)
    return render(request, "fundmode/notification.html", _notification_ctx(actor, n))


@actor_view()
def notification_edit_view(request, actor: Actor, pk: int):
    n = _notification_or_404(actor, pk)
    verdict = can_edit_notification(actor, n)
    if not verdict:
        messages.error(request, verdict.reason)
        return redirect("fundmode:notification", pk=n.pk)
    initial = {
        "title": n.title,
        "background": n.background,
        "need": n.need,
        "description": n.description,
        "measure_type": n.measure_type_id,
        "provider_kind": n.provider_kind,
        "provider_name": n.provider_name,
        "planned_start": n.planned_start,
        "planned_end": n.planned_end,
    }
    for line in n.cost_lines.all():
        initial[f"cost_{line.kind}"] = line.amount_ore
        initial[f"costdesc_{line.kind}"] = line.description
    form = NotificationForm(request.POST or None, initial=initial)
    formset = _participant_formset(request, n)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        d = form.cleaned_data
        try:
            services.notification_update(
                actor=actor,
                notification=n,
                data=services.NotificationInput(
                    title=d["title"],
                    background=d["background"],
                    need=d["need"],
                    description=d["description"],
                    measure_type=d["measure_type"],
                    provider_kind=d["provider_kind"],
                    provider_name=d["provider_name"],
                    planned_start=d["planned_start"],
                    planned_end=d["planned_end"],
                    costs=costs_from(d),
                ),
            )
            services.notification_set_participants(
                actor=actor, notification=n, groups=groups_from(formset)
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Anmälan är sparad."))
            return redirect("fundmode:notification", pk=n.pk)
    if request.method == "POST":
        _row_errors_to_summary(form, formset)
    return render(
        request,
        "fundmode/notification_form.html",
        {"n": n, "form": form, "formset": formset, "cost_kinds": CostKind.values},
    )


@actor_view()
def pick_employees_view(request, actor: Actor, pk: int):
    n = _notification_or_404(actor, pk)
    if not can_edit_notification(actor, n):
        raise Http404
    employees = employees_for_org(organisation=actor.organisation).filter(active=True)[:500]
    form = EmployeePickForm(request.POST or None, employees=employees)
    if request.method == "POST" and form.is_valid():
        try:
            count = services.notification_add_employees(
                actor=actor,
                notification=n,
                employee_ids=[int(x) for x in form.cleaned_data["employees"]],
                occupation_code=form.cleaned_data["occupation_code"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("%(n)d deltagare är tillagda som antal.") % {"n": count})
            return redirect("fundmode:notification", pk=n.pk)
    return render(request, "fundmode/pick_employees.html", {"n": n, "form": form})


@require_POST
@actor_view()
def attach_view(request, actor: Actor, pk: int):
    n = _notification_or_404(actor, pk)
    form = FundAttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.notification_attach(
                actor=actor,
                notification=n,
                upload=form.cleaned_data["file"],
                kind=form.cleaned_data["kind"],
            )
        except DomainError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("Bilagan är sparad."))
    else:
        messages.error(request, _("Välj en fil att ladda upp."))
    return redirect("fundmode:notification", pk=n.pk)


@actor_view()
def attachment_download_view(request, actor: Actor, pk: int):
    att = attachment_get(actor=actor, pk=pk)
    if att is None:
        raise Http404
    return FileResponse(
        att.file.open("rb"),
        as_attachment=True,
        filename=att.original_name,
        content_type=att.content_type,
    )


@require_POST
@actor_view()
def submit_view(request, actor: Actor, pk: int):
    n = _notification_or_404(actor, pk)
    try:
        if request.POST.get("action") == "withdraw":
            services.notification_withdraw(actor=actor, notification=n)
            messages.success(request, _("Anmälan är återkallad."))
        else:
            services.notification_submit(actor=actor, notification=n)
            messages.success(request, _("Anmälan är skickad till fonden."))
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect("fundmode:notification", pk=n.pk)


@actor_view()
def assess_view(request, actor: Actor, pk: int):
    n = _notification_or_404(actor, pk)
    if not can_assess(actor):
        raise Http404
    criteria = list(criteria_for(fund_round=n.round, active_only=True))
    form = DecisionForm(request.POST or None, criteria=criteria)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.fund_decide(
                actor=actor,
                notification=n,
                outcome=d["outcome"],
                answers=form.answers(),
                costs_reasonable=d["costs_reasonable"],
                cost_comment=d["cost_comment"],
                amount_ore=d["amount"],
                reason=d["reason"],
                partial_claims_allowed=d["partial_claims_allowed"],
            )
        except DomainError as exc:
            field = exc.field if exc.field in form.fields else None
            form.add_error(field, str(exc.message))
        else:
            messages.success(request, _("Beslutet är registrerat och arbetsgivaren meddelad."))
            return redirect("fundmode:notification", pk=n.pk)
    ctx = _notification_ctx(actor, n)
    ctx["form"] = form
    ctx["criterion_rows"] = [(c, form[f"met_{c.pk}"], form[f"comment_{c.pk}"]) for c in criteria]
    ctx["rest_fields"] = [
        form[k]
        for k in (
            "costs_reasonable",
            "cost_comment",
            "outcome",
            "amount",
            "partial_claims_allowed",
            "reason",
        )
    ]
    return render(request, "fundmode/assess.html", ctx)


@actor_view()
def claim_new_view(request, actor: Actor, pk: int):
    n = _notification_or_404(actor, pk)
    verdict = can_claim(actor, n)
    if not verdict:
        messages.error(request, verdict.reason)
        return redirect("fundmode:notification", pk=n.pk)
    form = ClaimForm(
        request.POST or None, request.FILES or None, partial_allowed=n.partial_claims_allowed
    )
    formset = _participant_formset(request, n)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        d = form.cleaned_data
        try:
            claim = services.claim_submit(
                actor=actor,
                notification=n,
                costs=costs_from(d),
                internal_salary_ore=d.get("internal_salary") or 0,
                participants=groups_from(formset),
                invoices=form.invoices(),
                is_final=d.get("is_final", True),
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Rekvisitionen är skickad till fonden."))
            return redirect("fundmode:claim", pk=claim.pk)
    if request.method == "POST":
        _row_errors_to_summary(form, formset)
    return render(
        request,
        "fundmode/claim_form.html",
        {"n": n, "form": form, "formset": formset, "left": services.claimable_left(n)},
    )


@actor_view()
def claim_view(request, actor: Actor, pk: int):
    claim = claim_get(actor=actor, pk=pk)
    if claim is None:
        raise Http404
    n = claim.notification
    return render(
        request,
        "fundmode/claim.html",
        {
            "claim": claim,
            "n": n,
            "cost_lines": cost_lines_by_kind(claim.cost_lines.all()),
            "participants": [
                (occupation_label(g.occupation_code), g) for g in claim.participants.all()
            ],
            "summary": participant_summary(claim.participants.all()),
            "invoices": claim.attachments.all(),
            "left": services.claimable_left(n),
            "can_handle": bool(can_assess(actor)) and claim.status == claim.Status.SUBMITTED,
            "return_form": ReturnForm(),
        },
    )


@require_POST
@actor_view()
def claim_handle_view(request, actor: Actor, pk: int):
    claim = claim_get(actor=actor, pk=pk)
    if claim is None or not can_assess(actor):
        raise Http404
    try:
        if request.POST.get("action") == "return":
            form = ReturnForm(request.POST)
            reason = form.data.get("reason", "")
            services.claim_return(actor=actor, claim=claim, reason=reason)
            messages.success(request, _("Rekvisitionen är återsänd till arbetsgivaren."))
        else:
            services.claim_pay(actor=actor, claim=claim)
            messages.success(
                request, _("Rekvisitionen är betald; det som inte rekvirerats återgår till potten.")
            )
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect("fundmode:claim", pk=claim.pk)


@actor_view()
def statistics_view(request, actor: Actor, pk: int):
    r = _round_or_404(actor, pk)
    if not can_read_fund(actor):
        raise Http404
    stats = fund_statistics(actor=actor, fund_round=r)
    return render(request, "fundmode/statistics.html", {"round": r, "stats": stats})


@actor_view()
def statistics_xlsx_view(request, actor: Actor, pk: int):
    from lom.fundmode.exports import statistics_workbook

    r = _round_or_404(actor, pk)
    if not can_read_fund(actor):
        raise Http404
    data = statistics_workbook(fund_statistics(actor=actor, fund_round=r))
    resp = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    resp["Content-Disposition"] = f'attachment; filename="fondstatistik-{r.pk}.xlsx"'
    return resp


@actor_view()
def members_view(request, actor: Actor):
    """The fund administrator's list of member employers, and adding one."""
    if not can_administer(actor):
        raise Http404
    form = MemberForm(request.POST or None, candidates=member_candidates(fund=actor.organisation))
    if request.method == "POST" and form.is_valid():
        try:
            m = services.member_add(
                actor=actor,
                member=form.cleaned_data["member"],
                joined_on=form.cleaned_data["joined_on"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("%(m)s är nu medlem i fonden.") % {"m": m.member.name})
            return redirect("fundmode:members")
    return render(
        request,
        "fundmode/members.html",
        {"memberships": memberships_of(fund=actor.organisation), "form": form},
    )


@actor_view()
@require_POST
def member_remove_view(request, actor: Actor, pk: int):
    if not can_administer(actor):
        raise Http404
    membership = memberships_of(fund=actor.organisation).filter(pk=pk).first()
    if membership is None:
        raise Http404
    try:
        services.member_remove(actor=actor, membership=membership)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(m)s är inte längre medlem.") % {"m": membership.member.name})
    return redirect("fundmode:members")
