"""Webhooks: HTTPS endpoints an organisation registers for the events it wants, and every
signed delivery to them (the delivery log)."""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from lom.common.bounds import NAME_MAX
from lom.organisations.models import Organisation

URL_MAX = 500
ERROR_MAX = 500
SECRET_MAX = 100
MAX_ATTEMPTS = 6


class WebhookEndpoint(models.Model):
    """An HTTPS address that receives the organisation's chosen events. The secret signs every
    delivery (HMAC-SHA256); it is kept as it is because signing needs it, and shown to the
    administrator only when it is made (on creation and on rotation)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="webhook_endpoints"
    )
    url = models.URLField(_("Adress (URL)"), max_length=URL_MAX)
    description = models.CharField(_("Beskrivning"), max_length=NAME_MAX, blank=True)
    # Event codes from lom.webhooks.events.EVENTS.
    events = models.JSONField(_("Händelser"), default=list)
    secret = models.CharField(max_length=SECRET_MAX, editable=False)
    active = models.BooleanField(_("Aktiv"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    secret_rotated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("webhook-mottagare")
        verbose_name_plural = _("webhook-mottagare")

    def __str__(self) -> str:
        return self.url


class WebhookDelivery(models.Model):
    """One event sent to one endpoint, with its attempts: PENDING until the first attempt,
    DELIVERED on a 2xx answer, FAILED (with `next_attempt_at`) after a refused attempt,
    GIVEN_UP after MAX_ATTEMPTS."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Väntar")
        DELIVERED = "delivered", _("Levererad")
        FAILED = "failed", _("Misslyckad, försöker igen")
        GIVEN_UP = "given_up", _("Gav upp")

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.CharField(max_length=50)
    delivery_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    payload = models.JSONField(default=dict)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(
        default=0, validators=[MinValueValidator(0), MaxValueValidator(1000)]
    )
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=ERROR_MAX, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("webhook-leverans")
        verbose_name_plural = _("webhook-leveranser")
        indexes = [
            # The retry scan: failed deliveries whose next attempt is due.
            models.Index(fields=["status", "next_attempt_at"], name="webhook_delivery_due"),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.endpoint_id} ({self.status})"
