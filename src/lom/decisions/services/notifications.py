"""The user's own notification list: marking it read, and which kinds come by e-mail."""

from django.db import transaction
from django.utils import timezone

from lom.common.models import Notification, NotificationPreference
from lom.mail.kinds import KINDS
from lom.mail.services.digest import mail_digest_choose
from lom.organisations.access import Actor


@transaction.atomic(durable=True)
def notifications_mark_read(*, actor: Actor) -> int:
    """Mark every unread notification of the actor read. Returns how many were."""
    return Notification.objects.filter(user=actor.user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


@transaction.atomic(durable=True)
def notification_preferences_save(
    *, actor: Actor, email: dict[str, bool], digest: bool | None = None
) -> None:
    """Which kinds the actor wants by e-mail (kinds not given keep e-mail on), and whether as a
    daily digest (None: unchanged)."""
    for kind in KINDS:
        NotificationPreference.objects.update_or_create(
            user=actor.user, kind=kind, defaults={"email": bool(email.get(kind, True))}
        )
    if digest is not None:
        mail_digest_choose(user=actor.user, digest=digest)
