"""The one function that changes a campaign's status (the table is `lom.levers.workflow`)."""

from django.utils import timezone
from django.utils.translation import gettext as _

from lom.common.audit import audit
from lom.common.errors import DomainError
from lom.levers.models import Campaign
from lom.levers.workflow import SYSTEM, TRANSITIONS, allowed
from lom.organisations.access import Actor


def campaign_transition(  # step: in the caller's transaction; the only status change
    *, campaign: Campaign, name: str, actor: Actor | None
) -> Campaign:
    roles = frozenset({SYSTEM}) if actor is None else actor.roles
    if not allowed(name, status=campaign.status, roles=roles):
        raise DomainError(_("Det går inte i kampanjens nuvarande läge."), field="status")
    before = campaign.status
    campaign.status = TRANSITIONS[name].target
    if name == "deliver":
        campaign.sent_at = timezone.now()
    campaign.save()
    audit(
        organisation_id=campaign.organisation_id,
        actor=actor.user if actor else None,
        action=f"levers.campaign_{name}",
        target=campaign,
        before={"status": before},
        after={"status": campaign.status, "recipients": campaign.recipients},
    )
    return campaign
