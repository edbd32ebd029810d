"""Reads for reports: the organisation's report jobs."""

from django.db.models import QuerySet

from lom.organisations.models import Organisation
from lom.reports.models import ReportJob


def report_jobs_for_org(*, organisation: Organisation) -> QuerySet[ReportJob]:
    return ReportJob.objects.filter(organisation=organisation).select_related("created_by")


def report_job_get(*, organisation: Organisation, pk: int) -> ReportJob | None:
    return report_jobs_for_org(organisation=organisation).filter(pk=pk).first()
