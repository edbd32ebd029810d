"""Joint meetings (partssamverkan): planning, the agenda, attendance, the parties' positions,
the decision per item, and signing the minutes."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lom.accounts.models import User
from lom.cases.models import Case, Status
from lom.cases.notifications import applicant_users
from lom.cases.rules import rules_for_case
from lom.cases.services import _do_case_transition as case_transition
from lom.common.audit import audit
from lom.common.bounds import COMMENT_MAX, NAME_MAX
from lom.common.errors import ConflictError, DomainError
from lom.common.sealed import seal_document
from lom.common.validation import amount_within, optional_text
from lom.common.validation import require as _require
from lom.common.validation import required_text as _text
from lom.decisions.decision_models import outcome_problem
from lom.decisions.minutes import render_minutes_pdf
from lom.decisions.models import (
    PLACE_MAX,
    AgendaItem,
    Attendee,
    Meeting,
    Position,
)
from lom.decisions.permissions import (
    can_manage_meetings,
    can_record_position,
)
from lom.decisions.services._common import _own_case
from lom.mail.notify import notify
from lom.organisations.access import Actor
from lom.organisations.models import Membership, Role, Union
from lom.webhooks.services import webhook_emit


def _open_meeting(meeting: Meeting) -> Meeting:
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.is_signed:
        raise ConflictError(
            _(
                "Protokollet är justerat och kan inte ändras. Gör en justering "
                "som ett nytt, länkat protokoll."
            ),
            code="signed",
        )
    return meeting


# --- Meetings -------------------------------------------------------------------------------


@transaction.atomic(durable=True)
def meeting_create(
    *,
    actor: Actor,
    title: str,
    starts_at: datetime,
    place: str = "",
    attendee_ids: list[int] | None = None,
) -> Meeting:
    return _meeting_create(
        actor=actor, title=title, starts_at=starts_at, place=place, attendee_ids=attendee_ids
    )


@transaction.atomic(durable=True)
def meeting_adjust(*, actor: Actor, meeting: Meeting) -> Meeting:
    """An adjustment of signed minutes: a new meeting, linked back, with the same place and
    representatives."""
    return _meeting_create(
        actor=actor,
        title=_("Justering av %(t)s") % {"t": meeting.title},
        starts_at=timezone.now(),
        place=meeting.place,
        attendee_ids=[a.user_id for a in meeting.attendees.all()],
        adjusts=meeting,
    )


def _meeting_create(
    *,
    actor: Actor,
    title: str,
    starts_at: datetime,
    place: str = "",
    attendee_ids: list[int] | None = None,
    adjusts: Meeting | None = None,
) -> Meeting:
    _require(can_manage_meetings(actor))
    title = _text(
        title, field="title", message=_("Ge sammanträdet en rubrik."), max_length=NAME_MAX
    )
    place = optional_text(place, field="place", max_length=PLACE_MAX)
    if adjusts is not None and adjusts.organisation_id != actor.organisation.pk:
        raise DomainError(_("Sammanträdet tillhör en annan organisation."))
    if adjusts is not None and not adjusts.is_signed:
        raise ConflictError(
            _("Bara ett justerat protokoll i den egna organisationen kan justeras i efterhand."),
            code="state",
        )
    meeting = Meeting.objects.create(
        organisation=actor.organisation,
        title=title,
        starts_at=starts_at,
        place=place,
        created_by=actor.user,
        adjusts=adjusts,
    )
    ids = set(attendee_ids or [])
    ids.add(actor.user.pk)
    memberships = Membership.objects.filter(organisation=actor.organisation, user_id__in=ids)
    union_of: dict[int, int | None] = {}
    for m in memberships:
        if m.role == Role.UNION_REP:
            union_of[m.user_id] = m.union_id
        else:
            union_of.setdefault(m.user_id, None)
    Attendee.objects.bulk_create(
        [Attendee(meeting=meeting, user_id=uid, union_id=union) for uid, union in union_of.items()]
    )
    audit(
        organisation_id=meeting.organisation_id,
        actor=actor.user,
        action="meeting.create",
        target=meeting,
        after={
            "title": meeting.title,
            "starts_at": starts_at.isoformat(),
            "adjusts": adjusts.pk if adjusts else None,
        },
    )
    return meeting


@transaction.atomic(durable=True)
def meeting_add_case(*, actor: Actor, meeting: Meeting, case: Case) -> AgendaItem:
    _require(can_manage_meetings(actor))
    return _add_case(actor=actor, meeting=_open_meeting(meeting), case=case)


def _add_case(*, actor: Actor, meeting: Meeting, case: Case) -> AgendaItem:
    """Put one case on an open meeting's agenda, inside the caller's transaction."""
    _own_case(actor, case)
    if case.status != Status.IN_REVIEW:
        raise ConflictError(
            _("Bara ärenden under handläggning kan sättas upp på dagordningen."), code="state"
        )
    if case.round_id:
        raise DomainError(_("Ärendet beslutas i sin ansökningsomgång."))
    item, created = AgendaItem.objects.get_or_create(
        meeting=meeting, case=case, defaults={"order": meeting.items.count() + 1}
    )
    if created:
        audit(
            organisation_id=case.organisation_id,
            actor=actor.user,
            action="agenda.add",
            target=item,
            case=case,
            after={"meeting": meeting.pk, "order": item.order},
        )
        reps = [a.user for a in meeting.attendees.select_related("user")]
        notify(
            users=reps + _applicants(case),
            organisation_id=case.organisation_id,
            kind="agenda",
            case_id=case.pk,
            url=f"/decisions/meetings/{meeting.pk}/",
            reference=case.number,
            text=gettext_lazy("%(case)s är uppsatt på dagordningen till %(m)s"),
            params={"case": case.number, "m": meeting.title},
        )
    return item


def _applicants(case: Case) -> list[User]:
    return applicant_users(case)


@transaction.atomic(durable=True)
def meeting_fill_agenda(*, actor: Actor, meeting: Meeting) -> int:
    """Put every case that is ready for decision and on no open agenda on this one."""
    _require(can_manage_meetings(actor))
    meeting = _open_meeting(meeting)
    ready = (
        Case.objects.filter(
            organisation=actor.organisation, status=Status.IN_REVIEW, round__isnull=True
        )
        .exclude(agenda_items__meeting__status=Meeting.Status.PLANNED)
        .order_by("submitted_at", "id")
    )
    added = 0
    for case in ready:
        _add_case(actor=actor, meeting=meeting, case=case)
        added += 1
    return added


@transaction.atomic(durable=True)
def meeting_set_attendance(*, actor: Actor, meeting: Meeting, present_ids: set[int]) -> None:
    _require(can_manage_meetings(actor))
    meeting = _open_meeting(meeting)
    for a in meeting.attendees.all():
        present = a.user_id in present_ids
        if a.present != present:
            a.present = present
            a.save(update_fields=["present"])


@transaction.atomic(durable=True)
def position_record(
    *,
    actor: Actor,
    item: AgendaItem,
    stance: str,
    reason: str = "",
    final: bool,
    union: Union | None,
    note_kind: str = "",
) -> Position:
    """A party's position on an item. Under the consultation model a union whose final
    position disagrees may add a reservation or a protocol note (its reason says why)."""
    from lom.decisions.decision_models import note_kind_problem
    from lom.decisions.models import NoteKind

    _require(can_record_position(actor, union.pk if union else None))
    meeting = _open_meeting(item.meeting)
    if meeting.organisation_id != actor.organisation.pk:
        raise DomainError(_("Sammanträdet tillhör en annan organisation."))
    if item.outcome:
        raise ConflictError(_("Punkten är redan beslutad."), code="state")
    if stance not in Position.Stance.values:
        raise DomainError(_("Välj tillstyrker eller avstyrker."), field="stance")
    reason = optional_text(reason, field="reason", max_length=COMMENT_MAX)
    if stance == Position.Stance.DISAGREE and not reason:
        raise DomainError(_("Motivera varför ni avstyrker."), field="reason")
    note_kind = note_kind or ""
    if note_kind not in NoteKind.values:
        raise DomainError(_("Välj reservation eller protokollsanteckning."), field="note_kind")
    problem = note_kind_problem(
        rules=rules_for_case(item.case),
        note_kind=note_kind,
        stance=stance,
        final=final,
        union_id=union.pk if union else None,
    )
    if problem:
        raise DomainError(problem, field="note_kind")
    position, _created = Position.objects.update_or_create(
        item=item,
        union=union,
        final=final,
        defaults={
            "stance": stance,
            "reason": reason,
            "note_kind": note_kind,
            "recorded_by": actor.user,
        },
    )
    audit(
        organisation_id=meeting.organisation_id,
        actor=actor.user,
        action="position.final" if final else "position.provisional",
        target=position,
        case=item.case,
        after={
            "party": position.party_name,
            "stance": stance,
            "reason": reason,
            "note_kind": note_kind,
        },
    )
    return position


@transaction.atomic(durable=True)
def item_decide(
    *,
    actor: Actor,
    item: AgendaItem,
    outcome: str,
    reason: str,
    amount_ore: int | None = None,
) -> AgendaItem:
    """Record the meeting's decision on one item. Approval needs every party present to
    agree; a disagreement can end in rejection or deferral (and then an objection)."""
    _require(can_manage_meetings(actor))
    meeting = _open_meeting(item.meeting)
    item = AgendaItem.objects.select_for_update().get(pk=item.pk)
    if item.outcome:
        raise ConflictError(_("Punkten är redan beslutad."), code="state")
    reason = _text(
        reason, field="reason", message=_("Skriv beslutets motivering."), max_length=COMMENT_MAX
    )
    amount_within(amount_ore, field="amount")
    finals = list(item.positions.filter(final=True))
    parties_present = {a.union_id for a in meeting.attendees.filter(present=True)}
    problem = outcome_problem(
        rules=rules_for_case(item.case),
        outcome=outcome,
        finals=finals,
        parties_present=parties_present,
    )
    if problem:
        raise DomainError(problem, field="outcome")
    if outcome in (AgendaItem.Outcome.APPROVED, AgendaItem.Outcome.REJECTED):
        case_transition(
            actor=actor,
            case=item.case,
            name="approve" if outcome == AgendaItem.Outcome.APPROVED else "reject",
            reason=reason,
            amount_ore=amount_ore,
            agenda_item=item,
        )
    elif outcome != AgendaItem.Outcome.DEFERRED:
        raise DomainError(_("Välj ett beslut."), field="outcome")
    item.outcome = outcome
    item.minute_text = reason
    item.save(update_fields=["outcome", "minute_text"])
    audit(
        organisation_id=meeting.organisation_id,
        actor=actor.user,
        action="agenda.decide",
        target=item,
        case=item.case,
        after={"outcome": outcome, "reason": reason},
    )
    return item


@transaction.atomic(durable=True)
def meeting_sign(*, actor: Actor, meeting: Meeting) -> Meeting:
    """Freeze the minutes: render the PDF once, store it with its checksum."""
    _require(can_manage_meetings(actor))
    meeting = _open_meeting(meeting)
    if meeting.items.filter(outcome="").exists():
        raise ConflictError(
            _("Alla punkter måste vara beslutade eller bordlagda innan protokollet justeras."),
            code="state",
        )
    meeting.status = Meeting.Status.SIGNED
    sha = seal_document(
        meeting,
        by=actor.user,
        render=lambda: render_minutes_pdf(meeting),
        filename=f"protokoll-{meeting.organisation_id}-{meeting.pk}.pdf",
    )
    audit(
        organisation_id=meeting.organisation_id,
        actor=actor.user,
        action="meeting.sign",
        target=meeting,
        after={"sha256": sha},
    )
    webhook_emit(
        organisation=actor.organisation,
        event="document.registered",
        payload={
            "document": "minutes",
            "meeting_id": meeting.pk,
            "adjusts_meeting_id": meeting.adjusts_id,
            "title": meeting.title,
            "sha256": sha,
        },
    )
    return meeting
