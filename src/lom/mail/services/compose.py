"""What a mail says: subject, a plain text part and an HTML part rendered from the templates
mail/<name>.txt and mail/<name>.html in the recipient's language, every link absolute."""

from collections.abc import Mapping
from dataclasses import dataclass, field

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from lom.accounts.models import User
from lom.mail.kinds import KINDS
from lom.mail.models import OutboundMail
from lom.mail.services.queue import absolute_url, mail_queue
from lom.mail.services.unsubscribe import unsubscribe_headers, unsubscribe_url

SUBJECT_TEXT_MAX = 150


@dataclass(frozen=True)
class Composed:
    subject: str
    text: str
    html: str
    language: str
    headers: dict[str, str] = field(default_factory=dict)


def user_language(user: User) -> str:  # pure: the language LOM writes to this user in
    lang = getattr(user, "language", "") or ""
    return lang if lang in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def greeting_name(user: User) -> str:  # pure: how the mail greets them
    return user.first_name or user.get_full_name() or user.username


def compose(
    *,
    template: str,
    context: Mapping[str, object],
    language: str,
    subject: str,
    headers: dict[str, str] | None = None,
) -> Composed:  # pure: renders both parts in `language`
    with translation.override(language):
        ctx = {"settings_url": absolute_url(reverse("decisions:notifications")), **context}
        text = render_to_string(f"mail/{template}.txt", ctx).strip() + "\n"
        html = render_to_string(f"mail/{template}.html", ctx)
    return Composed(
        subject=" ".join(subject.split()),
        text=text,
        html=html,
        language=language,
        headers=headers or {},
    )


def composed_queue(  # step: in the caller's transaction, like mail_queue
    mail: Composed, *, to_address: str, organisation_id: int | None, user_id: int, kind: str
) -> OutboundMail:
    return mail_queue(
        to_address=to_address,
        subject=mail.subject,
        text=mail.text,
        html=mail.html,
        headers=mail.headers,
        organisation_id=organisation_id,
        user_id=user_id,
        kind=kind,
        language=mail.language,
    )


def notification_subject(*, text: str, reference: str) -> str:  # pure: the subject line
    """ "LOM · 2026-0042: Ärendet har beviljats" (the number once, also when the text starts
    with it)."""
    short = text if len(text) <= SUBJECT_TEXT_MAX else text[: SUBJECT_TEXT_MAX - 1] + "…"
    if not reference:
        return f"LOM: {short}"
    if short.startswith(reference):
        return f"LOM · {short}"
    return f"LOM · {reference}: {short}"


def notification_mail(
    *, user: User, kind: str, text: str, url: str, reference: str
) -> Composed:  # pure: one notification to one user, in their language
    language = user_language(user)
    with translation.override(language):
        reason = KINDS.get(kind)
        context = {
            "name": greeting_name(user),
            "text": text,
            "link": absolute_url(url),
            "reason": str(reason) if reason else "",
            "unsubscribe_url": unsubscribe_url(user_id=user.pk, kind=kind),
            "title": _("Avisering från LOM"),
        }
    return compose(
        template="notification",
        context=context,
        language=language,
        subject=notification_subject(text=text, reference=reference),
        headers=unsubscribe_headers(user_id=user.pk, kind=kind),
    )
