"""What the planning views share: finding the workshop or plan, measure types, JSON or not."""

from collections.abc import Callable
from typing import TypeVar

from django.contrib import messages
from django.http import Http404, HttpRequest

from lom.common.errors import DomainError
from lom.organisations.access import Actor
from lom.planning import selectors
from lom.planning.models import (
    TransitionPlan,
    Workshop,
)

T = TypeVar("T")
# A workshop in the API's paths (for the views' @api_counterpart).
WS = "/planning/workshops/{workshop_id}"


def _wants_json(request) -> bool:
    return request.headers.get("X-Requested-With") == "fetch"


def _workshop_or_404(actor: Actor, pk: int) -> Workshop:
    ws = selectors.workshop_get(actor=actor, pk=pk)
    if ws is None:
        raise Http404
    return ws


def _measure_types(actor: Actor):
    return selectors.measure_types_for(actor=actor)


def _plan_or_404(actor: Actor, pk: int) -> TransitionPlan:
    plan = selectors.plan_get(actor=actor, pk=pk)
    if plan is None:
        raise Http404
    return plan


def _locked_workshops(actor: Actor):
    return selectors.locked_workshops_for(actor=actor)


def run_action(
    request: HttpRequest, action: Callable[[], T], *, message: str | Callable[[T], str]
) -> T | None:
    """A POST that calls one service and goes back to a page: success flashes `message`, a
    domain error flashes its reason. Answers the service's result, or None when refused."""
    try:
        result = action()
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return None
    messages.success(request, message(result) if callable(message) else message)
    return result
