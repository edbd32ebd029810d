"""Background work of the privacy package (django-tasks): the nightly retention run, enqueued
by the scheduler (`lom.operations.schedule`)."""

from django_tasks import task

from lom.privacy.services.retention import retention_run_all


@task()
def retention_task() -> dict:
    """Every organisation's due retention (gallring); counts per organisation and data class.
    Safe to run twice: what was removed is not due again."""
    return retention_run_all()
