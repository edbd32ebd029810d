"""The task queue's delivery of a scheduled campaign, in batches: an in-app notice and a mail
(through the outbox) to every reachable employee of the group. Opted-out employees are not in
the audience; a user who turned campaign mail off in their settings gets the notice only."""

from datetime import date
from functools import partial

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from lom.common.models import Notification, NotificationPreference
from lom.levers.messages import CAMPAIGN_WITHHELD
from lom.levers.models import MIN_AUDIENCE, Campaign, Status
from lom.levers.selectors.cached import forget_panel_levers
from lom.levers.selectors.campaigns import audience_count, reachable_employees
from lom.levers.services.mails import NOTICE_KIND, campaign_mail, landing_path
from lom.levers.services.transition import campaign_transition
from lom.mail.notify import notify
from lom.mail.services.compose import composed_queue
from lom.organisations.models import Employee

# How many recipients one delivery transaction handles.
BATCH_SIZE = 200
NOTICE_TEXT_MAX = 300


def _mail_off(users: list[int]) -> set[int]:
    return set(
        NotificationPreference.objects.filter(
            user_id__in=users, kind=NOTICE_KIND, email=False
        ).values_list("user_id", flat=True)
    )


def _deliver_batch(c: Campaign, batch: list[Employee]) -> int:
    """Notices and mails for one batch; how many people got something."""
    mail_off = _mail_off([e.user_id for e in batch if e.user_id])
    notices, reached = [], 0
    for emp in batch:
        address = emp.email or (emp.user.email if emp.user else "")
        got = False
        if c.by_notice and emp.user_id:
            path = landing_path(c, emp)
            notices.append(
                Notification(
                    user_id=emp.user_id,
                    organisation_id=c.organisation_id,
                    kind=NOTICE_KIND,
                    text=c.subject[:NOTICE_TEXT_MAX],
                    url=path[:200],
                )
            )
            got = True
        if c.by_email and address and emp.user_id not in mail_off:
            composed_queue(
                campaign_mail(campaign=c, employee=emp),
                to_address=address,
                organisation_id=c.organisation_id,
                user_id=emp.user_id,  # type: ignore[arg-type]
                kind=c.mail_kind,
            )
            got = True
        reached += got
    Notification.objects.bulk_create(notices)
    return reached


def campaign_deliver(*, campaign_id: int, today: date) -> int:  # batch: one transaction per batch
    """Deliver a scheduled campaign whose day has come, BATCH_SIZE recipients per transaction,
    carrying on where an interrupted delivery stopped; answers how many got it this time."""
    total = 0
    while True:
        with transaction.atomic():
            c = (
                Campaign.objects.select_for_update(of=("self",))
                .select_related("organisation", "period", "created_by")
                .filter(pk=campaign_id, status=Status.SCHEDULED, send_on__lte=today)
                .first()
            )
            if c is None:
                return total
            if c.delivered_up_to == 0 and (
                audience_count(organisation=c.organisation, dimension=c.dimension, value=c.value)
                < MIN_AUDIENCE
            ):
                # Sent with 5 or more, fewer now: no campaign reaches fewer than 5 people.
                campaign_transition(campaign=c, name="withhold", actor=None)
                notify(
                    users=[c.created_by],
                    organisation_id=c.organisation_id,
                    kind="campaign_withheld",
                    text=CAMPAIGN_WITHHELD,
                    params={"t": c.title},
                    url=reverse("levers:campaign", args=[c.pk]),
                )
                return total
            batch = list(
                reachable_employees(
                    organisation=c.organisation, dimension=c.dimension, value=c.value
                )
                .filter(pk__gt=c.delivered_up_to)
                .select_related("user", "unit")
                .order_by("pk")[:BATCH_SIZE]
            )
            if not batch:
                campaign_transition(campaign=c, name="deliver", actor=None)
                if c.period is not None:  # the panel's chart gains this campaign
                    transaction.on_commit(partial(forget_panel_levers, period=c.period))
                return total
            n = _deliver_batch(c, batch)
            c.recipients += n
            c.delivered_up_to = batch[-1].pk
            c.save(update_fields=["recipients", "delivered_up_to", "updated_at"])
            total += n


def campaigns_deliver_due(*, today: date) -> int:  # batch: each campaign in its own batches
    """Every scheduled campaign whose send date has come (the daily job, and a safety net for
    a delivery task that was lost)."""
    due = Campaign.objects.filter(status=Status.SCHEDULED, send_on__lte=today).values_list(
        "pk", flat=True
    )  # tenant-scope: the job delivers for every organisation
    return sum(campaign_deliver(campaign_id=pk, today=today) for pk in list(due))


@task()
def deliver_campaign_task(campaign_id: int) -> int:  # batch: see campaign_deliver
    """Deliver one campaign (enqueued when it is sent for today)."""
    return campaign_deliver(campaign_id=campaign_id, today=timezone.localdate())
