"""Meetings of the joint body: list, agenda, the parties present or absent, positions,
decisions, adjusting the minutes (each adjuster in their own session) and the minutes."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lom.cases.rules import rules_for_case
from lom.cases.selectors import case_get_for_actor
from lom.common.errors import DomainError
from lom.common.parity import api_counterpart
from lom.common.reauth import recent_auth_required
from lom.common.sealed import sealed_document_response
from lom.common.validation import id_or_none
from lom.common.web import actor_view, form_status, run_form
from lom.decisions import selectors, services
from lom.decisions.decision_models import allowed_outcomes
from lom.decisions.forms import (
    AttendanceForm,
    ItemDecisionForm,
    MeetingForm,
    PositionForm,
)
from lom.decisions.minutes import adjusting_rows, granted_ore, render_minutes_pdf
from lom.decisions.models import AgendaItem, Meeting
from lom.decisions.permissions import can_manage_meetings
from lom.decisions.views._common import READERS, _error
from lom.organisations.access import Actor


@api_counterpart(
    "GET /decisions/meetings",
    "POST /decisions/meetings",
)
@actor_view(*READERS)
def meetings_view(request, actor: Actor):
    form = None
    if can_manage_meetings(actor):
        form = MeetingForm(request.POST or None, organisation=actor.organisation)
        done = run_form(
            request,
            form,
            lambda d: services.meeting_create(
                actor=actor,
                title=d["title"],
                starts_at=d["starts_at"],
                place=d["place"],
                attendee_ids=d["attendees"],
            ),
            success=lambda meeting: reverse("decisions:meeting", args=[meeting.pk]),
            message=_("Sammanträdet är planerat."),
        )
        if done is not None:
            return done
    meetings = list(selectors.meetings_for(actor=actor)[:100])
    return render(
        request,
        "decisions/meetings.html",
        {"meetings": meetings, "form": form},
        status=form_status(request),
    )


def _meeting_or_404(actor, pk):
    meeting = selectors.meeting_get(actor=actor, pk=pk)
    if meeting is None:
        raise Http404
    return meeting


@api_counterpart("GET /decisions/meetings/{meeting_id}")
@actor_view(*READERS)
def meeting_view(request, actor: Actor, pk: int):
    return _meeting_page(request, actor, _meeting_or_404(actor, pk))


def _attendance_form(actor: Actor, meeting: Meeting, data=None) -> AttendanceForm:
    return AttendanceForm(
        data,
        parties=meeting.parties.all(),
        candidates=selectors.meeting_candidates(actor=actor),
    )


def _meeting_page(request, actor: Actor, meeting: Meeting, attendance_form=None, status=200):
    manage = bool(can_manage_meetings(actor))
    my_parties: list[tuple[int | None, str]] = []
    if actor.has("coordinator", "decision_maker"):
        my_parties.append((None, _("Arbetsgivaren")))
    for u in selectors.actor_unions(actor=actor):
        my_parties.append((u.pk, u.name))
    adjusters = adjusting_rows(meeting)
    adjusting = any(a.adjusted_at for a in adjusters)
    items = []
    present = {p.union_id for p in meeting.parties.all() if p.present}
    for item in meeting.items.all():
        positions = list(item.positions.all())
        decide_form = None
        if manage and not item.outcome:
            offered = allowed_outcomes(
                rules=rules_for_case(item.case),
                finals=[p for p in positions if p.final],
                parties_present=present,
            )
            decide_form = ItemDecisionForm(prefix=f"i{item.pk}", outcomes=offered)
        items.append(
            {
                "item": item,
                "case": item.case,
                "granted_ore": granted_ore(item),
                "provisional": [p for p in positions if not p.final],
                "final": [p for p in positions if p.final],
                "decide_form": decide_form,
            }
        )
    open_ = not meeting.is_signed and not adjusting
    if manage and open_ and attendance_form is None:
        attendance_form = _attendance_form(actor, meeting)
    return render(
        request,
        "decisions/meeting.html",
        {
            "meeting": meeting,
            "items": items,
            "manage": manage,
            "open": open_,
            "adjusting": adjusting,
            "parties": list(meeting.parties.all()),
            "adjusters": adjusters,
            "my_adjustment": [
                a for a in adjusters if a.user_id == actor.user.pk and a.adjusted_at is None
            ],
            "attendance_form": attendance_form if manage and open_ else None,
            "my_parties": my_parties,
            "position_form": PositionForm(),
            "ready": list(selectors.cases_ready_for_agenda(actor=actor)[:50])
            if manage and open_
            else [],
        },
        status=status,
    )


@api_counterpart("POST /decisions/meetings/{meeting_id}/agenda")
@require_POST
@actor_view("coordinator")
def meeting_agenda_view(request, actor: Actor, pk: int):  # one action per branch
    meeting = _meeting_or_404(actor, pk)
    try:
        if request.POST.get("fill"):
            n = services.meeting_fill_agenda(actor=actor, meeting=meeting)
            messages.success(request, _("%(n)d ärenden lades till på dagordningen.") % {"n": n})
        else:
            try:
                case_id = int(request.POST.get("case", ""))
            except ValueError as exc:
                raise DomainError(_("Välj ett ärende.")) from exc
            case = case_get_for_actor(actor=actor, pk=case_id)
            services.meeting_add_case(actor=actor, meeting=meeting, case=case)
            messages.success(request, _("Ärendet är uppsatt på dagordningen."))
    except DomainError as exc:
        _error(request, exc)
    return redirect("decisions:meeting", pk=meeting.pk)


@api_counterpart("PUT /decisions/meetings/{meeting_id}/attendance")
@require_POST
@actor_view("coordinator")
def meeting_attendance_view(request, actor: Actor, pk: int):
    meeting = _meeting_or_404(actor, pk)
    form = _attendance_form(actor, meeting, request.POST)
    done = run_form(
        request,
        form,
        lambda d: services.meeting_set_attendance(
            actor=actor, meeting=meeting, parties=form.attendance()
        ),
        success=reverse("decisions:meeting", args=[meeting.pk]),
        message=_("Närvaron är sparad."),
    )
    if done is not None:
        return done
    return _meeting_page(request, actor, meeting, attendance_form=form, status=400)


def _item_or_404(actor, pk) -> AgendaItem:
    item = selectors.agenda_item_get(actor=actor, pk=pk)
    if item is None:
        raise Http404
    return item


@api_counterpart("PUT /decisions/items/{item_id}/position")
@require_POST
@actor_view("coordinator", "decision_maker", "union_rep")
def position_view(request, actor: Actor, pk: int):
    item = _item_or_404(actor, pk)
    form = PositionForm(request.POST)
    party = request.POST.get("party", "")
    union = None
    if party:
        pk = id_or_none(party)
        union = selectors.union_get(actor=actor, pk=pk) if pk is not None else None
        if union is None:
            raise Http404
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.position_record(
                actor=actor,
                item=item,
                stance=d["stance"],
                reason=d["reason"],
                final=d["final"],
                union=union,
                note_kind=d["note_kind"],
            )
            messages.success(request, _("Ställningstagandet är sparat."))
        except DomainError as exc:
            _error(request, exc)
    else:
        messages.error(request, _("Välj tillstyrker eller avstyrker."))
    return redirect(f"/decisions/meetings/{item.meeting_id}/#item-{item.pk}")


@api_counterpart("POST /decisions/items/{item_id}/decision")
@require_POST
@actor_view("coordinator")
def item_decide_view(request, actor: Actor, pk: int):
    item = _item_or_404(actor, pk)
    # Every outcome is accepted here: the service refuses one the model does not allow, with
    # the rule that refuses it (the page offers only the allowed ones).
    form = ItemDecisionForm(request.POST, prefix=f"i{item.pk}")
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.item_decide(
                actor=actor,
                item=item,
                outcome=d["outcome"],
                reason=d["reason"],
                amount_ore=d["amount"],
            )
            messages.success(request, _("Beslutet är fört till protokollet."))
        except DomainError as exc:
            _error(request, exc)
    else:
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
    return redirect(f"/decisions/meetings/{item.meeting_id}/#item-{item.pk}")


@api_counterpart("POST /decisions/meetings/{meeting_id}/sign")
@recent_auth_required
@actor_view("coordinator", "union_rep")
def meeting_sign_view(request, actor: Actor, pk: int):
    """The signed-in adjuster adjusts the minutes (as chair or for their union party)."""
    if request.method != "POST":  # back from re-authentication: press the button again
        return redirect("decisions:meeting", pk=pk)
    meeting = _meeting_or_404(actor, pk)
    try:
        meeting = services.meeting_sign(actor=actor, meeting=meeting)
        if meeting.is_signed:
            messages.success(request, _("Alla har justerat; protokollet är låst."))
        else:
            messages.success(request, _("Du har justerat protokollet."))
    except DomainError as exc:
        _error(request, exc)
    return redirect("decisions:meeting", pk=meeting.pk)


@api_counterpart("POST /decisions/meetings/{meeting_id}/adjusting/restart")
@require_POST
@actor_view("coordinator")
def meeting_adjusting_restart_view(request, actor: Actor, pk: int):
    meeting = _meeting_or_404(actor, pk)
    try:
        services.meeting_adjusting_restart(actor=actor, meeting=meeting)
        messages.success(
            request, _("Justeringen är återkallad; protokollet kan ändras och justeras på nytt.")
        )
    except DomainError as exc:
        _error(request, exc)
    return redirect("decisions:meeting", pk=meeting.pk)


@api_counterpart("POST /decisions/meetings/{meeting_id}/adjust")
@recent_auth_required
@actor_view("coordinator")
def meeting_adjust_view(request, actor: Actor, pk: int):
    if request.method != "POST":  # back from re-authentication: press the button again
        return redirect("decisions:meeting", pk=pk)
    meeting = _meeting_or_404(actor, pk)
    try:
        new = services.meeting_adjust(actor=actor, meeting=meeting)
    except DomainError as exc:
        _error(request, exc)
        return redirect("decisions:meeting", pk=meeting.pk)
    return redirect("decisions:meeting", pk=new.pk)


@api_counterpart("GET /decisions/meetings/{meeting_id}/minutes.pdf")
@actor_view(*READERS)
def meeting_minutes_view(request, actor: Actor, pk: int):
    meeting = _meeting_or_404(actor, pk)
    return sealed_document_response(
        meeting,
        filename=f"protokoll-{meeting.pk}.pdf",
        preview=lambda: render_minutes_pdf(meeting),
    )
