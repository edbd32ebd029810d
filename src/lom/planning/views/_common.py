"""What the planning views share: finding the workshop or plan, measure types, JSON or not."""

from django.http import Http404
from django.utils import timezone

from lom.agreements.selectors import agreement_current
from lom.organisations.access import Actor
from lom.planning import selectors
from lom.planning.models import (
    TransitionPlan,
    Workshop,
)


def _wants_json(request) -> bool:
    return request.headers.get("X-Requested-With") == "fetch"


def _workshop_or_404(actor: Actor, pk: int) -> Workshop:
    ws = selectors.workshop_get(actor=actor, pk=pk)
    if ws is None:
        raise Http404
    return ws


def _measure_types(actor: Actor):
    from lom.agreements.models import MeasureType

    agreement = agreement_current(organisation=actor.organisation, on=timezone.localdate())
    if agreement is None:
        return MeasureType.objects.all()
    return agreement.measure_types.all()


def _plan_or_404(actor: Actor, pk: int) -> TransitionPlan:
    plan = selectors.plan_get(actor=actor, pk=pk)
    if plan is None:
        raise Http404
    return plan


def _locked_workshops(actor: Actor):
    return selectors.workshops_for(actor=actor).filter(status=Workshop.Status.LOCKED)
