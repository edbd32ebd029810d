"""Every write of the reports app: settings and the background annual report."""

import logging

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from lom.common.audit import audit
from lom.common.bounds import COMMENT_MAX
from lom.common.errors import DomainError, PermissionDeniedError
from lom.common.replica import reading_from_replica
from lom.followup.services import _followup_settings_save
from lom.funds.models import ForecastSettings
from lom.funds.services import _forecast_settings_save
from lom.organisations.access import Actor
from lom.reports.documents import annual_report_pdf, annual_report_xlsx
from lom.reports.figures import annual_figures
from lom.reports.models import FIRST_YEAR, LAST_YEAR, AnnualReportComment, ReportJob, ReportSection
from lom.reports.permissions import (
    can_manage_report_settings,
    can_read_reports,
    can_write_annual_comments,
)
from lom.reports.selectors import annual_comments

log = logging.getLogger(__name__)


@transaction.atomic(durable=True)
def report_settings_save(*, actor: Actor, unused_warning_percent: int) -> ForecastSettings:
    return _report_settings_save(actor=actor, unused_warning_percent=unused_warning_percent)


@transaction.atomic(durable=True)
def settings_save(
    *, actor: Actor, unused_warning_percent: int, later_months: int, survey_reminder_days: int
) -> ForecastSettings:
    """The settings page: the reports' warning threshold and the follow-up settings, saved
    together or not at all."""
    conf = _report_settings_save(actor=actor, unused_warning_percent=unused_warning_percent)
    _followup_settings_save(
        actor=actor, later_months=later_months, survey_reminder_days=survey_reminder_days
    )
    return conf


def _report_settings_save(*, actor: Actor, unused_warning_percent: int) -> ForecastSettings:
    if not can_manage_report_settings(actor):
        raise PermissionDeniedError(_("Din roll får inte ändra inställningarna."))
    # Runs inside the caller's durable transaction.
    return _forecast_settings_save(
        actor=actor.user,
        organisation=actor.organisation,
        unused_warning_percent=unused_warning_percent,
    )


@transaction.atomic(durable=True)
def annual_comment_save(*, actor: Actor, year: int, section: str, text: str) -> AnnualReportComment:
    """Write (or clear, with an empty text) the comment on one section of a year's report."""
    if not can_write_annual_comments(actor):
        raise PermissionDeniedError(_("Bara samordnaren kan skriva kommentarer till rapporten."))
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise DomainError(
            _("Välj ett år mellan %(a)d och %(b)d.") % {"a": FIRST_YEAR, "b": LAST_YEAR},
            field="year",
        )
    if section not in ReportSection.values:
        raise DomainError(_("Okänt avsnitt."), field="section")
    value = (text or "").strip()
    if len(value) > COMMENT_MAX:
        raise DomainError(
            _("Högst %(n)d tecken (nu %(m)d).") % {"n": COMMENT_MAX, "m": len(value)},
            field="text",
        )
    comment = (
        AnnualReportComment.objects.select_for_update()
        .filter(organisation=actor.organisation, year=year, section=section)
        .first()
    )
    before = {"text": comment.text} if comment is not None else None
    if comment is None:
        comment = AnnualReportComment(
            organisation=actor.organisation, year=year, section=section, updated_by=actor.user
        )
    comment.text = value
    comment.updated_by = actor.user
    comment.save()
    audit(
        organisation_id=actor.organisation.pk,
        actor=actor.user,
        action="reports.annual.comment",
        target=comment,
        before=before,
        after={"year": year, "section": section, "text": value},
    )
    return comment


def report_job_start(*, actor: Actor, year: int, fmt: str = ReportJob.Format.BOTH) -> ReportJob:
    """Queue the annual report for `year`; a worker builds it (tests: immediately)."""
    if not can_read_reports(actor):
        raise PermissionDeniedError(_("Din roll får inte ta fram rapporter."))
    this_year = timezone.localdate().year
    if not FIRST_YEAR <= year <= this_year:
        raise DomainError(
            _("Välj ett år mellan %(a)d och %(b)d.") % {"a": FIRST_YEAR, "b": this_year},
            field="year",
        )
    if fmt not in ReportJob.Format.values:
        raise DomainError(_("Okänt format."), field="format")
    with transaction.atomic(durable=True):
        job = ReportJob.objects.create(
            organisation=actor.organisation,
            created_by=actor.user,
            year=year,
            format=fmt,
            language=translation.get_language() or "sv",
            step=_("Väntar på att starta"),
        )
        audit(
            organisation_id=actor.organisation.pk,
            actor=actor.user,
            action="reports.annual.start",
            target=job,
            after={"year": year, "format": fmt},
        )
    # Queued once the job row is committed (a worker in another process must see it).
    build_annual_report.enqueue(job_id=job.pk)
    job.refresh_from_db()
    return job


def _progress(job_id: int, percent: int, step: str) -> None:
    # A plain UPDATE outside any long transaction, so the page polling the job sees it.
    ReportJob.objects.filter(pk=job_id).update(progress=percent, step=step[:200])


def report_job_run(*, job_id: int) -> ReportJob:  # batch: each progress step commits on its own
    """Build the files of a queued job. Called by the task; safe to call again on failure.
    Deliberately not one transaction: each step is a single UPDATE committed on its own, so
    the page polling the job sees the progress, and a failure is recorded, not rolled back."""
    job = ReportJob.objects.select_related("organisation").get(pk=job_id)
    if job.status == ReportJob.Status.DONE:
        return job
    with translation.override(job.language):
        ReportJob.objects.filter(pk=job.pk).update(
            status=ReportJob.Status.RUNNING,
            started_at=timezone.now(),
            progress=1,
            step=_("Räknar fram siffrorna"),
            error="",
        )
        try:
            # The figures only read: from the replica when one is configured (the progress
            # steps are writes, and go to the primary).
            with reading_from_replica():
                fig = annual_figures(
                    organisation=job.organisation,
                    year=job.year,
                    today=timezone.localdate(),
                    progress=lambda p, s: _progress(job.pk, p, s),
                )
                comments = annual_comments(organisation=job.organisation, year=job.year)
            stem = f"arsrapport-{job.organisation.slug}-{job.year}"
            if job.format in (ReportJob.Format.BOTH, ReportJob.Format.XLSX):
                _progress(job.pk, 65, _("Skapar Excel-filen"))
                job.xlsx.save(
                    f"{stem}.xlsx", ContentFile(annual_report_xlsx(fig, comments)), save=False
                )
            if job.format in (ReportJob.Format.BOTH, ReportJob.Format.PDF):
                _progress(job.pk, 75, _("Skapar PDF-filen"))
                job.pdf.save(
                    f"{stem}.pdf", ContentFile(annual_report_pdf(fig, comments)), save=False
                )
        except Exception:
            log.exception("annual report %s failed", job.pk)
            ReportJob.objects.filter(pk=job.pk).update(
                status=ReportJob.Status.FAILED,
                finished_at=timezone.now(),
                error=_("Rapporten kunde inte skapas. Försök igen eller kontakta support."),
            )
            job.refresh_from_db()
            return job
        ReportJob.objects.filter(pk=job.pk).update(
            status=ReportJob.Status.DONE,
            progress=100,
            step=_("Klar"),
            pdf=job.pdf.name or "",
            xlsx=job.xlsx.name or "",
            finished_at=timezone.now(),
        )
    job.refresh_from_db()
    return job


@task()
def build_annual_report(job_id: int) -> None:  # batch: the background task
    """The background task that builds a queued job (django-tasks; `manage.py run_worker` runs
    the queue). It sits next to the work it runs, so queueing it needs no import upwards."""
    report_job_run(job_id=job_id)
