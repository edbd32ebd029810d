"""Putting a mail in the outbox. The web request only writes the row; the task queue sends it
after the transaction commits (a rolled-back action sends nothing)."""

from django.conf import settings
from django.db import transaction

from lom.mail.models import OutboundMail
from lom.mail.services.delivery import deliver_mail_task


def absolute_url(path: str) -> str:  # pure: builds a link from the configured base URL
    """The link a mail carries: LOM_BASE_URL + path (a path that is already absolute stays)."""
    if not path or path.startswith(("http://", "https://")):
        return path
    return settings.LOM_BASE_URL + ("" if path.startswith("/") else "/") + path


def mail_queue(  # step: runs inside the action that causes the mail
    *,
    to_address: str,
    subject: str,
    text: str,
    html: str = "",
    headers: dict[str, str] | None = None,
    organisation_id: int | None = None,
    user_id: int | None = None,
    kind: str = "system",
    language: str = "sv",
) -> OutboundMail:
    """One mail in the outbox; delivery is enqueued when the caller's transaction commits."""
    mail = OutboundMail.objects.create(
        to_address=to_address[:254],
        subject=" ".join(subject.split())[:255],
        text=text,
        html=html,
        headers=headers or {},
        organisation_id=organisation_id,
        user_id=user_id,
        kind=kind[:30],
        language=language[:8],
    )
    transaction.on_commit(lambda: deliver_mail_task.enqueue(mail.pk))
    return mail
