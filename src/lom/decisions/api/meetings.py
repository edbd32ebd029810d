"""Meetings of the joint body: the list, planning one, the meeting with its agenda, the
parties present or absent, the parties' positions and the decisions, adjusting the minutes
(`POST .../sign`: the signed-in adjuster adjusts, as chair or for their union party; the last
adjustment seals the minutes), restarting the adjusting, a linked adjustment of sealed minutes
(`POST .../adjust`), and the minutes as a PDF."""

from dataclasses import asdict
from datetime import datetime
from typing import Literal, cast

from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from lom.accounts.api_reauth import ensure_recent_auth
from lom.cases.selectors import case_get_for_actor
from lom.common.bounds import COMMENT_MAX, MAX_AMOUNT_ORE, NAME_MAX
from lom.common.errors import ConflictError, DomainError
from lom.common.pagination import keyset_page
from lom.common.schemas import DEFAULT_LIMIT, Cursor, ErrorOut, Id, Limit, Moment, Page
from lom.common.sealed import BROKEN_SEAL, sealed_document_response
from lom.common.validation import require
from lom.decisions import selectors, services
from lom.decisions.api._common import (
    REFUSALS,
    CaseRefOut,
    ItemOutcome,
    MeetingStatus,
    Stance,
    actor_of,
    case_ref,
    named_as_in_api,
)
from lom.decisions.minutes import adjusting_rows, granted_ore, render_minutes_pdf
from lom.decisions.models import PLACE_MAX, AgendaItem, Meeting, Position
from lom.decisions.permissions import can_manage_meetings, can_read_meetings
from lom.organisations.access import Actor

router = Router(tags=["decisions"])

# The most representatives a meeting is planned with, or marked present, in one request.
MAX_ATTENDEES = 500
# The most parties a meeting records (the employer and the union parties).
MAX_PARTIES = 50


class MeetingListOut(Schema):
    id: int
    title: str
    starts_at: datetime
    place: str
    status: MeetingStatus
    item_count: int
    adjusts_id: int | None
    signed_at: datetime | None


class MeetingPartyOut(Schema):
    """A party of the meeting (`union_id` null: the employer), present or absent."""

    union_id: int | None
    party: str
    present: bool
    representative_id: int | None
    representative: str | None
    substitute: bool
    adjuster_id: int | None


class MeetingAdjusterOut(Schema):
    """An adjuster of the minutes (`union_id` null: the chair); `adjusted_at` null: not yet."""

    union_id: int | None
    role: str
    user_id: int | None
    name: str
    adjusted_at: datetime | None


class AttendeeOut(Schema):
    user_id: int
    name: str
    union_id: int | None
    party: str
    present: bool


# A union's reservation or protocol note on its final position (consultation model only).
PositionNoteKind = Literal["", "reservation", "protocol_note"]


class PositionOut(Schema):
    id: int
    union_id: int | None
    party: str
    final: bool
    stance: Stance
    reason: str
    note_kind: PositionNoteKind
    recorded_at: datetime


class DecisionOut(Schema):
    id: int
    outcome: str
    amount_ore: int | None
    reasoning: str
    decided_at: datetime


class ItemOut(Schema):
    id: int
    order: int
    outcome: ItemOutcome
    minute_text: str
    case: CaseRefOut
    granted_ore: int | None
    positions: list[PositionOut]
    decisions: list[DecisionOut]


class PartyOut(Schema):
    """A party the caller may take a position for (`union_id` null: the employer)."""

    union_id: int | None
    name: str


class MeetingOut(MeetingListOut):
    signed_by: str | None
    minutes_sha256: str
    parties: list[MeetingPartyOut]
    adjusters: list[MeetingAdjusterOut]
    attendees: list[AttendeeOut]
    agenda: list[ItemOut]
    my_parties: list[PartyOut]
    ready_cases: list[CaseRefOut]


class MeetingIn(Schema):
    title: str = Field(min_length=1, max_length=NAME_MAX)
    starts_at: Moment
    place: str = Field("", max_length=PLACE_MAX)
    attendee_ids: list[Id] = Field(default_factory=list, max_length=MAX_ATTENDEES)


class AgendaIn(Schema):
    """Either one case onto the agenda, or (`fill`) every case ready for decision."""

    fill: bool = False
    case_id: Id | None = None


class MeetingPartyIn(Schema):
    """One party's attendance (`union_id` null: the employer). A party present names its
    representative; `adjuster_id` (a union party's adjuster of the minutes) defaults to the
    representative."""

    union_id: Id | None = None
    present: bool
    representative_id: Id | None = None
    substitute: bool = False
    adjuster_id: Id | None = None


class AttendanceIn(Schema):
    """The parties whose attendance changes; parties not listed stay as they are."""

    parties: list[MeetingPartyIn] = Field(max_length=MAX_PARTIES)


class PositionIn(Schema):
    stance: Stance
    reason: str = Field("", max_length=COMMENT_MAX)
    final: bool = False
    # The party: a union of the organisation, or null for the employer.
    union_id: Id | None = None
    # Only a union's final position that disagrees, under the consultation model.
    note_kind: PositionNoteKind = ""


class ItemDecisionIn(Schema):
    outcome: Literal["approved", "rejected", "deferred"]
    reason: str = Field(min_length=1, max_length=COMMENT_MAX)
    amount_ore: int | None = Field(None, ge=0, le=MAX_AMOUNT_ORE)


def _meeting_row(m: Meeting, item_count: int) -> dict:
    return {
        "id": m.pk,
        "title": m.title,
        "starts_at": m.starts_at,
        "place": m.place,
        "status": m.status,
        "item_count": item_count,
        "adjusts_id": m.adjusts_id,
        "signed_at": m.sealed_at,
    }


def _position_out(p: Position) -> PositionOut:
    return PositionOut(
        id=p.pk,
        union_id=p.union_id,
        party=p.party_name,
        final=p.final,
        stance=cast(Stance, p.stance),
        reason=p.reason,
        note_kind=cast(PositionNoteKind, p.note_kind),
        recorded_at=p.recorded_at,
    )


def _item_out(item: AgendaItem) -> ItemOut:
    return ItemOut(
        id=item.pk,
        order=item.order,
        outcome=cast(ItemOutcome, item.outcome),
        minute_text=item.minute_text,
        case=case_ref(item.case),
        granted_ore=granted_ore(item),
        positions=[_position_out(p) for p in item.positions.all()],
        decisions=[
            DecisionOut(
                id=d.pk,
                outcome=d.outcome,
                amount_ore=d.amount_ore,
                reasoning=d.reasoning,
                decided_at=d.decided_at,
            )
            for d in item.decisions.all()
        ],
    )


def _my_parties(actor: Actor) -> list[PartyOut]:
    parties = []
    if actor.has("coordinator", "decision_maker"):
        parties.append(PartyOut(union_id=None, name=_("Arbetsgivaren")))
    parties += [PartyOut(union_id=u.pk, name=u.name) for u in selectors.actor_unions(actor=actor)]
    return parties


def _meeting(actor: Actor, meeting_id: int) -> Meeting:
    require(can_read_meetings(actor))
    meeting = selectors.meeting_get(actor=actor, pk=meeting_id)
    if meeting is None:
        raise Http404
    return meeting


def _meeting_out(actor: Actor, meeting_id: int) -> MeetingOut:
    m = _meeting(actor, meeting_id)
    items = list(m.items.all())
    manage = bool(can_manage_meetings(actor))
    ready = (
        list(selectors.cases_ready_for_agenda(actor=actor)[:50])
        if manage and not m.is_signed and not m.adjusted_by.all()
        else []
    )
    return MeetingOut(
        **_meeting_row(m, len(items)),
        signed_by=str(m.sealed_by) if m.sealed_by else None,
        minutes_sha256=m.sealed_sha256,
        parties=[
            MeetingPartyOut(
                union_id=p.union_id,
                party=p.name,
                present=p.present,
                representative_id=p.representative_id,
                representative=str(p.representative) if p.representative else None,
                substitute=p.substitute,
                adjuster_id=p.adjuster_user_id,
            )
            for p in m.parties.all()
        ],
        adjusters=[MeetingAdjusterOut(**asdict(a)) for a in adjusting_rows(m)],
        attendees=[
            AttendeeOut(
                user_id=a.user_id,
                name=str(a.user),
                union_id=a.union_id,
                party=a.union.name if a.union else _("Arbetsgivaren"),
                present=a.present,
            )
            for a in m.attendees.all()
        ],
        agenda=[_item_out(i) for i in items],
        my_parties=_my_parties(actor),
        ready_cases=[case_ref(c) for c in ready],
    )


@router.get("/meetings", response=Page[MeetingListOut], summary="List the meetings")
def list_meetings(
    request: HttpRequest, cursor: Cursor | None = None, limit: Limit = DEFAULT_LIMIT
) -> Page[MeetingListOut]:
    actor = actor_of(request)
    require(can_read_meetings(actor))
    rows, nxt = keyset_page(
        selectors.meetings_for(actor=actor), cursor=cursor, limit=limit, order=("-starts_at", "-id")
    )
    return Page[MeetingListOut](
        items=[MeetingListOut(**_meeting_row(m, getattr(m, "item_count", 0))) for m in rows],
        next_cursor=nxt,
    )


@router.post("/meetings", response={201: MeetingOut, **REFUSALS}, summary="Plan a meeting")
def create_meeting(request: HttpRequest, payload: MeetingIn) -> Status:
    actor = actor_of(request)
    with named_as_in_api():
        meeting = services.meeting_create(
            actor=actor,
            title=payload.title,
            starts_at=payload.starts_at,
            place=payload.place,
            attendee_ids=payload.attendee_ids,
        )
    return Status(201, _meeting_out(actor, meeting.pk))


@router.get(
    "/meetings/{meeting_id}",
    response=MeetingOut,
    summary="A meeting: agenda, positions, decisions, attendance, signature",
)
def get_meeting(request: HttpRequest, meeting_id: Id) -> MeetingOut:
    return _meeting_out(actor_of(request), meeting_id)


@router.post(
    "/meetings/{meeting_id}/agenda",
    response={200: MeetingOut, **REFUSALS},
    summary="Put a case, or every case ready for decision, on the agenda",
)
def add_to_agenda(  # one action per branch
    request: HttpRequest, meeting_id: Id, payload: AgendaIn
) -> MeetingOut:
    actor = actor_of(request)
    meeting = _meeting(actor, meeting_id)
    if payload.fill:
        services.meeting_fill_agenda(actor=actor, meeting=meeting)
    elif payload.case_id is None:
        raise DomainError(_("Välj ett ärende."), field="case_id")
    else:
        case = case_get_for_actor(actor=actor, pk=payload.case_id)
        services.meeting_add_case(actor=actor, meeting=meeting, case=case)
    return _meeting_out(actor, meeting.pk)


@router.put(
    "/meetings/{meeting_id}/attendance",
    response={200: MeetingOut, **REFUSALS},
    summary="Record each party present (with its representative) or absent",
)
def set_attendance(request: HttpRequest, meeting_id: Id, payload: AttendanceIn) -> MeetingOut:
    actor = actor_of(request)
    meeting = _meeting(actor, meeting_id)
    services.meeting_set_attendance(
        actor=actor,
        meeting=meeting,
        parties=[services.PartyAttendance(**p.dict()) for p in payload.parties],
    )
    return _meeting_out(actor, meeting.pk)


@router.post(
    "/meetings/{meeting_id}/sign",
    response={200: MeetingOut, **REFUSALS},
    summary="Adjust the minutes as the caller (chair or a union party's adjuster); the last "
    "adjustment seals them (needs a recent sign-in when called with a session)",
)
def sign_meeting(request: HttpRequest, meeting_id: Id) -> MeetingOut:
    actor = actor_of(request)
    meeting = _meeting(actor, meeting_id)
    ensure_recent_auth(request)
    services.meeting_sign(actor=actor, meeting=meeting)
    return _meeting_out(actor, meeting.pk)


@router.post(
    "/meetings/{meeting_id}/adjusting/restart",
    response={200: MeetingOut, **REFUSALS},
    summary="Withdraw the adjustments made so far so the minutes can be corrected",
)
def restart_adjusting(request: HttpRequest, meeting_id: Id) -> MeetingOut:
    actor = actor_of(request)
    meeting = _meeting(actor, meeting_id)
    services.meeting_adjusting_restart(actor=actor, meeting=meeting)
    return _meeting_out(actor, meeting.pk)


@router.post(
    "/meetings/{meeting_id}/adjust",
    response={201: MeetingOut, **REFUSALS},
    summary="Adjust signed minutes: a new meeting linked back (needs a recent sign-in)",
)
def adjust_meeting(request: HttpRequest, meeting_id: Id) -> Status:
    actor = actor_of(request)
    meeting = _meeting(actor, meeting_id)
    ensure_recent_auth(request)
    new = services.meeting_adjust(actor=actor, meeting=meeting)
    return Status(201, _meeting_out(actor, new.pk))


PDF_RESPONSE = {
    "description": "The minutes: the sealed PDF once signed, a draft rendered now before.",
    "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
}


@router.get(
    "/meetings/{meeting_id}/minutes.pdf",
    response={409: ErrorOut},
    summary="The minutes as PDF",
    openapi_extra={"responses": {"200": PDF_RESPONSE}},
)
def meeting_minutes(request: HttpRequest, meeting_id: Id) -> HttpResponseBase:
    meeting = _meeting(actor_of(request), meeting_id)
    response = sealed_document_response(
        meeting,
        filename=f"protokoll-{meeting.pk}.pdf",
        preview=lambda: render_minutes_pdf(meeting),
    )
    if response.status_code == 409:  # the stored file no longer matches its checksum
        raise ConflictError(BROKEN_SEAL, code="sealed")
    return response


def _item(actor: Actor, item_id: int) -> AgendaItem:
    item = selectors.agenda_item_get(actor=actor, pk=item_id)
    if item is None:
        raise Http404
    return item


@router.put(
    "/items/{item_id}/position",
    response={200: PositionOut, **REFUSALS},
    summary="Record a party's position on an agenda item",
)
def record_position(request: HttpRequest, item_id: Id, payload: PositionIn) -> PositionOut:
    actor = actor_of(request)
    item = _item(actor, item_id)
    union = None
    if payload.union_id is not None:
        union = selectors.union_get(actor=actor, pk=payload.union_id)
        if union is None:
            raise Http404
    p = services.position_record(
        actor=actor,
        item=item,
        stance=payload.stance,
        reason=payload.reason,
        final=payload.final,
        union=union,
        note_kind=payload.note_kind,
    )
    return _position_out(p)


@router.post(
    "/items/{item_id}/decision",
    response={200: ItemOut, **REFUSALS},
    summary="Record the meeting's decision on an agenda item",
)
def decide_item(request: HttpRequest, item_id: Id, payload: ItemDecisionIn) -> ItemOut:
    actor = actor_of(request)
    item = _item(actor, item_id)
    with named_as_in_api():
        services.item_decide(
            actor=actor,
            item=item,
            outcome=payload.outcome,
            reason=payload.reason,
            amount_ore=payload.amount_ore,
        )
    return _item_out(_item(actor, item.pk))
