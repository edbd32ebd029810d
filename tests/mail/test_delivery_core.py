"""The outbox hands a queued mail to a real SMTP server after the action commits."""

import pytest

from lom.mail.models import MailAttempt, OutboundMail
from lom.mail.services import mail_queue

pytestmark = pytest.mark.django_db


def test_a_queued_mail_arrives_after_commit_with_both_parts(
    smtp, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        mail = mail_queue(
            to_address="anna@example.se",
            subject="Ärende 2026-7 har bytt status",
            text="Öppna ärendet: http://testserver/cases/7/",
            html="<p>Öppna <a href='http://testserver/cases/7/'>ärendet</a></p>",
            headers={"X-Test": "1"},
        )
        assert smtp.messages == []  # nothing leaves inside the transaction
    mail.refresh_from_db()
    assert mail.status == OutboundMail.Status.SENT
    assert MailAttempt.objects.filter(mail=mail, ok=True).count() == 1
    [got] = smtp.messages
    assert got.rcpt_tos == ["anna@example.se"]
    assert got.message["Subject"] == "Ärende 2026-7 har bytt status"
    assert got.message["X-Test"] == "1"
    assert "http://testserver/cases/7/" in got.part("text/plain")
    assert "<a href='http://testserver/cases/7/'>" in got.part("text/html")


def test_a_refused_mail_is_recorded_with_the_servers_code(smtp, django_capture_on_commit_callbacks):
    smtp.refuse(550)
    with django_capture_on_commit_callbacks(execute=True):
        mail = mail_queue(to_address="borta@example.se", subject="S", text="T")
    mail.refresh_from_db()
    assert mail.status != OutboundMail.Status.SENT
    attempt = MailAttempt.objects.get(mail=mail)
    assert (attempt.ok, attempt.code) == (False, 550)
    assert smtp.messages == []
