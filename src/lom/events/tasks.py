from django_tasks import task

from lom.events.notify import send_event_reminders


@task()
def send_event_reminders_task() -> list[int]:
    return list(send_event_reminders())
