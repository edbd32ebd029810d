"""The staff register loaded from the HR/payroll system's export files.

An `ImportRun` carries one or more files (`ImportFile`: units, employees, monthly employment
rows, payroll per year) uploaded together, each read with the organisation's saved
`ColumnMapping` for its kind. The files of a run are checked together (an employee's unit may be
in the units file of the same run, a unit's manager in its employees file), compared with the
register (the preview: new, changed field by field, leaving, unchanged, every row error with file
and line), and applied as one transaction only when there is no error. The files stay with the
run, with their checksums, so an applied import can be downloaded again."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lom.organisations.models import Organisation


class ImportKind(models.TextChoices):
    UNITS = "units", _("Enheter")
    EMPLOYEES = "employees", _("Medarbetare")
    MONTHS = "months", _("Anställningsmånader")
    PAYROLL = "payroll", _("Lönesumma per år")


class ColumnMapping(models.Model):
    """Which column of the organisation's export file holds which register field, per file
    kind: {"employee_number": "Anst.nr", "first_name": "Förnamn", ...}. Saved at the first
    import and reused by the next (also by the API's nightly sync)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("filtyp"), max_length=10, choices=ImportKind.choices)
    columns = models.JSONField(_("kolumner"), default=dict)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("kolumnmappning")
        verbose_name_plural = _("kolumnmappningar")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "kind"], name="columnmapping_unique")
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.kind}"


class ImportRun(models.Model):
    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("Uppladdad")
        PREVIEWING = "previewing", _("Förhandsgranskas")
        PREVIEWED = "previewed", _("Klar att tillämpa")
        INVALID = "invalid", _("Har fel")
        APPLYING = "applying", _("Tillämpas")
        APPLIED = "applied", _("Tillämpad")
        FAILED = "failed", _("Avbröts")
        DISCARDED = "discarded", _("Förkastad")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    # A full employees file lists everyone, so an employee missing from it has left.
    full = models.BooleanField(_("fullständig personalfil"), default=True)
    # Apply on its own after the preview when the preview has no errors (a scheduled sync).
    apply_when_clean = models.BooleanField(_("tillämpa direkt om inga fel"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.UPLOADED
    )
    progress = models.PositiveSmallIntegerField(_("förlopp (procent)"), default=0)
    total_rows = models.PositiveIntegerField(_("rader"), default=0)
    # Per file kind: {"employees": {"new": n, "changed": n, "leaving": n, "unchanged": n,
    # "errors": n}, ...}.
    counts = models.JSONField(default=dict, blank=True)
    # The first changes, in order: {"kind": "employees", "change": "new"|"changed"|"leaving",
    # "key": "…", "label": "…", "fields": {"field": [before, after]}}. Counts are complete.
    changes = models.JSONField(default=list, blank=True)
    # The first row errors: {"kind": "…", "line": n, "column": "…", "message": "…"}; line 1 is
    # the header row, 0 means the whole file.
    errors = models.JSONField(default=list, blank=True)
    error_count = models.PositiveIntegerField(default=0)
    # Why a run stopped or was refused as a whole.
    message = models.CharField(_("meddelande"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    previewed_at = models.DateTimeField(null=True, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("import")
        verbose_name_plural = _("importer")
        indexes = [models.Index(fields=["organisation", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.pk} ({self.status})"


class ImportFile(models.Model):
    """One uploaded export file of a run, kept as uploaded."""

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="files")
    kind = models.CharField(_("filtyp"), max_length=10, choices=ImportKind.choices)
    file_name = models.CharField(_("filnamn"), max_length=255)
    checksum = models.CharField(_("kontrollsumma (SHA-256)"), max_length=64, db_index=True)
    size = models.BigIntegerField(_("storlek (byte)"), default=0)
    rows = models.PositiveIntegerField(_("rader"), default=0)
    data = models.BinaryField(editable=False)
    # The mapping the file was read with (a copy: a later change of the organisation's mapping
    # does not change what this run previewed or applied).
    columns = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["run", "id"]
        verbose_name = _("importfil")
        verbose_name_plural = _("importfiler")
        constraints = [
            models.UniqueConstraint(fields=["run", "kind"], name="importfile_one_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.file_name}"
