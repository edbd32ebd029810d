"""The "organisations that faced this funded…" panel, for the case page and a plan's need."""

from django import template

from lom.cases.models import Case
from lom.library.selectors import library_similar
from lom.planning.models import Need

register = template.Library()

SUGGEST_STATUSES = {"draft", "submitted", "awaiting_endorsement", "in_review", "returned"}


def _text_of(source) -> tuple[str, int | None]:
    if isinstance(source, Case):
        if source.status not in SUGGEST_STATUSES:
            return "", None
        return f"{source.title} {source.business_need}", source.organisation_id
    if isinstance(source, Need):
        return f"{source.title} {source.description}", source.plan.organisation_id
    return "", None


@register.inclusion_tag("library/_suggestions_panel.html")
def library_suggestions(source):
    text, org_id = _text_of(source)
    entries = library_similar(text=text, limit=3, exclude_organisation_id=org_id) if text else []
    return {"entries": entries}
