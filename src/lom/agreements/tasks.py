"""Background work of the agreements package (django-tasks), enqueued by the scheduler
(`lom.operations.schedule`)."""

from django_tasks import task

from lom.agreements.services import versions_in_force_apply


@task()
def agreement_versions_in_force_task() -> int:
    """Approved agreement versions whose date has come are brought into force (their rules
    become the agreement's). Safe to run twice: a version in force is not due again."""
    return versions_in_force_apply()
