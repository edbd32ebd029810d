"""What the decisions API modules share: the caller, the names of refused fields as the API
spells them, and the case as it appears in a meeting or a round."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Literal

from ninja import Schema

from lom.cases.models import Case
from lom.common.errors import fields_renamed
from lom.common.schemas import ErrorOut
from lom.organisations.access import Actor

# The services name some fields as the forms do; the API's JSON names them otherwise.
API_FIELD_NAMES = {
    "amount": "amount_ore",
    "budget": "budget_ore",
    "period": "period_id",
    "proposals": "proposal_ids",
    "case": "case_id",
    "decision": "decision_id",
    "meeting": "meeting_id",
    "spent": "spent_ore",
    "due": "report_date_id",
    "assessors": "assessor_ids",
}
# The models' choices as the API's enums. Literal types, not the models' TextChoices: those are
# all named Status, Outcome... and would share one name in the OpenAPI document.
MeetingStatus = Literal["planned", "signed"]
Stance = Literal["agree", "disagree"]
ItemOutcome = Literal["", "approved", "rejected", "deferred"]
ObjectionStatus = Literal["raised", "answered", "resolved", "escalated"]
RoundStatus = Literal["open", "decided"]

# The refusals a write declares besides the standard ones (lom.api.contract).
REFUSALS: dict[int, type[ErrorOut]] = {400: ErrorOut, 409: ErrorOut}


def actor_of(request: Any) -> Actor:
    """The caller (set on the request by the API's authentication)."""
    actor: Actor = request.api_actor
    return actor


@contextmanager
def named_as_in_api() -> Iterator[None]:
    """A refused input names the field as the client sent it."""
    with fields_renamed(API_FIELD_NAMES):
        yield


class CaseRefOut(Schema):
    """A case as a meeting's agenda or a round lists it (never its private reason)."""

    id: int
    number: str
    title: str
    status: str
    requested_ore: int


def case_ref(case: Case) -> CaseRefOut:
    return CaseRefOut(
        id=case.pk,
        number=case.number,
        title=case.title,
        status=case.status,
        requested_ore=case.requested_ore,
    )
