"""Fund-mode pages of the fund's side: periods, payroll, allocation, criteria, pots,
statistics, member employers."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lom.common.errors import DomainError
from lom.common.web import actor_view, add_domain_error
from lom.fundmode import services
from lom.fundmode.forms import CriterionForm, ImportForm, MemberForm, PayrollForm, RoundForm
from lom.fundmode.models import FundRound, MeasureNotification
from lom.fundmode.permissions import (
    can_act_for_employer,
    can_administer,
    can_read_fund,
    is_fund_side,
)
from lom.fundmode.selectors import (
    balances_for_pots,
    criteria_for,
    criterion_get,
    fund_statistics,
    member_candidates,
    members_of,
    memberships_of,
    notifications_for,
    payrolls_for,
    pot_figures,
    pot_figures_for,
    pot_get,
    pots_for,
    rounds_for,
)
from lom.fundmode.views.common import reader_or_404, round_or_404
from lom.organisations.access import Actor

S = MeasureNotification.Status


@actor_view()
def index_view(request, actor: Actor):
    reader_or_404(actor)
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
    r = round_or_404(actor, pk)
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
    r = round_or_404(actor, pk)
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
    r = round_or_404(actor, pk)
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
    r = round_or_404(actor, pk)
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
def statistics_view(request, actor: Actor, pk: int):
    r = round_or_404(actor, pk)
    if not can_read_fund(actor):
        raise Http404
    stats = fund_statistics(actor=actor, fund_round=r)
    return render(request, "fundmode/statistics.html", {"round": r, "stats": stats})


@actor_view()
def statistics_xlsx_view(request, actor: Actor, pk: int):
    from lom.fundmode.exports import statistics_workbook

    r = round_or_404(actor, pk)
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
