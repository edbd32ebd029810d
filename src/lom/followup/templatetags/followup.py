"""The follow-up panel on the case page: `{% load followup %}{% followup_panel case %}`.
A tag rather than view code so the case page stays the cases app's own."""

from django import template

from lom.cases.models import Status
from lom.followup.permissions import can_view_followup, is_participant
from lom.followup.selectors import followups_for_case, is_listed, survey_answered

register = template.Library()


@register.inclusion_tag("followup/_case_panel.html", takes_context=True)
def followup_panel(context, case):
    request = context.get("request")
    actor = getattr(request, "actor", None) if request is not None else None
    if not actor or case.status != Status.COMPLETED:
        return {"panel": None, "case": case}
    actor = actor._wrapped if hasattr(actor, "_wrapped") else actor
    panel = {}
    if can_view_followup(actor, case):
        records = followups_for_case(case=case)
        panel.update(show_followup=True, end=records.get("end"), later=records.get("later"))
    listed = actor.employee is not None and is_listed(case=case, employee_id=actor.employee.pk)
    if is_participant(actor, case, listed=listed):
        answered = survey_answered(case=case, employee_id=actor.employee.pk)
        panel.update(survey_open=not answered, survey_answered=answered)
    return {"panel": panel or None, "case": case}
