"""Delivery against the real SMTP server: transient failures are retried after the configured
delays, permanent ones fail at once, every attempt is logged, and no mail is sent twice."""

import logging
import socket
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from lom.mail.models import MailAttempt, OutboundMail
from lom.mail.services import mail_deliver, mail_queue, mail_send_due
from lom.mail.services.delivery import STUCK_AFTER, _claim

pytestmark = pytest.mark.django_db

DELAYS = [60, 300]


@pytest.fixture(autouse=True)
def short_delays(settings):
    settings.LOM_MAIL_RETRY_DELAYS = DELAYS


def queued(capture, **kwargs) -> OutboundMail:
    """A mail queued in a committed action (its delivery task runs on commit)."""
    fields = {"to_address": "anna@example.se", "subject": "Ärende 2026-7", "text": "T"}
    with capture(execute=True):
        mail = mail_queue(**(fields | kwargs))
    mail.refresh_from_db()
    return mail


def waiting(**kwargs) -> OutboundMail:
    """A mail in the outbox whose delivery task never ran (a lost enqueue)."""
    fields = {"to_address": "anna@example.se", "subject": "Ärende 2026-8", "text": "T"}
    return mail_queue(**(fields | kwargs))


def test_a_temporary_refusal_is_retried_after_each_delay_then_fails(
    smtp, django_capture_on_commit_callbacks, caplog
):
    smtp.refuse(451)
    before = timezone.now()
    with caplog.at_level(logging.INFO, logger="lom.mail"):
        mail = queued(django_capture_on_commit_callbacks)
    assert mail.status == OutboundMail.Status.RETRYING
    assert mail.attempts == 1
    assert before + timedelta(seconds=60) <= mail.next_attempt_at
    assert mail.next_attempt_at <= timezone.now() + timedelta(seconds=60)
    assert mail.last_error.startswith("451 ")
    # The log line names the mail, the attempt and the code, never the address or the body.
    [line] = [r.getMessage() for r in caplog.records if r.name == "lom.mail"]
    assert f"mail {mail.pk} attempt 1: code 451" in line
    assert "anna" not in line and "example.se" not in line

    # Not yet due: the sweep leaves it.
    assert mail_send_due(now=mail.next_attempt_at - timedelta(seconds=1)) == 0
    assert MailAttempt.objects.filter(mail=mail).count() == 1

    second = mail.next_attempt_at
    assert mail_send_due(now=second) == 1
    mail.refresh_from_db()
    assert (mail.status, mail.attempts) == (OutboundMail.Status.RETRYING, 2)
    assert mail.next_attempt_at == second + timedelta(seconds=300)

    assert mail_send_due(now=mail.next_attempt_at) == 1  # the delays are used up
    mail.refresh_from_db()
    assert (mail.status, mail.attempts, mail.next_attempt_at) == (
        OutboundMail.Status.FAILED,
        3,
        None,
    )
    log = list(MailAttempt.objects.filter(mail=mail).values_list("ok", "code"))
    assert log == [(False, 451)] * 3
    assert smtp.messages == []
    assert mail_send_due(now=timezone.now() + timedelta(days=1)) == 0  # failed stays failed


def test_a_retry_that_gets_through_is_sent_once(smtp, django_capture_on_commit_callbacks):
    smtp.refuse(421)
    mail = queued(django_capture_on_commit_callbacks)
    assert mail.status == OutboundMail.Status.RETRYING
    smtp.accept()
    assert mail_send_due(now=mail.next_attempt_at) == 1
    mail.refresh_from_db()
    assert mail.status == OutboundMail.Status.SENT and mail.sent_at is not None
    assert [m.rcpt_tos for m in smtp.messages] == [["anna@example.se"]]
    assert list(MailAttempt.objects.filter(mail=mail).values_list("ok", "code")) == [
        (False, 421),
        (True, 250),
    ]
    assert mail_send_due(now=mail.next_attempt_at or timezone.now() + timedelta(hours=1)) == 0
    assert mail_deliver(mail_id=mail.pk) == OutboundMail.Status.SENT
    assert len(smtp.messages) == 1


def test_a_permanent_refusal_fails_at_once(smtp, django_capture_on_commit_callbacks):
    smtp.refuse(550)
    mail = queued(django_capture_on_commit_callbacks)
    assert (mail.status, mail.attempts) == (OutboundMail.Status.FAILED, 1)
    assert mail.last_error.startswith("550 ")
    assert "borta" not in mail.last_error and "anna@" not in mail.last_error
    assert mail_send_due(now=timezone.now() + timedelta(days=1)) == 0
    assert smtp.messages == []


def test_a_server_that_does_not_answer_is_retried(
    smtp, settings, django_capture_on_commit_callbacks
):
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        settings.EMAIL_PORT = s.getsockname()[1]
    mail = queued(django_capture_on_commit_callbacks)
    assert (mail.status, mail.attempts) == (OutboundMail.Status.RETRYING, 1)
    attempt = MailAttempt.objects.get(mail=mail)
    assert (attempt.ok, attempt.code) == (False, None)
    assert "ConnectionRefusedError" in attempt.error
    settings.EMAIL_PORT = smtp.port  # the server is back
    assert mail_send_due(now=mail.next_attempt_at) == 1
    mail.refresh_from_db()
    assert mail.status == OutboundMail.Status.SENT
    assert len(smtp.messages) == 1


def test_the_sweep_sends_a_mail_whose_task_was_lost_and_only_once(smtp):
    mail = waiting()  # the on-commit enqueue never ran
    assert mail.status == OutboundMail.Status.QUEUED
    assert mail_send_due() == 0  # just queued: its task has time to take it
    later = timezone.now() + STUCK_AFTER + timedelta(seconds=1)
    assert mail_send_due(now=later) == 1
    assert mail_send_due(now=later) == 0
    assert mail_deliver(mail_id=mail.pk) == OutboundMail.Status.SENT  # a late task: nothing
    mail.refresh_from_db()
    assert (mail.status, mail.attempts) == (OutboundMail.Status.SENT, 1)
    assert len(smtp.messages) == 1


def test_a_mail_another_worker_is_sending_is_left_alone(smtp):
    mail = waiting()
    now = timezone.now()
    assert _claim(mail.pk, now) == 1  # another worker took it and is talking to the server
    assert _claim(mail.pk, now) is None
    assert mail_deliver(mail_id=mail.pk, now=now) == OutboundMail.Status.QUEUED
    assert mail_send_due(now=now + STUCK_AFTER) == 0
    assert smtp.messages == []
    # That worker died: once its lease and the grace have passed, the sweep sends the mail.
    mail.refresh_from_db()
    assert mail_send_due(now=mail.next_attempt_at + STUCK_AFTER) == 1
    mail.refresh_from_db()
    assert (mail.status, mail.attempts) == (OutboundMail.Status.SENT, 2)
    assert len(smtp.messages) == 1


def test_the_next_try_is_a_deferred_task_when_the_backend_can_defer(
    smtp, settings, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    smtp.refuse(451)
    mail = waiting()
    with django_capture_on_commit_callbacks(execute=True):
        assert mail_deliver(mail_id=mail.pk) == OutboundMail.Status.RETRYING
    mail.refresh_from_db()
    [job] = DBTaskResult.objects.filter(task_path__endswith="deliver_mail_task")
    assert job.run_after == mail.next_attempt_at
    assert job.args_kwargs["args"] == [mail.pk]


def test_the_cron_command_sends_what_is_due(smtp, capsys):
    mail = waiting()
    OutboundMail.objects.filter(pk=mail.pk).update(
        created_at=timezone.now() - STUCK_AFTER - timedelta(minutes=1)
    )
    call_command("send_mail_queue")
    assert "Mail tried: 1" in capsys.readouterr().out
    mail.refresh_from_db()
    assert mail.status == OutboundMail.Status.SENT
    assert len(smtp.messages) == 1


def test_a_mail_that_cannot_be_built_fails_at_once(smtp, django_capture_on_commit_callbacks):
    mail = queued(django_capture_on_commit_callbacks, headers={"X-Bad": "a\nBcc: x@example.se"})
    assert (mail.status, mail.attempts) == (OutboundMail.Status.FAILED, 1)
    assert mail.last_error.startswith("BadHeaderError")
    assert mail_send_due(now=timezone.now() + timedelta(days=1)) == 0
    assert smtp.messages == []
