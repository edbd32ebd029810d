"""The workshop board: cards, areas, needs, proposals and closing words. Each operation calls
the service the board's forms call; a locked workshop or a step that is over answers 409."""

from collections.abc import Callable
from typing import Any, TypeVar

from django.utils.translation import gettext as _
from ninja import Path, Router, Status

from lom.common.bounds import DB_ID_MAX
from lom.common.errors import DomainError
from lom.common.schemas import ErrorOut, Id
from lom.planning import selectors, services
from lom.planning.api._common import actor_of, call, found, workshop_or_404
from lom.planning.api.schemas import (
    AreaIn,
    AreaOut,
    CardIn,
    CardOut,
    CardPositionIn,
    ClosingIn,
    ClosingWordOut,
    ProposalIn,
    ProposalOut,
    WorkshopNeedIn,
    WorkshopNeedOut,
)
from lom.planning.api.workshops import (
    W,
    area_out,
    card_out,
    closing_out,
    need_out,
    proposal_out,
)
from lom.planning.models import FactorCard, Proposal, WorkshopArea, WorkshopNeed

router = Router(tags=["planning"])
REFUSED: dict[int, Any] = {400: ErrorOut, 409: ErrorOut}
M = TypeVar("M", FactorCard, WorkshopArea, WorkshopNeed, Proposal)


@router.post(W + "/cards", response={201: CardOut, **REFUSED}, summary="Put up a factor card")
def add_card(request, workshop_id: Id, payload: CardIn) -> Status:
    actor = actor_of(request)
    ws = workshop_or_404(actor, workshop_id)
    card = call(lambda: services.card_add(actor=actor, workshop=ws, text=payload.text))
    return Status(201, card_out(card))


@router.put(
    W + "/cards/{card_id}/position",
    response={200: CardOut, **REFUSED},
    summary="Move a card to an area, or back among the unsorted",
)
def move_card(request, workshop_id: Id, card_id: Id, payload: CardPositionIn) -> CardOut:
    actor = actor_of(request)
    ws = workshop_or_404(actor, workshop_id)
    card = found(selectors.workshop_item(workshop=ws, model=FactorCard, pk=card_id))
    area = None
    if payload.area_id is not None:
        area = selectors.workshop_item(workshop=ws, model=WorkshopArea, pk=payload.area_id)
        if area is None:
            raise DomainError(_("Välj ett område."), field="area_id")
    return card_out(
        call(lambda: services.card_move(actor=actor, workshop=ws, card=card, area=area))
    )


@router.post(W + "/areas", response={201: AreaOut, **REFUSED}, summary="Add an area")
def add_area(request, workshop_id: Id, payload: AreaIn) -> Status:
    actor = actor_of(request)
    ws = workshop_or_404(actor, workshop_id)
    area = call(lambda: services.area_add(actor=actor, workshop=ws, name=payload.name))
    return Status(201, area_out(area))


@router.post(
    W + "/needs", response={201: WorkshopNeedOut, **REFUSED}, summary="Add a competence need"
)
def add_need(request, workshop_id: Id, payload: WorkshopNeedIn) -> Status:
    actor = actor_of(request)
    ws = workshop_or_404(actor, workshop_id)
    area = selectors.workshop_item(workshop=ws, model=WorkshopArea, pk=payload.area_id)
    if area is None:
        raise DomainError(_("Välj ett av workshoppens områden."), field="area_id")
    need = call(
        lambda: services.need_add(
            actor=actor,
            workshop=ws,
            area=area,
            consequence=payload.consequence,
            competence_need=payload.competence_need,
            likelihood=payload.likelihood,
            impact=payload.impact,
        )
    )
    return Status(201, need_out(need))


@router.post(W + "/proposals", response={201: ProposalOut, **REFUSED}, summary="Add a proposal")
def add_proposal(request, workshop_id: Id, payload: ProposalIn) -> Status:
    actor = actor_of(request)
    ws = workshop_or_404(actor, workshop_id)
    measure_type = None
    if payload.measure_type_id is not None:
        measure_type = (
            selectors.measure_types_for(actor=actor).filter(pk=payload.measure_type_id).first()
        )
        if measure_type is None:
            raise DomainError(_("Välj en insatstyp i avtalet."), field="measure_type_id")
    proposal = call(
        lambda: services.proposal_add(
            actor=actor,
            workshop=ws,
            title=payload.title,
            description=payload.description,
            need_ids=payload.need_ids,
            cost_ore=payload.cost_ore,
            target_group=payload.target_group,
            measure_type=measure_type,
        )
    )
    return Status(201, proposal_out(proposal))


@router.post(
    W + "/closing",
    response={200: ClosingWordOut, **REFUSED},
    summary="Write (or rewrite) what the caller takes away",
)
def save_closing_word(request, workshop_id: Id, payload: ClosingIn) -> ClosingWordOut:
    actor = actor_of(request)
    ws = workshop_or_404(actor, workshop_id)
    word = call(lambda: services.closing_word_save(actor=actor, workshop=ws, text=payload.text))
    return closing_out(word)


def _remove(
    path: str, model: type[M], param: str, service: Callable[..., None], summary: str
) -> None:
    """DELETE of one item of the board: 404 unless it is on this workshop's board."""

    item_param: Any = Path(..., ge=1, le=DB_ID_MAX, alias=f"{param}_id")

    @router.delete(
        f"{W}/{path}/{{{param}_id}}",
        response={204: None, **REFUSED},
        summary=summary,
        operation_id=f"planning_remove_{param}",
    )
    def remove(
        request,
        workshop_id: Id,
        item_id: int = item_param,
    ) -> Status:
        actor = actor_of(request)
        ws = workshop_or_404(actor, workshop_id)
        item = found(selectors.workshop_item(workshop=ws, model=model, pk=item_id))
        call(lambda: service(actor=actor, workshop=ws, **{param: item}))
        return Status(204, None)


_remove("cards", FactorCard, "card", services.card_remove, "Remove a card")
_remove("areas", WorkshopArea, "area", services.area_remove, "Remove an area")
_remove("needs", WorkshopNeed, "need", services.need_remove, "Remove a need")
_remove("proposals", Proposal, "proposal", services.proposal_remove, "Remove a proposal")
