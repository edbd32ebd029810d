"""The daily digest: users who chose it get one mail a day listing their new notifications
(of the kinds they want by e-mail) instead of one mail per event. Run daily:
the scheduler's daily job `digests` (the task `digest_send_task`), or `manage.py send_digests`."""

from datetime import datetime, timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_tasks import task

from lom.accounts.models import User
from lom.common.models import Notification, NotificationPreference
from lom.mail.models import MailPreference, OutboundMail
from lom.mail.services.compose import compose, composed_queue, greeting_name, user_language
from lom.mail.services.queue import absolute_url
from lom.mail.services.unsubscribe import DIGEST, unsubscribe_headers, unsubscribe_url

# Notifications listed in one digest; the rest are counted ("and 12 more") and in the app.
DIGEST_LIST_MAX = 100
# A digest user's first digest covers at most this far back.
FIRST_DIGEST_SPAN = timedelta(days=1)


def mail_digest_choose(*, user: User, digest: bool) -> None:  # step: with the settings save
    """One mail per event, or a daily digest. Switching the digest on starts it now: what was
    already mailed one by one is not listed again."""
    pref, _created = MailPreference.objects.get_or_create(user=user)
    if pref.digest == digest:
        return
    pref.digest = digest
    if digest:
        pref.last_digest_at = timezone.now()
    pref.save(update_fields=["digest", "last_digest_at"])


def _digest_mail(*, pref: MailPreference, since: datetime, now: datetime) -> OutboundMail | None:
    user = pref.user
    off = NotificationPreference.objects.filter(user=user, email=False).values_list(
        "kind", flat=True
    )
    notes = (
        Notification.objects.filter(user=user, created_at__gt=since, created_at__lte=now)
        .exclude(kind__in=list(off))
        .order_by("created_at", "id")
    )
    listed = list(notes[:DIGEST_LIST_MAX])
    if not listed:
        return None
    total = len(listed) if len(listed) < DIGEST_LIST_MAX else notes.count()
    language = user_language(user)
    with translation.override(language):
        subject = ngettext("LOM: %(n)d ny avisering", "LOM: %(n)d nya aviseringar", total) % {
            "n": total
        }
        context = {
            "title": _("Dagens aviseringar från LOM"),
            "name": greeting_name(user),
            "items": [
                {
                    "text": n.shown,
                    "link": absolute_url(n.url),
                    "at": timezone.localtime(n.created_at),
                }
                for n in listed
            ],
            "more": total - len(listed),
            "all_url": absolute_url(reverse("decisions:notifications")),
            "unsubscribe_url": unsubscribe_url(user_id=user.pk, kind=DIGEST),
            "digest": True,
        }
    composed = compose(
        template="digest",
        context=context,
        language=language,
        subject=subject,
        headers=unsubscribe_headers(user_id=user.pk, kind=DIGEST),
    )
    return composed_queue(
        composed,
        to_address=user.email,
        organisation_id=listed[-1].organisation_id,
        user_id=user.pk,
        kind=DIGEST,
    )


def digest_send(*, now: datetime | None = None) -> int:  # batch: one user per transaction
    """One mail to each digest user with new notifications since their last digest. Returns
    how many were queued. Running it twice sends nothing new; two runs at once cannot both
    send to one user (the preference row is locked and its time moved on)."""
    now = now or timezone.now()
    users = (
        MailPreference.objects.filter(digest=True, user__is_active=True)
        .exclude(user__email="")
        .values_list("pk", flat=True)
    )
    sent = 0
    for pref_id in list(users):
        with transaction.atomic(durable=True):
            pref = MailPreference.objects.select_for_update().select_related("user").get(pk=pref_id)
            since = pref.last_digest_at or now - FIRST_DIGEST_SPAN
            if since >= now:
                continue
            if _digest_mail(pref=pref, since=since, now=now) is not None:
                sent += 1
            pref.last_digest_at = now
            pref.save(update_fields=["last_digest_at"])
    return sent


@task()
def digest_send_task() -> int:  # batch: the daily run from the task queue
    return digest_send()
