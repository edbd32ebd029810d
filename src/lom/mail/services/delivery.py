"""Handing mail from the outbox to the SMTP server, one attempt at a time, each attempt logged."""

import smtplib

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from lom.mail.models import MailAttempt, OutboundMail


def _message(mail: OutboundMail) -> EmailMultiAlternatives:
    msg = EmailMultiAlternatives(
        subject=mail.subject,
        body=mail.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[mail.to_address],
        headers=dict(mail.headers),
    )
    if mail.html:
        msg.attach_alternative(mail.html, "text/html")
    return msg


def _smtp_code(exc: Exception) -> int | None:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _msg in exc.recipients.values()]
        return codes[0] if codes else None
    code = getattr(exc, "smtp_code", None)
    return code if isinstance(code, int) else None


def mail_deliver(*, mail_id: int) -> str:  # batch: one SMTP attempt, recorded on its own
    """Try to send one queued mail now. The SMTP exchange runs outside any transaction; the
    outcome (and the attempt) is recorded in one. Returns the mail's new status."""
    mail = OutboundMail.objects.filter(pk=mail_id).first()
    if mail is None or mail.status in (OutboundMail.Status.SENT, OutboundMail.Status.CANCELLED):
        return mail.status if mail else "missing"
    error, code = "", None
    try:
        with get_connection(fail_silently=False, timeout=settings.EMAIL_TIMEOUT) as conn:
            conn.send_messages([_message(mail)])
    except (smtplib.SMTPException, OSError) as exc:
        error, code = (str(exc) or exc.__class__.__name__)[:500], _smtp_code(exc)
    with transaction.atomic(durable=True):
        mail = OutboundMail.objects.select_for_update().get(pk=mail_id)
        MailAttempt.objects.create(
            mail=mail, ok=not error, code=code or (250 if not error else None), error=error
        )
        mail.attempts += 1
        if error:
            mail.status = OutboundMail.Status.FAILED
            mail.last_error = error
        else:
            mail.status = OutboundMail.Status.SENT
            mail.sent_at = timezone.now()
        mail.save(update_fields=["attempts", "status", "last_error", "sent_at"])
    return mail.status


@task()
def deliver_mail_task(mail_id: int) -> str:  # batch: the queue's entry point for one mail
    return mail_deliver(mail_id=mail_id)
