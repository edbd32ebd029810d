"""Background work of the outbox (django-tasks). Each queued mail has its own delivery task
(`deliver_mail_task`, enqueued when the action that wrote the mail commits); the sweep below
sends whatever is due besides: retries, and mails whose task was lost."""

from django_tasks import task

from lom.mail.services import deliver_mail_task, mail_send_due

__all__ = ["deliver_mail_task", "send_mail_queue_task"]


@task()
def send_mail_queue_task() -> int:
    """Send every mail that is due (run every minute from a scheduler); how many were tried."""
    return mail_send_due()
