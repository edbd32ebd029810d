"""The decision letters on the case page, for those who read them:
`{% load case_letters %}{% case_letters_panel case actor %}`."""

from django import template

from lom.cases.letters import can_read_letters, letters_for_case
from lom.cases.models import Case
from lom.organisations.access import Actor

register = template.Library()


@register.inclusion_tag("cases/_decision_letters.html")
def case_letters_panel(case: Case, actor: Actor) -> dict:
    letters = list(letters_for_case(case=case)) if can_read_letters(actor, case) else []
    return {"case": case, "letters": letters}
