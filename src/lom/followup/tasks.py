"""Background work of follow-up (django-tasks)."""

from django.utils import timezone
from django_tasks import task

from lom.followup.services import survey_send_reminders


@task()
def send_survey_reminders() -> int:
    """E-mail participants who have not answered their survey (run daily)."""

    return survey_send_reminders(today=timezone.localdate())
