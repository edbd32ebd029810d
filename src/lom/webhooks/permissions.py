"""Who may manage the organisation's webhooks: its administrator."""

from django.utils.translation import gettext as _

from lom.common.verdict import YES, Verdict
from lom.organisations.access import Actor
from lom.organisations.models import Role


def can_manage_webhooks(actor: Actor) -> Verdict:
    if not actor.has(Role.ORG_ADMIN):
        return Verdict(False, _("Bara organisationens administratör hanterar webhooks."))
    return YES
