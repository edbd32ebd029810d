"""Mail that LOM sends: an outbox row per message, delivered by the task queue (never inside a
web request), each attempt logged, retried with backoff, and permanent failures kept for the
organisation's administrator to send again."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lom.organisations.models import Organisation


class OutboundMail(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("I kö")
        RETRYING = "retrying", _("Försöker igen")
        SENT = "sent", _("Skickat")
        FAILED = "failed", _("Misslyckades")
        CANCELLED = "cancelled", _("Stoppat")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    to_address = models.EmailField(_("mottagare"), max_length=254)
    # A notification kind (lom.mail.notify.KINDS), or "digest", "survey", "system".
    kind = models.CharField(_("typ"), max_length=30)
    language = models.CharField(_("språk"), max_length=8, default="sv")
    subject = models.CharField(_("ämne"), max_length=255)
    text = models.TextField(_("text"))
    html = models.TextField(_("html"), blank=True)
    # Extra headers, e.g. List-Unsubscribe and List-Unsubscribe-Post (RFC 8058).
    headers = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("försök"), default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(_("senaste fel"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("utgående e-post")
        verbose_name_plural = _("utgående e-post")
        indexes = [
            models.Index(fields=["status", "next_attempt_at"]),
            models.Index(fields=["organisation", "status", "-created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.to_address}: {self.subject}"


class MailAttempt(models.Model):
    """One try to hand a mail to the SMTP server, kept whatever the outcome."""

    mail = models.ForeignKey(OutboundMail, on_delete=models.CASCADE, related_name="attempt_log")
    at = models.DateTimeField(auto_now_add=True)
    ok = models.BooleanField(default=False)
    # The SMTP reply code when the server answered (e.g. 250, 451, 550); null for no answer.
    code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["mail", "at", "id"]
        verbose_name = _("leveransförsök")
        verbose_name_plural = _("leveransförsök")

    def __str__(self) -> str:
        return f"{self.mail_id} {self.at:%Y-%m-%d %H:%M} {'ok' if self.ok else self.code}"


class MailPreference(models.Model):
    """How a user wants their notification mail: one per event, or a daily digest."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mail_preference"
    )
    digest = models.BooleanField(
        _("en sammanfattning per dag i stället för ett mejl per händelse"), default=False
    )
    last_digest_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("e-postinställning")
        verbose_name_plural = _("e-postinställningar")

    def __str__(self) -> str:
        return f"{self.user_id}: {'digest' if self.digest else 'each'}"
