from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lom.common.messages import render_or

NOTIFICATION_SHOWN_MAX = 300


class AuditEvent(models.Model):
    """Append-only trail of every status change and money movement: who, when, what,
    before and after. Written by services only."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.CharField(_("händelse"), max_length=60)
    target_type = models.CharField(max_length=60)
    target_id = models.BigIntegerField()
    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, null=True, blank=True, related_name="events"
    )
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    note = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("händelse")
        verbose_name_plural = _("händelselogg")
        indexes = [
            models.Index(fields=["organisation", "-at"]),
            models.Index(fields=["case", "at"]),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.target_type}#{self.target_id}"


class Notification(models.Model):
    """The in-app list. E-mail goes out on commit, if the user wants that kind."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=30)
    # A system message: its code and parameters (lom.common.messages), rendered in the
    # reader's language when shown. `text` holds only what older releases stored.
    code = models.CharField(max_length=60, blank=True, default="")
    params = models.JSONField(default=dict, blank=True)
    text = models.CharField(max_length=300, blank=True)
    url = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "decisions_notification"  # the table it has had since the first release
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["user", "read_at", "-created_at"], name="decisions_n_user_id_2b132f_idx"
            )
        ]

    def __str__(self) -> str:
        return self.shown

    @property
    def shown(self) -> str:
        """The text in the active language (the stored text for rows without a code)."""
        return render_or(self.code, self.params, self.text)[:NOTIFICATION_SHOWN_MAX]


class NotificationPreference(models.Model):
    """Which kinds of notification a user does NOT want by e-mail (in-app always shows)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=30)
    email = models.BooleanField(default=True)

    class Meta:
        db_table = "decisions_notificationpreference"
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_pref_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.kind}={self.email}"


class ReadLog(models.Model):
    """Who displayed or exported which special-category record (a personal reason, a
    counselling note…), and when. Append-only; written by `lom.common.readlog.record_read` in
    the request that shows or exports the data; searched by the administrator and the auditor."""

    class Channel(models.TextChoices):
        PAGE = "page", _("sida")
        EXPORT = "export", _("export")
        API = "api", _("API")

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The data class read, a code such as "case.private_reason" or "support.session_note".
    data_class = models.CharField(_("uppgiftsslag"), max_length=60)
    target_type = models.CharField(max_length=60)
    target_id = models.BigIntegerField()
    # Whose data it is, when that is an employee of the organisation.
    employee = models.ForeignKey(
        "organisations.Employee", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    channel = models.CharField(_("kanal"), max_length=10, choices=Channel.choices)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("läslogg")
        verbose_name_plural = _("läslogg")
        indexes = [
            models.Index(fields=["organisation", "-at"]),
            models.Index(fields=["organisation", "target_type", "target_id"]),
            models.Index(fields=["employee", "-at"]),
        ]

    def __str__(self) -> str:
        return f"{self.data_class} {self.target_type}#{self.target_id}"
