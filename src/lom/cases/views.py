from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lom.agreements.selectors import agreement_current
from lom.cases import services
from lom.cases.forms import (
    AttachmentForm,
    BaseCostLineFormSet,
    CaseDetailsForm,
    CaseStartForm,
    CommentForm,
    CostLineFormSet,
    DecisionForm,
    ExpenseForm,
    ReasonForm,
    ReconsiderationRequestForm,
    case_list_query,
)
from lom.cases.models import ApplicationKind, Case, Status
from lom.cases.page import case_page_get
from lom.cases.permissions import (
    can_comment,
    can_edit_case,
    can_record_expense,
    can_see_private_reason,
    can_take,
)
from lom.cases.reads import record_private_reason_read
from lom.cases.rules import rules_for_case
from lom.cases.selectors import (
    OPEN_STATUSES,
    attachment_get_for_actor,
    case_detail_related,
    case_get_for_actor,
    case_list,
    case_reconsideration,
    completeness_checklist,
    completeness_problems,
    count_label,
    reconsideration_offer,
    status_counts,
)
from lom.cases.workflow import TRANSITIONS
from lom.common.errors import DomainError, PermissionDeniedError
from lom.common.models import ReadLog
from lom.common.parity import api_counterpart
from lom.common.reach import campaign_from_session
from lom.common.web import actor_view, add_domain_error, form_status
from lom.funds.selectors import fund_period_get, fund_periods_for_org
from lom.organisations.access import Actor


@api_counterpart("GET /cases", "GET /cases/filter-units")
@actor_view()
def case_list_view(request, actor: Actor):
    staff = actor.is_staff_reader or actor.is_union_rep
    form, filters, page, mine = case_list_query(actor=actor, data=request.GET)
    rows, has_next = case_list(actor=actor, filters=filters, page=page)
    counts = status_counts(actor=actor) if staff and not mine else {}
    return render(
        request,
        "cases/list.html",
        {
            "form": form,
            "cases": rows,
            "page": page,
            "has_next": has_next,
            "mine": mine,
            "staff": staff,
            "counts": counts,
            "units": form.offers_units,
            "status_tabs": [
                (s, Status(s).label, count_label(counts.get(s, 0))) for s in OPEN_STATUSES
            ],
        },
    )


def _agreement_or_message(request, actor):
    agreement = agreement_current(organisation=actor.organisation, on=timezone.localdate())
    if agreement is None:
        messages.error(
            request,
            _(
                "Organisationen har inget gällande lokalt avtal, så det går "
                "inte att ansöka just nu."
            ),
        )
    return agreement


def _start_input(form, actor) -> services.CaseInput:
    d = form.cleaned_data
    kind = d["kind"]
    return services.CaseInput(
        title=d["title"],
        kind=kind,
        applicant_id=d.get("applicant") or None,
        unit_id=d.get("unit") or None,
        co_applicant_manager_id=(d.get("co_applicant_manager") or None)
        if kind == ApplicationKind.WITH_MANAGER
        else None,
        participant_count=d.get("participant_count") or 1,
        measure_type_ids=d["measure_types"],
        purpose=d["purpose"],
    )


@api_counterpart("POST /cases")
@actor_view()
def case_create_view(request, actor: Actor):
    agreement = _agreement_or_message(request, actor)
    if agreement is None:
        return redirect("cases:list")
    form = CaseStartForm(
        request.POST or None, actor=actor, agreement=agreement, initial={"participant_count": 1}
    )
    if request.method == "POST" and form.is_valid():
        try:
            case = services.case_create(
                actor=actor,
                data=_start_input(form, actor),
                reach_marker=campaign_from_session(
                    getattr(request, "session", None), organisation_id=actor.organisation.pk
                ),
            )
        except PermissionDeniedError as exc:
            form.add_error(None, str(exc.message))
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            return redirect("cases:edit", pk=case.pk, step="details")
    return render(
        request,
        "cases/wizard.html",
        {"form": form, "step": "start", "case": None, "agreement": agreement},
        status=form_status(request),
    )


STEPS = ("start", "details", "costs", "review")


@api_counterpart("GET /cases/{case_id}", "PATCH /cases/{case_id}")
@actor_view()
def case_edit_view(request, actor: Actor, pk: int, step: str):  # one action per branch
    case = case_get_for_actor(actor=actor, pk=pk)
    if step not in STEPS:
        raise Http404
    verdict = can_edit_case(actor, case)
    if not verdict:
        messages.error(request, verdict.reason)
        return redirect("cases:detail", pk=case.pk)
    agreement = _agreement_or_message(request, actor)
    if agreement is None:
        return redirect("cases:detail", pk=case.pk)
    ctx = {"case": case, "step": step, "agreement": agreement}
    next_step = STEPS[min(STEPS.index(step) + 1, len(STEPS) - 1)]

    if step == "start":
        initial = {
            "title": case.title,
            "kind": case.kind,
            "applicant": case.applicant_id,
            "unit": case.unit_id,
            "co_applicant_manager": case.co_applicant_manager_id,
            "participant_count": case.participant_count,
            "purpose": case.purpose,
            "measure_types": [m.pk for m in case.measure_types.all()],
        }
        form = CaseStartForm(
            request.POST or None, actor=actor, agreement=agreement, initial=initial
        )
        if request.method == "POST" and form.is_valid():
            try:
                services.case_update(actor=actor, case=case, data=_start_input(form, actor))
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                return redirect("cases:edit", pk=case.pk, step=next_step)
        ctx["form"] = form
    elif step == "details":
        details = CaseDetailsForm(request.POST or None, instance=case)
        if request.method == "POST" and details.is_valid():
            d = details.cleaned_data
            need_id = None
            if "need" in details.fields:
                need_id = d["need"].pk if d.get("need") else 0
            try:
                services.case_update(
                    actor=actor,
                    case=case,
                    data=services.CaseInput(
                        need_id=need_id,
                        need_explanation=d.get("need_explanation"),
                        business_need=d["business_need"],
                        description=d["description"],
                        start_date=d["start_date"],
                        end_date=d["end_date"],
                        private_reason=d["private_reason"],
                        share_private_reason=d["share_private_reason"],
                    ),
                )
            except DomainError as exc:
                add_domain_error(details, exc)
            else:
                return redirect("cases:edit", pk=case.pk, step=next_step)
        ctx["form"] = details
    elif step == "costs":
        lines_initial = [
            {"kind": c.kind, "description": c.description, "amount": c.amount_ore}
            for c in case.cost_lines.all()
        ]
        formset = CostLineFormSet(request.POST or None, initial=lines_initial, prefix="cost")
        if request.method == "POST" and formset.is_valid():
            lines = [
                services.CostLineInput(
                    kind=f.cleaned_data["kind"],
                    amount_ore=f.cleaned_data["amount"],
                    description=f.cleaned_data.get("description", ""),
                )
                for f in formset
                if f.cleaned_data.get("amount")
            ]
            try:
                services.case_set_cost_lines(actor=actor, case=case, lines=lines)
            except DomainError as exc:
                assert isinstance(formset, BaseCostLineFormSet)
                formset.add_non_form_error(str(exc.message))
            else:
                return redirect("cases:edit", pk=case.pk, step=next_step)
        ctx["formset"] = formset
    else:  # review
        related = case_detail_related(case=case)
        ctx.update(related)
        ctx["problems"] = completeness_problems(case=case, agreement=agreement)
        ctx["attachment_form"] = AttachmentForm()
        ctx["needs_endorsement"] = (
            agreement.requires_manager_endorsement or case.co_applicant_manager_id is not None
        )
    return render(request, "cases/wizard.html", ctx, status=form_status(request))


def _transition_form(name, data, actor):
    if name == "request_reconsideration":
        return ReconsiderationRequestForm(data)
    if name in ("approve", "reconsider_approve"):
        form = DecisionForm(data)
        periods = list(fund_periods_for_org(organisation=actor.organisation)[:10])
        form.fields["period"].choices = [("", _("Innevarande period"))] + [
            (p.pk, p.name) for p in periods
        ]
        return form
    if TRANSITIONS[name].needs_reason:
        return ReasonForm(data)
    return None


@api_counterpart(
    "GET /cases/{case_id}",
    "GET /cases/{case_id}/history",
    "GET /cases/{case_id}/comments",
    "GET /cases/{case_id}/attachments",
)
@actor_view()
def case_detail_view(request, actor: Actor, pk: int):
    case, related = case_page_get(actor=actor, pk=pk)
    actions = []
    for name, t in TRANSITIONS.items():
        if name in ("submit", "request_reconsideration"):
            continue  # the review step of the form, and the reconsideration panel
        if can_take(actor, case, name):
            actions.append(
                {
                    "name": name,
                    "label": t.label,
                    # Actions that need a reason or an amount open their own page.
                    "needs_form": t.needs_reason,
                }
            )
    checklist = None
    if actor.has("coordinator", "decision_maker") and case.status in (
        Status.SUBMITTED,
        Status.IN_REVIEW,
        Status.AWAITING_ENDORSEMENT,
    ):
        agreement = rules_for_case(case)
        if agreement is not None:
            checklist = completeness_checklist(
                case=case,
                agreement=agreement,
                attachment_count=len(related["attachments"]),
                has_measure_types=bool(related["measure_types"]),
                plan_in_force=related["plan_in_force"],
            )
    show_private = can_see_private_reason(actor, case)
    if show_private:
        record_private_reason_read(actor=actor, case=case, channel=ReadLog.Channel.PAGE)
    return render(
        request,
        "cases/detail.html",
        {
            "case": case,
            "actor": actor,
            "checklist": checklist,
            **related,
            "actions": actions,
            "show_private": show_private,
            "can_edit": bool(can_edit_case(actor, case)),
            "can_comment": bool(can_comment(actor, case)),
            "can_expense": bool(can_record_expense(actor, case)),
            "offer": reconsideration_offer(actor=actor, case=case),
            "reconsideration_form": ReconsiderationRequestForm(),
            "comment_form": CommentForm(),
            "attachment_form": AttachmentForm(),
            "expense_form": ExpenseForm(),
        },
    )


@api_counterpart("POST /cases/{case_id}/transitions")
@actor_view()
def case_transition_view(request, actor: Actor, pk: int, name: str):
    case = case_get_for_actor(actor=actor, pk=pk)
    if name not in TRANSITIONS:
        raise Http404
    t = TRANSITIONS[name]
    verdict = can_take(actor, case, name)
    form = _transition_form(name, request.POST if request.method == "POST" else None, actor)
    if request.method == "POST" and verdict and (form is None or form.is_valid()):
        kwargs = {}
        if form is not None:
            kwargs["reason"] = form.cleaned_data["reason"]
            if name in ("approve", "reconsider_approve"):
                kwargs["amount_ore"] = form.cleaned_data["amount"]
                pid = form.cleaned_data["period"]
                if pid:
                    kwargs["period"] = fund_period_get(organisation=actor.organisation, pk=pid)
        try:
            services.case_transition(actor=actor, case=case, name=name, **kwargs)
        except DomainError as exc:
            if form is None:
                messages.error(request, str(exc.message))
                return redirect("cases:detail", pk=case.pk)
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Klart: %(a)s.") % {"a": t.label})
            return redirect("cases:detail", pk=case.pk)
    elif request.method == "POST" and not verdict:
        messages.error(request, verdict.reason)
        return redirect("cases:detail", pk=case.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "cases/transition.html",
        {
            "case": case,
            "transition": t,
            "form": form,
            "verdict": verdict,
            "offer": reconsideration_offer(actor=actor, case=case)
            if name == "request_reconsideration"
            else None,
            "reconsideration": case_reconsideration(case=case),
        },
        status=status,
    )


@api_counterpart("POST /cases/{case_id}/transitions")
@require_POST
@actor_view()
def case_submit_view(request, actor: Actor, pk: int):
    case = case_get_for_actor(actor=actor, pk=pk)
    try:
        case = services.case_transition(actor=actor, case=case, name="submit")
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("cases:edit", pk=case.pk, step="review")
    messages.success(
        request, _("Ansökan är inskickad med diarienummer %(n)s.") % {"n": case.number}
    )
    return redirect("cases:detail", pk=case.pk)


@api_counterpart("POST /cases/{case_id}/comments")
@require_POST
@actor_view()
def case_comment_view(request, actor: Actor, pk: int):
    case = case_get_for_actor(actor=actor, pk=pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.case_comment_add(actor=actor, case=case, text=form.cleaned_data["text"])
        except DomainError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("Kommentaren är sparad."))
    else:
        messages.error(request, _("Skriv en kommentar (högst 5000 tecken)."))
    return redirect("cases:detail", pk=case.pk)


@api_counterpart("POST /cases/{case_id}/attachments")
@require_POST
@actor_view()
def case_attachment_view(request, actor: Actor, pk: int):
    case = case_get_for_actor(actor=actor, pk=pk)
    form = AttachmentForm(request.POST, request.FILES)
    back = request.POST.get("next") == "review"
    if form.is_valid():
        try:
            services.case_attachment_add(actor=actor, case=case, upload=form.cleaned_data["file"])
        except DomainError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("Bilagan är registrerad på ärendet."))
    else:
        messages.error(request, _("Välj en fil att ladda upp."))
    if back and case.status in (Status.DRAFT, Status.RETURNED):
        return redirect("cases:edit", pk=case.pk, step="review")
    return redirect("cases:detail", pk=case.pk)


@api_counterpart("GET /cases/attachments/{attachment_id}")
@actor_view()
def attachment_download_view(request, actor: Actor, pk: int):
    att = attachment_get_for_actor(actor=actor, pk=pk)
    return FileResponse(
        att.file.open("rb"),
        as_attachment=True,
        filename=att.original_name,
        content_type=att.content_type,
    )


@api_counterpart("POST /cases/{case_id}/expenses")
@require_POST
@actor_view("coordinator")
def case_expense_view(request, actor: Actor, pk: int):
    case: Case = case_get_for_actor(actor=actor, pk=pk)
    form = ExpenseForm(request.POST)
    if form.is_valid():
        try:
            services.case_record_expense(
                actor=actor,
                case=case,
                amount_ore=form.cleaned_data["amount"],
                memo=form.cleaned_data["memo"],
            )
        except DomainError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("Utgiften är registrerad."))
    else:
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
    return redirect("cases:detail", pk=case.pk)
