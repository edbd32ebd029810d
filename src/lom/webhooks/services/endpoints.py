"""The organisation administrator's endpoints: create, update, rotate the secret, deactivate.
Every change is audited; the secret is returned only by create and rotate (shown once)."""

import secrets
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lom.common.audit import audit
from lom.common.bounds import NAME_MAX
from lom.common.errors import ConflictError, DomainError
from lom.common.validation import optional_text, require
from lom.organisations.access import Actor
from lom.webhooks.events import EVENTS
from lom.webhooks.models import URL_MAX, WebhookEndpoint
from lom.webhooks.permissions import can_manage_webhooks
from lom.webhooks.services.addresses import check_url

SECRET_BYTES = 32
MAX_EVENTS = len(EVENTS)


def new_secret() -> str:  # pure: 32 random bytes, URL-safe text
    return "whsec_" + secrets.token_urlsafe(SECRET_BYTES)


def _clean(*, url: str, description: str, events: Sequence[str]) -> tuple[str, str, list[str]]:
    url = (url or "").strip()
    if not url:
        raise DomainError(_("Ange adressen."), field="url")
    if len(url) > URL_MAX:
        raise DomainError(_("Adressen får vara högst %(n)d tecken.") % {"n": URL_MAX}, field="url")
    check_url(url)
    description = optional_text(description, field="description", max_length=NAME_MAX)
    unknown = [e for e in events if e not in EVENTS]
    if unknown:
        raise DomainError(
            _("Okänd händelse: %(e)s.") % {"e": ", ".join(unknown[:3])}, field="events"
        )
    chosen = [code for code in EVENTS if code in set(events)]
    if not chosen:
        raise DomainError(_("Välj minst en händelse."), field="events")
    return url, description, chosen


def _audited(actor: Actor, endpoint: WebhookEndpoint, action: str) -> None:
    audit(
        organisation_id=endpoint.organisation_id,
        actor=actor.user,
        action=f"webhook.{action}",
        target=endpoint,
        after={"url": endpoint.url, "events": endpoint.events, "active": endpoint.active},
    )


def _locked(actor: Actor, endpoint: WebhookEndpoint) -> WebhookEndpoint:
    require(can_manage_webhooks(actor))
    locked = WebhookEndpoint.objects.select_for_update().get(
        pk=endpoint.pk, organisation=actor.organisation
    )
    if not locked.active:
        raise ConflictError(_("Mottagaren är avaktiverad och kan inte ändras."), code="state")
    return locked


@transaction.atomic(durable=True)
def webhook_endpoint_create(
    *, actor: Actor, url: str, description: str = "", events: Sequence[str]
) -> tuple[WebhookEndpoint, str]:
    """A new active endpoint and its secret (shown once to the administrator)."""
    require(can_manage_webhooks(actor))
    url, description, chosen = _clean(url=url, description=description, events=events)
    secret = new_secret()
    endpoint = WebhookEndpoint.objects.create(
        organisation=actor.organisation,
        url=url,
        description=description,
        events=chosen,
        secret=secret,
        created_by=actor.user,
    )
    _audited(actor, endpoint, "create")
    return endpoint, secret


@transaction.atomic(durable=True)
def webhook_endpoint_update(
    *, actor: Actor, endpoint: WebhookEndpoint, url: str, description: str, events: Sequence[str]
) -> WebhookEndpoint:
    locked = _locked(actor, endpoint)
    locked.url, locked.description, locked.events = _clean(
        url=url, description=description, events=events
    )
    locked.save(update_fields=["url", "description", "events"])
    _audited(actor, locked, "update")
    return locked


@transaction.atomic(durable=True)
def webhook_secret_rotate(
    *, actor: Actor, endpoint: WebhookEndpoint
) -> tuple[WebhookEndpoint, str]:
    """A new secret (shown once); deliveries from now on are signed with it."""
    locked = _locked(actor, endpoint)
    secret = new_secret()
    locked.secret, locked.secret_rotated_at = secret, timezone.now()
    locked.save(update_fields=["secret", "secret_rotated_at"])
    _audited(actor, locked, "rotate_secret")
    return locked, secret


@transaction.atomic(durable=True)
def webhook_endpoint_deactivate(*, actor: Actor, endpoint: WebhookEndpoint) -> WebhookEndpoint:
    """No more deliveries to this endpoint (its log is kept); its retries are given up when
    they come due."""
    locked = _locked(actor, endpoint)
    locked.active = False
    locked.save(update_fields=["active"])
    _audited(actor, locked, "deactivate")
    return locked
