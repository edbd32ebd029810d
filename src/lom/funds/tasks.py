"""Background work of the fund (django-tasks)."""

import logging

from django.utils import timezone
from django_tasks import task

from lom.funds.selectors import period_totals_differences
from lom.funds.services import fund_periods_close_due

logger = logging.getLogger(__name__)


@task()
def fund_periods_close_task() -> int:
    """Close the fund periods whose end date has passed, booking their carry-over (daily)."""
    return fund_periods_close_due(today=timezone.localdate())


@task()
def fund_totals_check_task() -> int:
    """The running totals of every period against its ledger's sum (daily). Each difference is
    logged as an error (`manage.py fund_totals_check --repair` sets them right); answers how
    many there are."""
    differences = period_totals_differences()
    for diff in differences:
        logger.error("fund period %s: %s", diff.period_id, diff)
    return len(differences)
