"""In-app notifications, and e-mail sent after the transaction commits (never in a failed one).
Users can turn off e-mail per kind; the in-app list always shows everything.

`notify()` runs inside the calling service's transaction: the notifications are part of the
action that caused them, and the e-mail waits for the commit."""

from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.models import AbstractUser as User
from django.core.mail import send_mail
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from lom.common.models import Notification, NotificationPreference

KINDS = {
    "status": _("Ett ärende har bytt status"),
    "agenda": _("Ett ärende har satts upp på en dagordning"),
    "decision": _("Ett beslut har fattats"),
    "objection": _("Invändningar"),
    "reminder": _("Påminnelser om ärenden som väntar"),
}


def _email_opt_outs(users: list[User], kind: str) -> set[int]:
    return set(
        NotificationPreference.objects.filter(user__in=users, kind=kind, email=False).values_list(
            "user_id", flat=True
        )
    )


def notify(
    *,
    users: Iterable[User | None],
    organisation_id: int,
    kind: str,
    text: str,
    case_id: int | None = None,
    url: str = "",
) -> list[Notification]:
    """One in-app notification per distinct user, and an e-mail after the commit to those who
    have not turned off this kind."""
    unique = [u for u in {u.pk: u for u in users if u is not None}.values()]
    if not unique:
        return []
    rows = Notification.objects.bulk_create(
        [
            Notification(
                user=u,
                organisation_id=organisation_id,
                case_id=case_id,
                kind=kind,
                text=str(text)[:300],
                url=url,
            )
            for u in unique
        ]
    )
    opted_out = _email_opt_outs(unique, kind)
    recipients = [u.email for u in unique if u.email and u.pk not in opted_out]
    if recipients:
        subject = f"LOM: {str(text)[:120]}"
        body = f"{text}\n\n{url}" if url else str(text)

        def send() -> None:
            for address in recipients:
                send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address], fail_silently=True)

        transaction.on_commit(send)
    return rows
