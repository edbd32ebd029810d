"""Workshops: the list, creating and inviting, leading through the steps, the lock, new
versions, the result and its PDF. Each operation calls the service or selector the workshop
pages call."""

from typing import Any

from django.http.response import HttpResponseBase
from ninja import Router, Status

from lom.common.pagination import keyset_page
from lom.common.schemas import DEFAULT_LIMIT, Cursor, ErrorOut, Id, Limit, Page
from lom.common.sealed import sealed_document_response
from lom.organisations.access import Actor
from lom.planning import selectors, services
from lom.planning.api._common import actor_of, call, found, workshop_or_404
from lom.planning.api.schemas import (
    AreaOut,
    BoardOut,
    CardOut,
    ClosingWordOut,
    InvitedOut,
    InviteIn,
    ProposalOut,
    ResultOut,
    StepIn,
    TimeboxIn,
    WorkshopIn,
    WorkshopNeedOut,
    WorkshopOut,
    WorkshopParticipantOut,
)
from lom.planning.documents import render_workshop_pdf
from lom.planning.models import (
    ClosingWord,
    FactorCard,
    Proposal,
    Workshop,
    WorkshopArea,
    WorkshopNeed,
)
from lom.planning.permissions import can_contribute, is_facilitator

router = Router(tags=["planning"])
W = "/workshops/{workshop_id}"
REFUSED = {400: ErrorOut, 409: ErrorOut}
PDF_RESPONSE = {
    "responses": {
        "200": {
            "description": "The locked result as PDF (a preview while the workshop is open).",
            "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}


def workshop_out(ws: Workshop) -> WorkshopOut:
    return WorkshopOut.model_validate(ws, from_attributes=True)


def _author(row) -> str:
    """The author's name: set by the board's selector, otherwise from the row's author."""
    name = getattr(row, "author_name", None)
    return name or row.author.get_full_name() or row.author.username


def card_out(card: FactorCard) -> CardOut:
    return CardOut(
        id=card.pk,
        text=card.text,
        area_id=card.area_id,
        author_id=card.author_id,
        author_name=_author(card),
    )


def need_out(need: WorkshopNeed) -> WorkshopNeedOut:
    return WorkshopNeedOut(
        id=need.pk,
        area_id=need.area_id,
        consequence=need.consequence,
        competence_need=need.competence_need,
        likelihood=need.likelihood,
        impact=need.impact,
        priority=need.priority,
        author_id=need.author_id,
        author_name=_author(need),
    )


def proposal_out(p: Proposal) -> ProposalOut:
    return ProposalOut(
        id=p.pk,
        title=p.title,
        description=p.description,
        need_ids=[n.pk for n in p.needs.all()],
        cost_ore=p.cost_ore,
        target_group=p.target_group,
        measure_type_id=p.measure_type_id,
        case_id=p.case_id,
        round_id=p.round_id,
        author_id=p.author_id,
        author_name=_author(p),
    )


def closing_out(w: ClosingWord) -> ClosingWordOut:
    return ClosingWordOut(author_id=w.author_id, author_name=_author(w), text=w.text)


def area_out(a: WorkshopArea) -> AreaOut:
    return AreaOut(id=a.pk, name=a.name, order=a.order)


def board_out(
    actor: Actor, ws: Workshop, schema: type[BoardOut] = BoardOut, **extra: Any
) -> BoardOut:
    board = selectors.workshop_board(workshop=ws)
    return schema(
        **workshop_out(ws).model_dump(),
        is_locked=ws.is_locked,
        facilitator=is_facilitator(actor, ws) and not ws.is_locked,
        can_write=bool(can_contribute(actor, ws, ws.step)),
        participants=[
            WorkshopParticipantOut(
                id=p.pk,
                user_id=p.user_id,
                name=p.display_name,
                union_id=p.union_id,
                party=str(p.party_name),
                is_facilitator=p.is_facilitator,
            )
            for p in board.participants
        ],
        areas=[area_out(a) for a in board.areas],
        cards=[card_out(c) for c in board.cards],
        needs=[need_out(n) for n in board.needs],
        proposals=[proposal_out(p) for p in board.proposals],
        closing_words=[closing_out(w) for w in board.closing_words],
        **extra,
    )


@router.get("/workshops", response=Page[WorkshopOut], summary="List the caller's workshops")
def list_workshops(
    request, cursor: Cursor | None = None, limit: Limit = DEFAULT_LIMIT
) -> Page[WorkshopOut]:
    rows, nxt = keyset_page(
        selectors.workshops_for(actor=actor_of(request)),
        cursor=cursor,
        limit=limit,
        order=("-held_on", "-id"),
    )
    return Page[WorkshopOut](items=[workshop_out(w) for w in rows], next_cursor=nxt)


@router.post(
    "/workshops",
    response={201: BoardOut, 400: ErrorOut},
    summary="Create a workshop and invite its participants",
)
def create_workshop(request, payload: WorkshopIn) -> Status:
    actor = actor_of(request)
    ws = call(
        lambda: services.workshop_create(
            actor=actor,
            title=payload.title,
            held_on=payload.held_on,
            place=payload.place,
            participant_ids=payload.participant_ids,
            usernames=payload.usernames,
        )
    )
    return Status(201, board_out(actor, workshop_or_404(actor, ws.pk)))


@router.get(W, response=BoardOut, summary="The workshop's board")
def get_workshop(request, workshop_id: Id) -> BoardOut:
    actor = actor_of(request)
    return board_out(actor, workshop_or_404(actor, workshop_id))


@router.post(
    W + "/participants",
    response={200: InvitedOut, **REFUSED},
    summary="Invite participants (the facilitator)",
)
def invite_participants(request, workshop_id: Id, payload: InviteIn) -> InvitedOut:
    actor = actor_of(request)
    ws = workshop_or_404(actor, workshop_id)
    n = call(
        lambda: services.workshop_invite(
            actor=actor,
            workshop=ws,
            user_ids=payload.user_ids,
            usernames=payload.usernames,
            facilitator=payload.facilitator,
        )
    )
    return InvitedOut(invited=n)


@router.delete(
    W + "/participants/{participant_id}",
    response={204: None, **REFUSED},
    summary="Remove a participant (the facilitator)",
)
def remove_participant(request, workshop_id: Id, participant_id: Id) -> Status:
    actor = actor_of(request)
    ws = workshop_or_404(actor, workshop_id)
    participant = found(selectors.workshop_participant(workshop=ws, pk=participant_id))
    call(
        lambda: services.workshop_remove_participant(
            actor=actor, workshop=ws, participant=participant
        )
    )
    return Status(204, None)


@router.put(W + "/step", response={200: WorkshopOut, **REFUSED}, summary="Go to a step")
def set_step(request, workshop_id: Id, payload: StepIn) -> WorkshopOut:
    actor = actor_of(request)
    ws = workshop_or_404(actor, workshop_id)
    return workshop_out(
        call(lambda: services.workshop_set_step(actor=actor, workshop=ws, step=payload.step))
    )


@router.put(
    W + "/timebox", response={200: WorkshopOut, **REFUSED}, summary="Time-box the current step"
)
def set_timebox(request, workshop_id: Id, payload: TimeboxIn) -> WorkshopOut:
    actor = actor_of(request)
    ws = workshop_or_404(actor, workshop_id)
    return workshop_out(
        call(
            lambda: services.workshop_set_timebox(actor=actor, workshop=ws, minutes=payload.minutes)
        )
    )


@router.post(
    W + "/lock", response={200: WorkshopOut, **REFUSED}, summary="Lock the result (sealed as PDF)"
)
def lock_workshop(request, workshop_id: Id) -> WorkshopOut:
    actor = actor_of(request)
    ws = workshop_or_404(actor, workshop_id)
    return workshop_out(call(lambda: services.workshop_lock(actor=actor, workshop=ws)))


@router.post(
    W + "/new-version",
    response={201: WorkshopOut, **REFUSED},
    summary="Open a new version of a locked workshop",
)
def new_workshop_version(request, workshop_id: Id) -> Status:
    actor = actor_of(request)
    ws = workshop_or_404(actor, workshop_id)
    return Status(
        201, workshop_out(call(lambda: services.workshop_new_version(actor=actor, workshop=ws)))
    )


@router.get(W + "/result", response=ResultOut, summary="The workshop's result")
def get_result(request, workshop_id: Id) -> BoardOut:
    actor = actor_of(request)
    ws = workshop_or_404(actor, workshop_id)
    newer = ws.next_versions.order_by("version").first()
    return board_out(
        actor,
        ws,
        ResultOut,
        sealed_at=ws.sealed_at,
        sealed_sha256=ws.sealed_sha256,
        newer_id=newer.pk if newer else None,
    )


@router.get(
    W + "/result.pdf",
    openapi_extra=PDF_RESPONSE,
    summary="The workshop's result as PDF",
)
def get_result_pdf(request, workshop_id: Id) -> HttpResponseBase:
    ws = workshop_or_404(actor_of(request), workshop_id)
    return sealed_document_response(
        ws,
        filename=f"workshop-{ws.pk}-v{ws.version}.pdf",
        preview=lambda: render_workshop_pdf(ws),
    )
