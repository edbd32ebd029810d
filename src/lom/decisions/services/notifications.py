"""The user's own notification list: marking it read, and which kinds come by e-mail."""

from django.db import transaction
from django.utils import timezone

from lom.common.models import Notification, NotificationPreference
from lom.common.notify import KINDS
from lom.organisations.access import Actor


@transaction.atomic(durable=True)
def notifications_mark_read(*, actor: Actor) -> int:
    """Mark every unread notification of the actor read. Returns how many were."""
    return Notification.objects.filter(user=actor.user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


@transaction.atomic(durable=True)
def notification_preferences_save(*, actor: Actor, email: dict[str, bool]) -> None:
    """Which kinds the actor wants by e-mail (kinds not given keep e-mail on)."""
    for kind in KINDS:
        NotificationPreference.objects.update_or_create(
            user=actor.user, kind=kind, defaults={"email": bool(email.get(kind, True))}
        )
