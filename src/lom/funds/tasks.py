"""Background work of the fund (django-tasks)."""

from django.utils import timezone
from django_tasks import task

from lom.funds.services import fund_periods_close_due


@task()
def fund_periods_close_task() -> int:
    """Close the fund periods whose end date has passed, booking their carry-over (daily)."""
    return fund_periods_close_due(today=timezone.localdate())
