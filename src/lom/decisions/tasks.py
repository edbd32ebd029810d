from django_tasks import task

from lom.decisions.reminders import (
    send_objection_reminders,
    send_project_report_reminders,
    send_reminders,
)


@task()
def send_reminders_task() -> int:
    return send_reminders()


@task()
def send_objection_reminders_task() -> int:
    return send_objection_reminders()


@task()
def send_project_report_reminders_task() -> int:
    return send_project_report_reminders()
