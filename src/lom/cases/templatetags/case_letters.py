"""The decision letters on the case page, for those who read them:
`{% load case_letters %}{% case_letters_panel case actor %}`."""

from django import template

from lom.cases.letters import can_read_letters, letters_for_case
from lom.cases.models import Case
from lom.organisations.access import Actor

register = template.Library()


@register.inclusion_tag("cases/_decision_letters.html")
def case_letters_panel(case: Case, actor: Actor, letters: list | None = None) -> dict:
    """`letters`: the case's letters when the page has read them already."""
    if not can_read_letters(actor, case):
        letters = []
    elif letters is None:
        letters = list(letters_for_case(case=case))
    return {"case": case, "letters": letters}
