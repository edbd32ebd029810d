"""Background work of the reports (django-tasks; `manage.py db_worker` runs the queue)."""

from django_tasks import task


@task()
def build_annual_report(job_id: int) -> None:
    from lom.reports.services import report_job_run

    report_job_run(job_id=job_id)
