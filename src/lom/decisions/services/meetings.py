"""Joint meetings (partssamverkan): planning, the agenda, the parties present or absent, the
parties' positions, and the decision per item under the agreement's quorum.

Every party of the agreement in force (the employer and each union party) is recorded for the
meeting as present, with its representative (perhaps a substitute), or absent. A decision to
approve or reject needs the parties the agreement's quorum demands; a deferral needs none.
Under "HR decides each case" the meeting only consults, so no union quorum applies, but the
employer must still be present to decide. Adjusting the minutes is in `minutes.py`; once the
first adjuster has adjusted, the meeting refuses every change (409) until the coordinator
restarts the adjusting, so nobody's adjustment ever covers text they did not read."""

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_stubs_ext import StrOrPromise

from lom.accounts.models import User
from lom.agreements.models import DecisionModel, Quorum
from lom.agreements.rules import AgreementRules
from lom.agreements.selectors import rules_in_force
from lom.cases.models import Case, Status
from lom.cases.notifications import applicant_users
from lom.cases.rules import rules_for_case
from lom.cases.services import _do_case_transition as case_transition
from lom.common.audit import audit
from lom.common.bounds import COMMENT_MAX, NAME_MAX
from lom.common.errors import ConflictError, DomainError
from lom.common.validation import amount_within, optional_text
from lom.common.validation import require as _require
from lom.common.validation import required_text as _text
from lom.decisions.decision_models import note_kind_problem, outcome_problem
from lom.decisions.messages import AGENDA_ADDED
from lom.decisions.models import (
    PLACE_MAX,
    AgendaItem,
    Attendee,
    Meeting,
    MeetingParty,
    NoteKind,
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


def _unsealed_meeting(meeting: Meeting) -> Meeting:
    """The meeting locked for this transaction; refused once its minutes are sealed."""
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


def _open_meeting(meeting: Meeting) -> Meeting:
    """The meeting locked for a change: refused once sealed, and once adjusting has begun."""
    meeting = _unsealed_meeting(meeting)
    if meeting.adjusted_by.exists():
        raise ConflictError(
            _("Protokollet justeras; ändringar kräver att justeringen görs om."),
            code="locked",
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
    _create_parties(meeting=meeting, chair_id=actor.user.pk, union_of=union_of)
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


def _create_parties(*, meeting: Meeting, chair_id: int, union_of: dict[int, int | None]) -> None:
    """Every party of the agreement in force on the meeting's day (without an agreement: the
    parties of the attendees), present when one of its attendees can represent it."""
    rules = rules_in_force(
        organisation=meeting.organisation, on=timezone.localdate(meeting.starts_at)
    )
    union_ids = list(rules.union_ids) if rules else sorted({u for u in union_of.values() if u})
    first_of: dict[int | None, int] = {None: chair_id}
    for uid, union in sorted(union_of.items()):
        first_of.setdefault(union, uid)
    MeetingParty.objects.bulk_create(
        [
            MeetingParty(
                meeting=meeting,
                union_id=union,
                present=union in first_of,
                representative_id=first_of.get(union),
            )
            for union in [None, *union_ids]
        ]
    )


@transaction.atomic(durable=True)
def meeting_add_case(*, actor: Actor, meeting: Meeting, case: Case) -> AgendaItem:
    _require(can_manage_meetings(actor))
    return _add_case(actor=actor, meeting=_open_meeting(meeting), case=case)


def _add_case(*, actor: Actor, meeting: Meeting, case: Case, in_round: bool = False) -> AgendaItem:
    """Put one case on an open meeting's agenda, inside the caller's transaction. A case of an
    application round comes to a meeting only with its round (`in_round`): the parties see it
    there, and the round's one joint decision records the outcome on its item."""
    _own_case(actor, case)
    if case.status != Status.IN_REVIEW:
        raise ConflictError(
            _("Bara ärenden under handläggning kan sättas upp på dagordningen."), code="state"
        )
    if case.round_id and not in_round:
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
            text=AGENDA_ADDED,
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


@dataclass(frozen=True)
class PartyAttendance:
    """One party's attendance as the coordinator records it (`union_id` None: the employer)."""

    union_id: int | None
    present: bool
    representative_id: int | None = None
    substitute: bool = False
    # A union party's adjuster of the minutes; None: the representative.
    adjuster_id: int | None = None


@transaction.atomic(durable=True)
def meeting_set_attendance(
    *, actor: Actor, meeting: Meeting, parties: list[PartyAttendance]
) -> None:
    """Record each given party present (with its representative, substitute or not, and for
    a union party its adjuster) or absent; the attendees follow their party."""
    _require(can_manage_meetings(actor))
    meeting = _open_meeting(meeting)
    rows = {p.union_id: p for p in meeting.parties.select_related("union")}
    before = {_party_key(p): _party_state(p) for p in rows.values()}
    for given in parties:
        row = rows.get(given.union_id)
        if row is None:
            raise DomainError(_("Parten hör inte till sammanträdet."), field="parties")
        _apply_attendance(meeting=meeting, row=row, given=given)
    present = {u for u, p in rows.items() if p.present}
    for a in meeting.attendees.all():
        if a.present != (a.union_id in present):
            a.present = a.union_id in present
            a.save(update_fields=["present"])
    audit(
        organisation_id=meeting.organisation_id,
        actor=actor.user,
        action="meeting.attendance",
        target=meeting,
        before=before,
        after={_party_key(p): _party_state(p) for p in rows.values()},
    )


def _party_key(p: MeetingParty) -> str:
    return str(p.union_id or "employer")


def _party_state(p: MeetingParty) -> dict:
    return {
        "present": p.present,
        "representative": p.representative_id,
        "substitute": p.substitute,
        "adjuster": p.adjuster_id,
    }


def _apply_attendance(*, meeting: Meeting, row: MeetingParty, given: PartyAttendance) -> None:
    if not given.present:
        row.present, row.representative_id, row.substitute, row.adjuster_id = (
            False,
            None,
            False,
            None,
        )
        row.save()
        return
    if given.representative_id is None:
        raise DomainError(
            _("Ange vem som företräder %(party)s.") % {"party": row.name},
            field="representative",
        )
    _check_speaks_for(meeting=meeting, user_id=given.representative_id, union_id=row.union_id)
    adjuster_id = given.adjuster_id if row.union_id is not None else None
    if adjuster_id is not None:
        _check_speaks_for(meeting=meeting, user_id=adjuster_id, union_id=row.union_id)
    row.present, row.representative_id, row.substitute, row.adjuster_id = (
        True,
        given.representative_id,
        given.substitute,
        adjuster_id,
    )
    row.save()
    for uid in {given.representative_id, adjuster_id}:
        if uid is None:
            continue
        Attendee.objects.get_or_create(
            meeting=meeting, user_id=uid, defaults={"union_id": row.union_id}
        )


def _check_speaks_for(*, meeting: Meeting, user_id: int, union_id: int | None) -> None:
    """The user holds a role of the party in the meeting's organisation: a union's
    representative for a union party, a coordinator or decision maker for the employer."""
    roles = Membership.objects.filter(organisation_id=meeting.organisation_id, user_id=user_id)
    if union_id is None:
        ok = roles.filter(role__in=[Role.COORDINATOR, Role.DECISION_MAKER]).exists()
    else:
        ok = roles.filter(role=Role.UNION_REP, union_id=union_id).exists()
    if not ok:
        raise DomainError(
            _("Personen företräder inte den parten i organisationen."), field="representative"
        )


QUORUM_RULE: dict[str, StrOrPromise] = {
    Quorum.ALL_PARTIES: gettext_lazy("beslutet kräver alla parter enligt avtalet"),
    Quorum.EMPLOYER_AND_MAJORITY: gettext_lazy(
        "beslutet kräver arbetsgivaren och en majoritet av de fackliga parterna enligt avtalet"
    ),
    Quorum.EMPLOYER_AND_ONE: gettext_lazy(
        "beslutet kräver arbetsgivaren och minst en facklig part enligt avtalet"
    ),
}


def quorum_problem(
    *, rules: AgreementRules | None, parties: list[MeetingParty], outcome: str
) -> str | None:
    # pure: why the parties present may not take `outcome` under the agreement's quorum,
    # naming the missing parties and the rule; None when they may. A deferral needs no quorum.
    if outcome == AgendaItem.Outcome.DEFERRED:
        return None
    present = {p.union_id for p in parties if p.present}
    if None not in present:
        return _("Arbetsgivaren är inte närvarande; ett beslut kräver arbetsgivaren.")
    if rules is not None and rules.decision_model == DecisionModel.HR_DECIDES:
        return None  # the meeting consults; HR decides
    unions = list(rules.union_ids) if rules else [p.union_id for p in parties if p.union_id]
    missing = [u for u in unions if u not in present]
    if not missing:
        return None
    quorum = rules.quorum if rules else Quorum.ALL_PARTIES
    here = len(unions) - len(missing)
    if quorum == Quorum.EMPLOYER_AND_MAJORITY and here * 2 > len(unions):
        return None
    if quorum == Quorum.EMPLOYER_AND_ONE and here >= 1:
        return None
    names = ", ".join(
        Union.objects.filter(pk__in=missing).order_by("name").values_list("name", flat=True)
    )
    return _("%(parties)s är inte närvarande; %(rule)s.") % {
        "parties": names,
        "rule": QUORUM_RULE.get(quorum, QUORUM_RULE[Quorum.ALL_PARTIES]),
    }


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
    """Record the meeting's decision on one item. Approving or rejecting needs the parties
    the agreement's quorum demands; the decision model says what the positions allow."""
    _require(can_manage_meetings(actor))
    meeting = _open_meeting(item.meeting)
    item = AgendaItem.objects.select_for_update().get(pk=item.pk)
    if item.outcome:
        raise ConflictError(_("Punkten är redan beslutad."), code="state")
    if item.case.round_id:
        raise DomainError(
            _("Ärendet beslutas i sin ansökningsomgång, genom omgångens gemensamma beslut."),
            field="outcome",
        )
    reason = _text(
        reason, field="reason", message=_("Skriv beslutets motivering."), max_length=COMMENT_MAX
    )
    amount_within(amount_ore, field="amount")
    finals = list(item.positions.filter(final=True))
    parties = list(meeting.parties.all())
    rules = rules_for_case(item.case)
    problem = quorum_problem(rules=rules, parties=parties, outcome=outcome) or outcome_problem(
        rules=rules,
        outcome=outcome,
        finals=finals,
        parties_present={p.union_id for p in parties if p.present},
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
