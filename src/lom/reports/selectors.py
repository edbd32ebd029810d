"""Reads for reports: the organisation's settings and its report jobs."""

from django.conf import settings
from django.db.models import QuerySet

from lom.organisations.models import Organisation
from lom.reports.models import ReportJob, ReportSettings


def unused_warning_percent(*, organisation: Organisation) -> int:
    """The organisation's threshold for the unused-funds warning, or the installation default
    (LOM_UNUSED_WARNING_PERCENT). Every forecast warning (fund pages, dashboard, report, API)
    is computed with this value."""
    value = (
        ReportSettings.objects.filter(organisation=organisation)
        .values_list("unused_warning_percent", flat=True)
        .first()
    )
    return settings.LOM_UNUSED_WARNING_PERCENT if value is None else int(value)


def report_jobs_for_org(*, organisation: Organisation) -> QuerySet[ReportJob]:
    return ReportJob.objects.filter(organisation=organisation).select_related("created_by")


def report_job_get(*, organisation: Organisation, pk: int) -> ReportJob | None:
    return report_jobs_for_org(organisation=organisation).filter(pk=pk).first()
