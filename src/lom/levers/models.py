"""Campaigns that carry a lever to the employees (or managers) it concerns, and the employees
who asked to get no campaign mail. A campaign's funnel is computed from aggregate counts (the
outbox, the outreach reach counters of its marker, the cases that carry its marker): nothing
here records what a recipient did."""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from lom.funds.models import FundPeriod
from lom.organisations.models import Employee, Organisation
from lom.outreach.models import Campaign as OutreachCampaign

TITLE_MAX = 160
SUBJECT_MAX = 150
BODY_MAX = 3_000
VALUE_MAX = 200
MAX_EFFECT_KR = 1_000_000_000
# No campaign reaches fewer people than this, and no count of the funnel below it is shown.
MIN_AUDIENCE = 5


class Lever(models.TextChoices):
    UNDER_REACHED = "under_reached", _("Grupper som nås för lite")
    SILENT_UNITS = "silent_units", _("Tysta enheter")
    UNPLANNED = "unplanned", _("Oplanerade medel")
    GROUP_MEASURES = "group_measures", _("Gruppinsatser")


class Kind(models.TextChoices):
    EMPLOYEES = "employees", _("Till medarbetare")
    NUDGE = "nudge", _("Påminnelse till chefer")


class Dimension(models.TextChoices):
    ALL = "all", _("Alla medarbetare")
    UNIT = "unit", _("En enhet med underenheter")
    OCCUPATIONAL_GROUP = "occupational_group", _("En yrkesgrupp")
    AGE_BAND = "age_band", _("En åldersgrupp")
    GENDER = "gender", _("Ett kön")
    MANAGERS = "managers", _("Cheferna för enheter")


class Landing(models.TextChoices):
    PAGE = "page", _("Informationssidan")
    GUIDE = "guide", _("Guiden")


class Status(models.TextChoices):
    DRAFT = "draft", _("Utkast")
    SCHEDULED = "scheduled", _("Schemalagd")
    SENT = "sent", _("Skickad")
    CANCELLED = "cancelled", _("Stoppad")


class Campaign(models.Model):
    """One message to every employee of a group (or to the managers of silent units), sent
    through the task queue on `send_on`. `marker` is the outreach campaign whose id the links
    carry (?k=): the page and guide visits and the started applications are counted there."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    period = models.ForeignKey(
        FundPeriod,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("fondperiod"),
    )
    lever = models.CharField(_("hävstång"), max_length=20, choices=Lever.choices, blank=True)
    kind = models.CharField(_("typ"), max_length=10, choices=Kind.choices, default=Kind.EMPLOYEES)
    dimension = models.CharField(
        _("mottagare"), max_length=20, choices=Dimension.choices, default=Dimension.ALL
    )
    value = models.CharField(_("grupp"), max_length=VALUE_MAX, blank=True)
    measure = models.ForeignKey(
        "library.LibraryEntry",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("exempel ur biblioteket"),
    )
    title = models.CharField(_("namn"), max_length=TITLE_MAX)
    subject = models.CharField(_("ämnesrad"), max_length=SUBJECT_MAX)
    body = models.TextField(_("meddelande"), max_length=BODY_MAX)
    by_email = models.BooleanField(_("e-post"), default=True)
    by_notice = models.BooleanField(_("meddelande i LOM"), default=True)
    send_on = models.DateField(_("skickas"))
    landing = models.CharField(
        _("länken går till"), max_length=10, choices=Landing.choices, default=Landing.PAGE
    )
    expected_effect_kr = models.PositiveBigIntegerField(
        _("förväntad effekt (kr)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(MAX_EFFECT_KR)],
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    recipients = models.PositiveIntegerField(_("mottagare"), default=0)
    # Delivery goes through the audience in id order, one batch per transaction: the last
    # employee id done, so a delivery that stopped carries on where it was.
    delivered_up_to = models.PositiveBigIntegerField(default=0)
    sent_at = models.DateTimeField(_("skickad"), null=True, blank=True)
    forecast_unused_at_send_kr = models.BigIntegerField(
        _("prognos för outnyttjat när kampanjen skickades (kr)"), null=True, blank=True
    )
    forecast_unused_expected_kr = models.BigIntegerField(
        _("prognos för outnyttjat med förväntad effekt (kr)"), null=True, blank=True
    )
    marker = models.ForeignKey(
        OutreachCampaign, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-send_on", "-id"]
        verbose_name = _("kampanj")
        verbose_name_plural = _("kampanjer")
        indexes = [
            models.Index(fields=["organisation", "-send_on", "-id"]),
            models.Index(fields=["status", "send_on"]),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def mail_kind(self) -> str:
        """The outbox kind of this campaign's mails: how the funnel finds them."""
        return f"campaign:{self.pk}"


class OptOut(models.Model):
    """An employee who wants no campaign mail or notice (the signed link in every campaign
    mail, no login needed). Kept while the employee is in the register."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    employee = models.OneToOneField(
        Employee, on_delete=models.CASCADE, related_name="campaign_opt_out"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("avregistrering från kampanjer")
        verbose_name_plural = _("avregistreringar från kampanjer")

    def __str__(self) -> str:
        return f"{self.employee_id}"
