"""Background work of webhooks (django-tasks): one task per delivery attempt, and the sweep the
scheduler runs every minute for retries that are due."""

from django_tasks import task

from lom.webhooks.services import deliver_webhook, webhook_retry_due

__all__ = ["deliver_webhook", "webhook_retries_task"]


@task()
def webhook_retries_task() -> int:
    """Enqueue every delivery whose next attempt is due; how many."""
    return webhook_retry_due()
