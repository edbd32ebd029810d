"""Handing mail from the outbox to the SMTP server, one attempt at a time, each attempt logged.

A mail is first *claimed* (a short transaction that locks the row, skipping rows another worker
holds, counts the attempt and sets a lease in `next_attempt_at`), then handed to the SMTP server
outside any transaction, and the outcome recorded in a second short transaction. Two workers (the
queue's task and the cron sweep, or two sweeps) therefore never send the same mail twice: the
second one finds the row locked or leased and leaves it.

A transient failure (SMTP 4xx, connection refused, timeout, the server hanging up) is tried again
after LOM_MAIL_RETRY_DELAYS[attempts - 1] seconds; when the delays are used up, or the server
refuses for good (5xx), the mail is FAILED and listed for the organisation's administrator."""

import logging
import smtplib
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from lom.mail.models import MailAttempt, OutboundMail
from lom.mail.selectors import mail_due_ids

log = logging.getLogger("lom.mail")

# A QUEUED mail whose delivery task has not claimed it after this long is sent by the sweep (a
# lost enqueue must not lose the mail).
STUCK_AFTER = timedelta(minutes=5)
PENDING = (OutboundMail.Status.QUEUED, OutboundMail.Status.RETRYING)


def _lease() -> timedelta:
    """How long a claimed mail is left alone by other workers: longer than one SMTP exchange
    can take (connect, greeting, every command, each bounded by EMAIL_TIMEOUT)."""
    return timedelta(seconds=max(60, 6 * int(settings.EMAIL_TIMEOUT)))


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


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _describe(exc: Exception) -> tuple[int | None, str]:  # pure: (SMTP code, error text)
    """The server's reply code (None when it never answered) and a short text for the log and
    the administrator's list. The recipient's address is left out (the refusal of a recipient
    would otherwise quote it)."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        replies = list(exc.recipients.values())
        if replies:
            code, reply = replies[0]
            return code, f"{code} {_text(reply)}"[:500]
        return None, "SMTPRecipientsRefused"
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code, f"{exc.smtp_code} {_text(exc.smtp_error)}"[:500]
    detail = getattr(exc, "strerror", None) or str(exc)
    return None, f"{exc.__class__.__name__}: {detail}"[:500] if detail else exc.__class__.__name__


def _permanent(code: int | None) -> bool:  # pure: a 5xx reply will not change on a retry
    return code is not None and 500 <= code < 600


def _claim(mail_id: int, now: datetime) -> int | None:
    """Take the mail for one attempt: the attempt's number, or None when it is not ours to send
    (sent, stopped, failed, locked by another worker, leased, or not yet due)."""
    with transaction.atomic(durable=True):
        mail = (
            OutboundMail.objects.select_for_update(skip_locked=True)
            .filter(pk=mail_id, status__in=PENDING)
            .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
            .first()
        )
        if mail is None:
            return None
        mail.attempts += 1
        mail.next_attempt_at = now + _lease()
        mail.save(update_fields=["attempts", "next_attempt_at"])
        return mail.attempts


def _record(
    mail_id: int, attempt: int, now: datetime, code: int | None, error: str, permanent: bool
) -> OutboundMail:
    """Log the attempt and move the mail on: SENT, RETRYING at the next delay, or FAILED."""
    delays: list[int] = list(settings.LOM_MAIL_RETRY_DELAYS)
    with transaction.atomic(durable=True):
        mail = OutboundMail.objects.select_for_update().get(pk=mail_id)
        MailAttempt.objects.create(mail=mail, ok=not error, code=code, error=error)
        if mail.status not in PENDING or mail.attempts != attempt:
            return mail  # stopped meanwhile, or taken over after our lease ran out
        if not error:
            mail.status, mail.sent_at, mail.next_attempt_at = OutboundMail.Status.SENT, now, None
        elif permanent or attempt > len(delays):
            mail.status, mail.last_error, mail.next_attempt_at = (
                OutboundMail.Status.FAILED,
                error,
                None,
            )
        else:
            mail.status, mail.last_error = OutboundMail.Status.RETRYING, error
            mail.next_attempt_at = now + timedelta(seconds=delays[attempt - 1])
            _schedule(mail.pk, mail.next_attempt_at)
        mail.save(update_fields=["status", "last_error", "sent_at", "next_attempt_at"])
    return mail


def _schedule(mail_id: int, run_after: datetime) -> None:
    """The next try as a deferred task when the backend can defer (the database backend can);
    otherwise the sweep (`send_mail_queue`) picks the mail up when it is due."""
    if deliver_mail_task.get_backend().supports_defer:
        transaction.on_commit(lambda: deliver_mail_task.using(run_after=run_after).enqueue(mail_id))


def _attempt(mail_id: int, now: datetime) -> str | None:
    """One claimed attempt: the mail's status afterwards, or None when it was not ours to send."""
    now = max(now, timezone.now())  # a long sweep's lease counts from the claim, not its start
    attempt = _claim(mail_id, now)
    if attempt is None:
        return None
    mail = OutboundMail.objects.get(pk=mail_id)
    code: int | None = 250
    error, permanent = "", False
    try:
        with get_connection(fail_silently=False, timeout=settings.EMAIL_TIMEOUT) as conn:
            conn.send_messages([_message(mail)])
    except (smtplib.SMTPException, OSError) as exc:
        code, error = _describe(exc)
        permanent = _permanent(code)
    except Exception as exc:  # a mail that cannot be built fails at once, never loops
        code, error, permanent = None, f"{exc.__class__.__name__}: {exc}"[:500], True
    mail = _record(mail_id, attempt, now, code, error, permanent)
    # Never the address or the body: the id, the attempt, the reply code and the outcome.
    kind = f" ({error.split(':')[0]})" if error and code is None else ""
    level = logging.WARNING if error else logging.INFO
    log.log(level, "mail %s attempt %s: code %s, %s%s", mail_id, attempt, code, mail.status, kind)
    return str(mail.status)


def mail_deliver(  # batch: one SMTP attempt, claimed and recorded in transactions of its own
    *, mail_id: int, now: datetime | None = None
) -> str:
    """Try to send one mail now, if it is still to be sent and due. The SMTP exchange runs
    outside any transaction. Returns the mail's status afterwards ("missing" for no such mail)."""
    status = _attempt(mail_id, now or timezone.now())
    if status is None:
        found = OutboundMail.objects.filter(pk=mail_id).values_list("status", flat=True).first()
        return found or "missing"
    return status


def mail_send_due(*, now: datetime | None = None) -> int:  # batch: one claimed attempt per mail
    """Send every mail that is due (`mail_due_ids`: RETRYING ones whose time has come, QUEUED
    ones no task took in time), one attempt each; returns how many were tried. Safe to run from
    several places at once: each mail is claimed before it is sent."""
    now = now or timezone.now()
    tried, after = 0, 0
    while ids := mail_due_ids(now=now, stuck_after=STUCK_AFTER, after_pk=after):
        tried += sum(_attempt(pk, now) is not None for pk in ids)
        after = ids[-1]
    return tried


@task()
def deliver_mail_task(mail_id: int) -> str:  # batch: the queue's entry point for one mail
    return mail_deliver(mail_id=mail_id)
