from django_tasks import task


@task()
def send_event_reminders_task() -> list[int]:
    from lom.events.notify import send_event_reminders

    return list(send_event_reminders())
