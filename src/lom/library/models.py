"""The measure library: anonymised snapshots of completed, followed-up measures, shared by every
organisation of the installation.

An entry is a snapshot, never a live link: it stores only what is published (a participant band,
rounded costs, texts the coordinator edited), so nothing exact about the people behind it is
ever in this table. The case link is kept for the publishing organisation's own audit trail and
is never shown to other organisations."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from lom.agreements.models import MeasureType
from lom.common.bounds import COMMENT_MAX, MAX_AMOUNT_ORE, NAME_MAX, TEXT_MAX
from lom.followup.models import NeedMet, Outcome
from lom.organisations.models import Organisation

NEED_CATEGORY_MAX = 120
# Measure types one entry names (an agreement has about a dozen).
MAX_MEASURE_TYPES = 50


class ParticipantsBand(models.TextChoices):
    FEW = "1-4", _("färre än 5")
    SMALL = "5-9", _("5–9")
    MEDIUM = "10-24", _("10–24")
    LARGE = "25+", _("25 eller fler")


def participants_band_for(count: int) -> str:
    if count < 5:
        return ParticipantsBand.FEW
    if count < 10:
        return ParticipantsBand.SMALL
    if count < 25:
        return ParticipantsBand.MEDIUM
    return ParticipantsBand.LARGE


class EntryStatus(models.TextChoices):
    DRAFT = "draft", _("Utkast, väntar på parternas samtycke")
    PUBLISHED = "published", _("Publicerad")
    WITHDRAWN = "withdrawn", _("Återtagen")


class LibraryEntry(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="library_entries"
    )
    # The source case: for the publishing organisation only (one entry per case).
    case = models.ForeignKey(
        "cases.Case", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=EntryStatus.choices, default=EntryStatus.DRAFT
    )
    title = models.CharField(_("rubrik"), max_length=NAME_MAX)
    need = models.TextField(_("behovet som insatsen svarade mot"), max_length=TEXT_MAX)
    need_category = models.CharField(_("behovskategori"), max_length=NEED_CATEGORY_MAX, blank=True)
    summary = models.TextField(_("insatsens innehåll"), max_length=TEXT_MAX)
    lessons = models.TextField(_("lärdomar och tips"), max_length=TEXT_MAX, blank=True)
    measure_types = models.ManyToManyField(MeasureType, verbose_name=_("insatstyper"))
    # Rounded on publication (see services._published_costs); null when not shown.
    total_cost_ore = models.BigIntegerField(
        _("total kostnad"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_AMOUNT_ORE)],
    )
    cost_per_participant_ore = models.BigIntegerField(
        _("kostnad per deltagare"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_AMOUNT_ORE)],
    )
    participants_band = models.CharField(
        _("antal deltagare"), max_length=10, choices=ParticipantsBand.choices
    )
    need_met = models.CharField(_("möttes behovet?"), max_length=20, blank=True)
    main_outcome = models.CharField(_("vanligaste utfall"), max_length=30, blank=True)
    sector = models.CharField(_("sektor"), max_length=20, choices=Organisation.Kind.choices)
    size_band = models.CharField(_("storlek"), max_length=20)
    year = models.PositiveSmallIntegerField(_("år"))
    contact_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("kontaktperson"),
    )
    contact_name = models.CharField(_("kontaktpersonens namn"), max_length=NAME_MAX, blank=True)
    contact_email = models.EmailField(_("kontaktpersonens e-post"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    employer_consent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    employer_consent_at = models.DateTimeField(null=True, blank=True)
    union_consent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    union_consent_at = models.DateTimeField(null=True, blank=True)
    # A draft close to one of the organisation's published entries is published only after the
    # coordinator confirmed that it is a different measure ("publish anyway").
    publish_anyway_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    publish_anyway_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    withdraw_reason = models.TextField(
        _("skäl till återtagande"), max_length=COMMENT_MAX, blank=True
    )
    # Full-text search: PostgreSQL keeps a tsvector (config `swedish`, GIN index, created in
    # the migration); SQLite keeps an FTS5 table of stemmed text. Both are written by the
    # services that publish and withdraw.
    embedding = models.BinaryField(null=True, blank=True, editable=False)
    embedding_model = models.CharField(max_length=60, blank=True, editable=False)

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("exempel i insatsbiblioteket")
        verbose_name_plural = _("insatsbiblioteket")
        constraints = [
            models.UniqueConstraint(fields=["case"], name="library_entry_one_per_case"),
        ]
        indexes = [
            models.Index(fields=["status", "-published_at", "-id"]),
            models.Index(fields=["status", "sector", "size_band"]),
            models.Index(fields=["status", "year"]),
            models.Index(fields=["organisation", "status"]),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("library:entry", args=[self.pk])

    @property
    def is_published(self) -> bool:
        return self.status == EntryStatus.PUBLISHED

    @property
    def shows_organisation(self) -> bool:
        """The organisation's name is shown only with a contact person who agreed."""
        return bool(self.contact_name)

    @property
    def measure_type_names(self) -> list[str]:
        return [m.name for m in self.measure_types.all()]

    @property
    def outcome_label(self) -> str:
        parts = []
        if self.need_met:
            parts.append(
                str(_("Behovet möttes: %(v)s"))
                % {"v": str(dict(NeedMet.choices).get(self.need_met, self.need_met)).lower()}
            )
        if self.main_outcome:
            parts.append(str(dict(Outcome.choices).get(self.main_outcome, self.main_outcome)))
        return " · ".join(parts)

    @property
    def search_document(self) -> str:
        return "\n".join(
            [
                self.title,
                self.need,
                self.need_category,
                self.summary,
                self.lessons,
                *self.measure_type_names,
            ]
        )
