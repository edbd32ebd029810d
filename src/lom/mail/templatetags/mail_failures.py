from django import template

from lom.mail.selectors import failed_mail_count
from lom.organisations.models import Role

register = template.Library()


@register.simple_tag(takes_context=True)
def failed_mail_count_for(context) -> int:
    """How many of the organisation's mails failed, for an administrator (else 0)."""
    actor = getattr(context.get("request"), "actor", None)
    if not actor or not actor.has(Role.ORG_ADMIN):
        return 0
    return failed_mail_count(organisation_id=actor.organisation.pk)
