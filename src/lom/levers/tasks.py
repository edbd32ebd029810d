"""Background work of campaigns (django-tasks)."""

from django.utils import timezone
from django_tasks import task

from lom.levers.services.delivery import campaigns_deliver_due, deliver_campaign_task

__all__ = ["deliver_campaign_task", "deliver_due_campaigns_task"]


@task()
def deliver_due_campaigns_task() -> int:
    """Deliver every scheduled campaign whose send date has come (daily, early morning)."""
    return campaigns_deliver_due(today=timezone.localdate())
