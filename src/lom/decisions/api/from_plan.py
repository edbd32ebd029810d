"""Workshop proposals turned into a draft application or an application round (the plan's
bridge to applications and rounds)."""

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from lom.common.bounds import MAX_AMOUNT_ORE, NAME_MAX
from lom.common.errors import DomainError
from lom.common.schemas import Day, Id
from lom.common.validation import require
from lom.decisions import selectors, services
from lom.decisions.api._common import REFUSALS, actor_of, named_as_in_api
from lom.decisions.api.rounds import RoundOut, period_of, round_out
from lom.decisions.permissions import can_manage_meetings
from lom.organisations.access import Actor
from lom.planning.models import Workshop
from lom.planning.selectors import workshop_get

router = Router(tags=["decisions"])

# The most proposals one round is built from.
MAX_PROPOSALS = 200


class ProposalCaseOut(Schema):
    proposal_id: int
    case_id: int


class ProposalsRoundIn(Schema):
    proposal_ids: list[Id] = Field(min_length=1, max_length=MAX_PROPOSALS)
    title: str = Field(min_length=1, max_length=NAME_MAX)
    opens_on: Day
    closes_on: Day
    period_id: Id
    # The budget frame; null takes the sum of the proposals' estimated costs.
    budget_ore: int | None = Field(None, ge=1, le=MAX_AMOUNT_ORE)


def _workshop(actor: Actor, workshop_id: int) -> Workshop:
    ws = workshop_get(actor=actor, pk=workshop_id)
    if ws is None:
        raise Http404
    return ws


@router.post(
    "/proposals/{proposal_id}/case",
    response={201: ProposalCaseOut, **REFUSALS},
    summary="Make a draft application of a workshop proposal",
)
def proposal_to_case(request: HttpRequest, proposal_id: Id) -> Status:
    actor = actor_of(request)
    workshop_id = selectors.proposal_workshop_id(actor=actor, pk=proposal_id)
    if workshop_id is None:
        raise Http404
    proposal = selectors.proposal_get(workshop=_workshop(actor, workshop_id), pk=proposal_id)
    if proposal is None:
        raise Http404
    case = services.proposal_to_case(actor=actor, proposal=proposal)
    return Status(201, ProposalCaseOut(proposal_id=proposal.pk, case_id=case.pk))


@router.post(
    "/workshops/{workshop_id}/round",
    response={201: RoundOut, **REFUSALS},
    summary="Announce an application round built from a workshop's proposals",
)
def proposals_round(request: HttpRequest, workshop_id: Id, payload: ProposalsRoundIn) -> Status:
    actor = actor_of(request)
    require(can_manage_meetings(actor))  # the page is the coordinator's
    ws = _workshop(actor, workshop_id)
    wanted = set(payload.proposal_ids)
    proposals = [p for p in selectors.proposals_without_round(workshop=ws) if p.pk in wanted]
    if len(proposals) != len(wanted):
        raise DomainError(
            _("Välj bland workshoppens förslag som inte redan ingår i en omgång."),
            field="proposal_ids",
        )
    with named_as_in_api():
        rnd = services.proposals_to_round(
            actor=actor,
            workshop=ws,
            proposals=proposals,
            title=payload.title,
            opens_on=payload.opens_on,
            closes_on=payload.closes_on,
            period=period_of(actor, payload.period_id),
            budget_ore=payload.budget_ore,
        )
    return Status(201, round_out(actor, rnd.pk))
