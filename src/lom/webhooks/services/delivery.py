"""Emitting events and delivering them: signed JSON POSTs, retried with backoff, each attempt
recorded on the delivery (the log the administrator sees).

`webhook_emit` runs inside the caller's transaction: one delivery per active endpoint that asked
for the event; when the caller commits, a task per delivery is enqueued. A delivery is claimed
(a short transaction that counts the attempt and leases the row), posted outside any
transaction, and its outcome recorded in a second short transaction. A 2xx answer delivers it;
anything else (another status, a timeout, a refused address, a TLS error) fails it with the next
attempt after RETRY_DELAYS[attempts - 1]; after MAX_ATTEMPTS attempts it is given up. The
scheduler's job `webhook_retries` enqueues what is due every minute.

The receiver is told: `X-LOM-Event` (the event code), `X-LOM-Delivery` (the delivery's uuid, the
same on every attempt: deliveries are at least once, so receivers drop repeats by it) and
`X-LOM-Signature: t=<unix time>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`."""

import hashlib
import hmac
import json
import logging
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import requests
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from lom.common.errors import ConflictError, DomainError
from lom.common.validation import require
from lom.organisations.access import Actor
from lom.organisations.models import Organisation
from lom.webhooks.events import EVENTS
from lom.webhooks.models import ERROR_MAX, MAX_ATTEMPTS, WebhookDelivery
from lom.webhooks.permissions import can_manage_webhooks
from lom.webhooks.selectors import RETRYABLE, deliveries_due_ids, endpoints_subscribed
from lom.webhooks.services.addresses import CheckedAdapter, check_url

log = logging.getLogger("lom.webhooks")

TIMEOUT_SECONDS = 10
# Seconds before the next attempt after the 1st, 2nd, … failed one: 1 min, 5 min, 30 min, 2 h, 12 h.
RETRY_DELAYS = (60, 300, 1800, 7200, 43200)
# A claimed delivery is left alone this long by other workers (longer than one POST can take).
LEASE = timedelta(seconds=6 * TIMEOUT_SECONDS)
# A first attempt whose task was lost is made by the retry job after this long.
STUCK_AFTER = timedelta(minutes=5)
S = WebhookDelivery.Status

JSON = dict[str, Any]


def sign(*, secret: str, timestamp: int, body: bytes) -> str:  # pure: the signature header
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def body_of(delivery: WebhookDelivery) -> bytes:  # pure: the same bytes on every attempt
    envelope = {
        "id": str(delivery.delivery_id),
        "event": delivery.event,
        "created_at": delivery.created_at.isoformat(),
        "organisation_id": delivery.endpoint.organisation_id,
        "data": delivery.payload,
    }
    return json.dumps(envelope, ensure_ascii=False, separators=(",", ":")).encode()


def next_attempt_after(attempts: int) -> timedelta | None:  # pure: None: give up
    if attempts >= MAX_ATTEMPTS:
        return None
    return timedelta(seconds=RETRY_DELAYS[min(attempts, len(RETRY_DELAYS)) - 1])


def webhook_emit(  # step: runs in the caller's transaction
    *, organisation: Organisation, event: str, payload: JSON
) -> int:
    """One delivery per active endpoint of `organisation` subscribed to `event`, sent when the
    caller's transaction commits; the payload gets `at` (now) unless it has one. Returns how
    many deliveries were made."""
    if event not in EVENTS:
        raise ValueError(f"unknown webhook event {event!r}")
    now = timezone.now()
    payload = {"at": now.isoformat()} | payload
    ids = [
        WebhookDelivery.objects.create(
            endpoint=endpoint, event=event, payload=payload, next_attempt_at=now + STUCK_AFTER
        ).pk
        for endpoint in endpoints_subscribed(organisation=organisation, event=event)
    ]
    for pk in ids:
        transaction.on_commit(_enqueue(pk))
    return len(ids)


def _enqueue(delivery_id: int) -> Callable[[], object]:
    return lambda: deliver_webhook.enqueue(delivery_id)


def _claim(delivery_id: int, now: datetime) -> WebhookDelivery | None:
    with transaction.atomic(durable=True):
        delivery = (
            WebhookDelivery.objects.select_for_update()
            .select_related("endpoint")
            .filter(pk=delivery_id, status__in=RETRYABLE)
            .first()
        )
        if delivery is None:
            return None
        if not delivery.endpoint.active:
            delivery.status = S.GIVEN_UP
            delivery.last_error = _("Mottagaren är avaktiverad.")
            delivery.next_attempt_at = None
            delivery.save(update_fields=["status", "last_error", "next_attempt_at"])
            return None
        delivery.attempts += 1
        delivery.next_attempt_at = now + LEASE
        delivery.save(update_fields=["attempts", "next_attempt_at"])
        return delivery


def _post(delivery: WebhookDelivery, body: bytes) -> int:
    """POST the body (no redirects, TLS verified); the HTTP status."""
    endpoint = delivery.endpoint
    check_url(endpoint.url)  # the name may resolve elsewhere now than when it was saved
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "LOM-Webhooks/1",
        "X-LOM-Event": delivery.event,
        "X-LOM-Delivery": str(delivery.delivery_id),
        "X-LOM-Signature": sign(secret=endpoint.secret, timestamp=int(time.time()), body=body),
    }
    with requests.Session() as session:
        session.mount("https://", CheckedAdapter())
        session.trust_env = False  # no proxy from the environment, no .netrc
        response = session.post(
            endpoint.url,
            data=body,
            headers=headers,
            timeout=TIMEOUT_SECONDS,
            allow_redirects=False,
            verify=True,
        )
        response.close()
        return response.status_code


def _record(delivery_id: int, code: int | None, error: str, now: datetime) -> str:
    with transaction.atomic(durable=True):
        delivery = WebhookDelivery.objects.select_for_update().get(pk=delivery_id)
        delivery.last_status_code = code
        if code is not None and 200 <= code < 300:
            delivery.status, delivery.delivered_at = S.DELIVERED, now
            delivery.next_attempt_at, delivery.last_error = None, ""
        else:
            wait = next_attempt_after(delivery.attempts)
            delivery.status = S.FAILED if wait is not None else S.GIVEN_UP
            delivery.next_attempt_at = now + wait if wait is not None else None
            delivery.last_error = (error or f"HTTP {code}")[:ERROR_MAX]
        delivery.save()
        return delivery.status


def webhook_deliver(*, delivery_id: int) -> str:  # batch: one attempt, two short transactions
    """One attempt to deliver; returns the delivery's status afterwards ("missing" when there
    is no such delivery, the present status when it is not due for an attempt)."""
    now = timezone.now()
    delivery = _claim(delivery_id, now)
    if delivery is None:
        found = WebhookDelivery.objects.filter(pk=delivery_id).values_list("status", flat=True)
        return str(found.first() or "missing")
    code: int | None = None
    error = ""
    try:
        code = _post(delivery, body_of(delivery))
    except DomainError as exc:
        error = str(exc.message)
    except requests.RequestException as exc:
        error = f"{type(exc).__name__}: {exc}"
    log.info(
        "webhook attempt",
        extra={"delivery": delivery.pk, "event": delivery.event, "status_code": code},
    )
    return _record(delivery_id, code, error, timezone.now())


def webhook_retry_due(*, now: datetime | None = None) -> int:  # batch: enqueues, writes nothing
    """Enqueue an attempt for every delivery that is due; returns how many."""
    now = now or timezone.now()
    queued, after = 0, 0
    while ids := deliveries_due_ids(now=now, after_pk=after):
        for pk in ids:
            deliver_webhook.enqueue(pk)
        queued += len(ids)
        after = ids[-1]
    return queued


@transaction.atomic(durable=True)
def webhook_redeliver(*, actor: Actor, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send one delivery again (same delivery id, same body, a fresh series of attempts)."""
    require(can_manage_webhooks(actor))
    locked = (
        WebhookDelivery.objects.select_for_update()
        .select_related("endpoint")
        .get(pk=delivery.pk, endpoint__organisation=actor.organisation)
    )
    if not locked.endpoint.active:
        raise ConflictError(_("Mottagaren är avaktiverad."), code="state")
    if locked.status == S.PENDING:
        raise ConflictError(_("Leveransen är redan på väg."), code="state")
    locked.status, locked.attempts, locked.last_error = S.PENDING, 0, ""
    locked.next_attempt_at = timezone.now() + STUCK_AFTER
    locked.save(update_fields=["status", "attempts", "last_error", "next_attempt_at"])
    transaction.on_commit(_enqueue(locked.pk))
    return locked


@task()
def deliver_webhook(delivery_id: int) -> str:  # batch: the queue's entry point for one delivery
    return webhook_deliver(delivery_id=delivery_id)
