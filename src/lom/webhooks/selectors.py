"""Reading webhook endpoints and deliveries, always within one organisation."""

from datetime import datetime

from django.db.models import QuerySet
from django.http import Http404

from lom.organisations.models import Organisation
from lom.webhooks.models import WebhookDelivery, WebhookEndpoint

RETRYABLE = (WebhookDelivery.Status.PENDING, WebhookDelivery.Status.FAILED)


def endpoints_for_org(*, organisation: Organisation) -> QuerySet[WebhookEndpoint]:
    return WebhookEndpoint.objects.filter(organisation=organisation).order_by("-id")


def endpoint_get(*, organisation: Organisation, pk: int) -> WebhookEndpoint:
    """The organisation's endpoint, or 404 (another organisation's is not found either)."""
    found = endpoints_for_org(organisation=organisation).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def endpoints_subscribed(*, organisation: Organisation, event: str) -> list[WebhookEndpoint]:
    """The organisation's active endpoints that asked for `event` (an organisation has a few;
    the list of codes is read here rather than with a JSON lookup SQLite lacks)."""
    return [
        e
        for e in WebhookEndpoint.objects.filter(organisation=organisation, active=True)
        if event in e.events
    ]


def deliveries_for_endpoint(*, endpoint: WebhookEndpoint) -> QuerySet[WebhookDelivery]:
    return WebhookDelivery.objects.filter(endpoint=endpoint).order_by("-id")


def delivery_get(*, organisation: Organisation, pk: int) -> WebhookDelivery:
    found = (
        WebhookDelivery.objects.filter(endpoint__organisation=organisation, pk=pk)
        .select_related("endpoint")
        .first()
    )
    if found is None:
        raise Http404
    return found


def deliveries_due_ids(  # tenant-scope: the retry sweep serves every organisation
    *, now: datetime, after_pk: int = 0, limit: int = 200
) -> list[int]:
    """Deliveries whose next attempt is due (a retry, or a first attempt whose task was lost),
    in id order after `after_pk`."""
    return list(
        WebhookDelivery.objects.filter(
            status__in=RETRYABLE, next_attempt_at__lte=now, pk__gt=after_pk
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
