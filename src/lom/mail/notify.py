"""In-app notifications, and one e-mail per recipient through the outbox (sent by the task
queue after the transaction commits, never in a failed one). Users can turn off e-mail per
kind, or take a daily digest instead; the in-app list always shows everything.

`notify()` runs inside the calling service's transaction: the notifications are part of the
action that caused them. Give the text as a declared message (lom.common.messages) with
`params` for its placeholders: the in-app row stores the code and the parameters and is
rendered in the reader's language whenever it is shown; the mail is rendered in the
recipient's language when it is queued. A lazy string or a plain str is still accepted (stored
rendered, as older releases did), for text that has no code."""

from collections.abc import Iterable, Mapping

from django.utils import translation
from django.utils.functional import Promise

from lom.accounts.models import User
from lom.common.messages import Message, encode_params
from lom.common.models import Notification, NotificationPreference
from lom.mail.kinds import KINDS
from lom.mail.models import MailPreference
from lom.mail.services.compose import composed_queue, notification_mail, user_language

__all__ = ["KINDS", "Text", "notify", "render_text", "user_language"]

Text = str | Promise | Message
NOTIFICATION_TEXT_MAX = 300


def render_text(
    text: Text, params: Mapping[str, object] | None, language: str
) -> str:  # pure: the message in one language
    if isinstance(text, Message):
        return text.render(params, language)
    with translation.override(language):
        out = str(text)
        if params:
            out = out % {k: str(v) if isinstance(v, Promise) else v for k, v in params.items()}
    return out


def _email_opt_outs(users: list[User], kind: str) -> set[int]:
    return set(
        NotificationPreference.objects.filter(user__in=users, kind=kind, email=False).values_list(
            "user_id", flat=True
        )
    )


def _digest_users(users: list[User]) -> set[int]:
    return set(
        MailPreference.objects.filter(user__in=users, digest=True).values_list("user_id", flat=True)
    )


def _case_number(row: Notification) -> str:
    """The number of the notification's case, in one query for all recipients."""
    if row.case_id is None or row.pk is None:
        return ""
    number = Notification.objects.filter(pk=row.pk).values_list("case__number", flat=True)
    return number.first() or ""


def notify(  # step: runs inside the action that causes it
    *,
    users: Iterable[User | None],
    organisation_id: int,
    kind: str,
    text: Text,
    params: Mapping[str, object] | None = None,
    case_id: int | None = None,
    reference: str | None = None,
    url: str = "",
) -> list[Notification]:
    """One in-app notification per distinct user, and one mail (queued in the outbox) to each
    who has an address, has not turned off this kind and takes no daily digest. `reference` (the
    case or document number) leads the subject; without it, the number of case `case_id`."""
    unique = [u for u in {u.pk: u for u in users if u is not None}.values()]
    if not unique:
        return []
    texts: dict[str, str] = {}
    for lang in {user_language(u) for u in unique}:
        texts[lang] = render_text(text, params, lang)
    coded = isinstance(text, Message)
    code = text.code if isinstance(text, Message) else ""
    stored_params = encode_params(params) if coded else {}
    rows = Notification.objects.bulk_create(
        [
            Notification(
                user=u,
                organisation_id=organisation_id,
                case_id=case_id,
                kind=kind,
                code=code,
                params=stored_params,
                text="" if coded else texts[user_language(u)][:NOTIFICATION_TEXT_MAX],
                url=url,
            )
            for u in unique
        ]
    )
    with_address = [u for u in unique if u.email]
    if not with_address:
        return rows
    skip = _email_opt_outs(with_address, kind) | _digest_users(with_address)
    recipients = [u for u in with_address if u.pk not in skip]
    if recipients and reference is None:
        reference = _case_number(rows[0])
    for user in recipients:
        composed = notification_mail(
            user=user,
            kind=kind,
            text=texts[user_language(user)],
            url=url,
            reference=reference or "",
        )
        composed_queue(
            composed,
            to_address=user.email,
            organisation_id=organisation_id,
            user_id=user.pk,
            kind=kind,
        )
    return rows
