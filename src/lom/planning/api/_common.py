"""What the planning API's modules share: finding the workshop or plan the path names (404
otherwise), and naming a refused field as the API's JSON names it."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from django.http import Http404

from lom.common.errors import fields_renamed
from lom.organisations.access import Actor
from lom.planning import selectors
from lom.planning.models import TransitionPlan, Workshop

T = TypeVar("T")

# The services name the fields as the forms do; the API's JSON names some of them otherwise.
API_FIELD_NAMES = {
    "area": "area_id",
    "needs": "need_ids",
    "cost": "cost_ore",
    "budget": "budget_ore",
    "participants": "participant_ids",
    "fund_period": "fund_period_id",
    "workshop": "workshop_id",
    "measure_type": "measure_type_id",
}


@contextmanager
def _named_as_in_api() -> Iterator[None]:
    with fields_renamed(API_FIELD_NAMES):
        yield


def call(action: Callable[[], T]) -> T:
    """Run one service; a refusal names the field as the client sent it."""
    with _named_as_in_api():
        return action()


def actor_of(request) -> Actor:
    return request.api_actor


def workshop_or_404(actor: Actor, pk: int) -> Workshop:
    ws = selectors.workshop_get(actor=actor, pk=pk)
    if ws is None:
        raise Http404
    return ws


def plan_or_404(actor: Actor, pk: int) -> TransitionPlan:
    plan = selectors.plan_get(actor=actor, pk=pk)
    if plan is None:
        raise Http404
    return plan


def found(item: T | None) -> T:
    if item is None:
        raise Http404
    return item
