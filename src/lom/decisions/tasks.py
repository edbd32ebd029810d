from django_tasks import task

from lom.decisions.reminders import send_reminders


@task()
def send_reminders_task() -> int:
    return send_reminders()
