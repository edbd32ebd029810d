"""What joint decisions add to the case page, so cases (below decisions) need not import it:
`{% load decisions_case %}{% case_rounds_panel case actor %}` (open rounds a development project
may join, the project owner's progress reports, the parties' positions) and
`{% case_objections_panel case actor decisions %}` (objections, and raising one)."""

from django import template
from django.utils import timezone

from lom.cases.models import ApplicationKind, Case, Status
from lom.cases.permissions import can_edit_case
from lom.decisions.selectors import (
    objections_for_case,
    project_round_for_owner,
    rounds_open_to_join,
    visible_positions,
)
from lom.organisations.access import Actor

register = template.Library()


@register.inclusion_tag("decisions/_case_rounds.html")
def case_rounds_panel(case: Case, actor: Actor, positions: list | None = None) -> dict:
    """`positions`: the case's positions when the page has read them already."""
    open_rounds = []
    if (
        case.kind == ApplicationKind.DEVELOPMENT_PROJECT
        and not case.round_id
        and can_edit_case(actor, case)
    ):
        open_rounds = rounds_open_to_join(actor=actor, on=timezone.localdate())
    # The owner of an approved project in a round reports its progress.
    reporting = bool(case.round_id) and project_round_for_owner(actor=actor, case=case) is not None
    return {
        "case": case,
        "reporting": reporting,
        "open_rounds": open_rounds,
        "positions": (
            visible_positions(actor=actor, case=case) if positions is None else positions
        ),
    }


@register.inclusion_tag("decisions/_case_objections.html", takes_context=True)
def case_objections_panel(
    context, case: Case, actor: Actor, decisions, objections: list | None = None
) -> dict:
    """`objections`: the case's objections when the page has read them already."""
    return {
        "csrf_token": context.get("csrf_token"),
        "case": case,
        "decisions": decisions,
        "objections": objections_for_case(case=case) if objections is None else objections,
        "can_object": bool(actor.union_ids) and case.status != Status.DRAFT,
        # Back from a refused objection (no reasons): the form shows why, tied to the field.
        "objection_missing": getattr(context.get("request"), "GET", {}).get("objection")
        == "missing",
    }
