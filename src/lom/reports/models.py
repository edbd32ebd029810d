from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from lom.common.bounds import COMMENT_MAX, SHORT_TEXT_MAX
from lom.organisations.models import Organisation

FIRST_YEAR = 2000  # the first year a report covers
LAST_YEAR = 9999


def report_path(instance, filename):
    return f"reports/{instance.organisation_id}/{instance.pk}/{filename}"


class ReportJob(models.Model):
    """An annual report built in the background: PDF and Excel workbook of the same figures.
    The files are served only through a permission-checked view."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Väntar på att starta")
        RUNNING = "running", _("Byggs")
        DONE = "done", _("Klar")
        FAILED = "failed", _("Misslyckades")

    class Format(models.TextChoices):
        BOTH = "pdf_xlsx", _("PDF och Excel")
        PDF = "pdf", _("PDF")
        XLSX = "xlsx", _("Excel")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(
        _("år"), validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)]
    )
    format = models.CharField(
        _("format"), max_length=10, choices=Format.choices, default=Format.BOTH
    )
    language = models.CharField(max_length=10, default="sv")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    step = models.CharField(max_length=200, blank=True)
    pdf = models.FileField(upload_to=report_path, blank=True)
    xlsx = models.FileField(upload_to=report_path, blank=True)
    error = models.TextField(blank=True, max_length=SHORT_TEXT_MAX)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("rapportjobb")
        verbose_name_plural = _("rapportjobb")
        indexes = [models.Index(fields=["organisation", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.organisation_id}/{self.year} {self.status}"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)


class ReportSection(models.TextChoices):
    """The sections of the annual report, in its order (a heading each in the PDF)."""

    FUND = "fund", _("Fonden")
    USE = "use", _("Vad medlen har använts till")
    DECISIONS = "decisions", _("Beslut och invändningar")
    FOLLOWUP = "followup", _("Uppföljning")
    SURVEY = "survey", _("Deltagarnas egna erfarenheter")
    FAIRNESS = "fairness", _("Vilka har fått medel?")


class AnnualReportComment(models.Model):
    """The coordinator's comment on one section of a year's annual report; printed under the
    section's heading in the PDF and above its tables in the workbook."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(
        _("år"), validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)]
    )
    section = models.CharField(_("avsnitt"), max_length=20, choices=ReportSection.choices)
    text = models.TextField(_("kommentar"), max_length=COMMENT_MAX, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("kommentar till årsrapporten")
        verbose_name_plural = _("kommentarer till årsrapporten")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year", "section"], name="annual_comment_one_per_section"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id}/{self.year}/{self.section}"
