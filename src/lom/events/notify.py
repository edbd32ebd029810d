"""Notifications of the events (in-app, and e-mail on commit through lom.decisions):
promotion from the waiting list, the reminder before the event and the invitation to
evaluate afterwards. Reminders and invitations go out once per registration: the
registration is claimed with a conditional update before anything is sent, so two workers
running at the same time cannot both send."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from lom.events.messages import EVENT_EVALUATE, EVENT_PROMOTED, EVENT_REMINDER
from lom.events.models import Registration
from lom.mail.notify import notify

REMIND_BEFORE = timedelta(days=2)
INVITE_WITHIN = timedelta(days=14)
KIND = "reminder"
# Registrations handled per run and kind: the rest are sent by the next run. Each one is
# claimed and notified in its own transaction (no long transaction over a cursor).
BATCH = 2_000


def _users(reg: Registration) -> list:
    User = get_user_model()
    ids = set(reg.participants.values_list("user_id", flat=True)) | {reg.registered_by_id}
    return list(User.objects.filter(pk__in=ids, is_active=True))


def _when(reg: Registration) -> str:
    start = timezone.localtime(reg.event.starts_at)
    return f"{start:%Y-%m-%d %H:%M}"


def notify_promoted(reg: Registration) -> None:
    notify(
        users=_users(reg),
        organisation_id=reg.organisation_id,
        kind="status",
        url=f"/events/{reg.event_id}/",
        text=EVENT_PROMOTED,
        params={"t": reg.event.title, "d": _when(reg)},
    )


def send_event_reminders(*, now: datetime | None = None) -> tuple[int, int]:
    """Reminders for events starting within REMIND_BEFORE, and evaluation invitations for
    events that ended within INVITE_WITHIN. Returns (reminders, invitations) sent."""
    now = now or timezone.now()
    confirmed = Registration.objects.filter(
        status=Registration.Status.CONFIRMED, event__cancelled_at__isnull=True
    ).select_related("event")
    reminders = invitations = 0
    due = confirmed.filter(
        reminder_sent_at__isnull=True,
        event__starts_at__gt=now,
        event__starts_at__lte=now + REMIND_BEFORE,
    )
    for reg in list(due[:BATCH]):
        with transaction.atomic(durable=True):  # the claim and its notification together
            if not Registration.objects.filter(pk=reg.pk, reminder_sent_at__isnull=True).update(
                reminder_sent_at=now
            ):
                continue
            place = reg.event.place or reg.event.online_url
            notify(
                users=_users(reg),
                organisation_id=reg.organisation_id,
                kind=KIND,
                url=f"/events/{reg.event_id}/",
                text=EVENT_REMINDER,
                params={"t": reg.event.title, "d": _when(reg), "p": place},
            )
        reminders += 1
    ended = confirmed.filter(
        Q(evaluation_invited_at__isnull=True),
        event__ends_at__lte=now,
        event__ends_at__gt=now - INVITE_WITHIN,
    )
    for reg in list(ended[:BATCH]):
        with transaction.atomic(durable=True):
            if not Registration.objects.filter(
                pk=reg.pk, evaluation_invited_at__isnull=True
            ).update(evaluation_invited_at=now):
                continue
            notify(
                users=[p.user for p in reg.participants.select_related("user")],
                organisation_id=reg.organisation_id,
                kind=KIND,
                url=f"/events/{reg.event_id}/evaluate/",
                text=EVENT_EVALUATE,
                params={"t": reg.event.title},
            )
        invitations += 1
    return reminders, invitations
