"""What joint decisions add to the workshop result, so planning (below cases and decisions)
need not import them: `{% load decisions_plan %}{% proposals_next_steps ws board actor %}`,
proposals turned into draft applications or an application round."""

from django import template

from lom.cases.permissions import can_create_case
from lom.organisations.access import Actor
from lom.planning.models import Workshop
from lom.planning.permissions import can_convert_proposal

register = template.Library()


@register.inclusion_tag("decisions/_from_plan.html", takes_context=True)
def proposals_next_steps(context, ws: Workshop, board, actor: Actor) -> dict:
    convert = bool(can_convert_proposal(actor, ws))
    create_verdict = can_create_case(actor)
    return {
        "csrf_token": context.get("csrf_token"),
        "ws": ws,
        "board": board,
        "convertible": convert,
        "user_id": actor.user.pk,
        "can_create_case": bool(create_verdict),
        "create_case_reason": create_verdict.reason,
        "can_round": convert and actor.is_coordinator,
    }
