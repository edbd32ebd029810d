"""The register of documents (diarium): every document LOM receives or draws up, with its number
in the organisation's series, its date, type, party and secrecy marking."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from lom.common.bounds import NAME_MAX
from lom.organisations.models import Organisation

# The placeholders a series' format may use.
FORMAT_PLACEHOLDERS = ("{prefix}", "{year}", "{number}")
DEFAULT_FORMAT = "{prefix} {year}/{number}"
PREFIX_MAX = 20
FORMAT_MAX = 60
NUMBER_MAX = 80


class DocumentKind(models.TextChoices):
    APPLICATION = "application", _("Ansökan")
    ATTACHMENT = "attachment", _("Bilaga")
    DECISION = "decision", _("Beslut")
    DECISION_LETTER = "decision_letter", _("Beslutsbrev")
    RECONSIDERATION = "reconsideration", _("Begäran om omprövning")
    MINUTES = "minutes", _("Protokoll")
    OBJECTION = "objection", _("Invändning")
    OBJECTION_ANSWER = "objection_answer", _("Svar på invändning")
    AGREEMENT_VERSION = "agreement_version", _("Avtalsversion")
    FUND_NOTIFICATION = "fund_notification", _("Föranmälan till fonden")
    FUND_CLAIM = "fund_claim", _("Ansökan om ersättning från fonden")


class Direction(models.TextChoices):
    INCOMING = "incoming", _("Inkommen")
    OUTGOING = "outgoing", _("Upprättad och expedierad")
    INTERNAL = "internal", _("Upprättad")


class Secrecy(models.TextChoices):
    PUBLIC = "public", _("Allmän handling, offentlig")
    REVIEW = "review", _("Sekretessprövas före utlämnande")
    SECRET = "secret", _("Innehåller uppgifter som omfattas av sekretess")


class DocumentSeries(models.Model):
    """An organisation's numbering series: prefix and format (e.g. `LOM 2026/42`). The year is
    always the registration year; the number restarts at 1 each year."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="document_series"
    )
    prefix = models.CharField(_("prefix"), max_length=PREFIX_MAX, default="LOM")
    number_format = models.CharField(_("format"), max_length=FORMAT_MAX, default=DEFAULT_FORMAT)
    # Digits the number is padded to (0: no padding).
    number_width = models.PositiveSmallIntegerField(
        _("antal siffror"), default=0, validators=[MinValueValidator(0), MaxValueValidator(8)]
    )

    class Meta:
        verbose_name = _("nummerserie")
        verbose_name_plural = _("nummerserier")

    def __str__(self) -> str:
        return f"{self.organisation}: {self.number_format}"


class SeriesCounter(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year"], name="series_counter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id}/{self.year}: {self.last}"


class RegisteredDocument(models.Model):
    """One registered document. Never changed or deleted once registered (a correction is a
    new registration); what it refers to is named by `target_type`/`target_id` and, for a
    case's documents, the case."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    number = models.CharField(_("diarienummer"), max_length=NUMBER_MAX)
    year = models.PositiveSmallIntegerField()
    sequence = models.PositiveIntegerField()
    kind = models.CharField(_("handlingstyp"), max_length=30, choices=DocumentKind.choices)
    direction = models.CharField(
        _("riktning"), max_length=20, choices=Direction.choices, default=Direction.INTERNAL
    )
    title = models.CharField(_("rubrik"), max_length=NAME_MAX)
    # Who sent or received it (a name or an organisation; empty for internal documents).
    party = models.CharField(_("avsändare/mottagare"), max_length=NAME_MAX, blank=True)
    secrecy = models.CharField(
        _("sekretessmarkering"), max_length=20, choices=Secrecy.choices, default=Secrecy.PUBLIC
    )
    # The case the document belongs to (its number kept, so the register reads without it).
    case_id = models.BigIntegerField(null=True, blank=True)
    case_number = models.CharField(_("ärende"), max_length=40, blank=True)
    # What the document is: "<app_label>.<model>" and its id.
    target_type = models.CharField(max_length=60)
    target_id = models.BigIntegerField()
    registered_at = models.DateTimeField(_("registrerad"))
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-registered_at", "-id"]
        verbose_name = _("registrerad handling")
        verbose_name_plural = _("registrerade handlingar")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "number"], name="document_number_unique"
            ),
            models.UniqueConstraint(
                fields=["organisation", "year", "sequence"], name="document_sequence_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "-registered_at", "-id"]),
            models.Index(fields=["organisation", "kind", "-registered_at"]),
            models.Index(fields=["organisation", "case_id"]),
            models.Index(fields=["target_type", "target_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"
