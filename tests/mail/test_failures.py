"""Mail that could not be delivered is listed for the organisation's administrator, who sends
it again (one or all) or stops it; another organisation's mail stays out of reach."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lom.common.errors import PermissionDeniedError
from lom.common.models import AuditEvent
from lom.mail.models import MailAttempt, OutboundMail
from lom.mail.selectors import failed_mail_count
from lom.mail.services import mail_cancel, mail_queue, mail_resend, mail_send_due
from lom.organisations.access import actor_for

pytestmark = pytest.mark.django_db

FAILURES = reverse("mail:failures")


@pytest.fixture(autouse=True)
def one_retry(settings):
    settings.LOM_MAIL_RETRY_DELAYS = [60]


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def failed_mail(
    capture, smtp, org, *, to="anna@example.se", subject="Ärende 2026-7"
) -> OutboundMail:
    """A mail of `org` that the server refused for good."""
    smtp.refuse(550)
    with capture(execute=True):
        mail = mail_queue(to_address=to, subject=subject, text="T", organisation_id=org.pk)
    mail.refresh_from_db()
    assert mail.status == OutboundMail.Status.FAILED
    smtp.accept()
    return mail


def test_retries_used_up_then_listed_then_sent_again_from_the_page(
    world, smtp, django_capture_on_commit_callbacks
):
    smtp.refuse(451)
    with django_capture_on_commit_callbacks(execute=True):
        mail = mail_queue(
            to_address="anna@example.se",
            subject="Ärende 2026-7 har bytt status",
            text="Öppna ärendet: http://testserver/cases/7/",
            organisation_id=world.org.pk,
            kind="case_status",
        )
    mail.refresh_from_db()
    assert mail.status == OutboundMail.Status.RETRYING
    assert mail_send_due(now=mail.next_attempt_at) == 1
    mail.refresh_from_db()
    assert mail.status == OutboundMail.Status.FAILED

    c = client_for(world.admin)
    page = c.get(FAILURES)
    assert page.status_code == 200
    html = page.content.decode()
    assert "anna@example.se" in html and "Ärende 2026-7 har bytt status" in html
    assert "case_status" in html and "451 " in html
    assert html.count("<li>") >= 2  # the attempt log, one line per attempt
    assert "<details>" in html
    # The administration menu counts the failures.
    nav = c.get(reverse("organisations:units")).content.decode()
    assert f'{FAILURES}">E-post som inte kom fram <span class="badge">1<' in nav

    smtp.accept()
    with django_capture_on_commit_callbacks(execute=True):
        r = c.post(reverse("mail:resend", args=[mail.pk]))
    assert r.status_code == 302 and r["Location"] == FAILURES
    mail.refresh_from_db()
    assert mail.status == OutboundMail.Status.SENT
    [got] = smtp.messages
    assert got.rcpt_tos == ["anna@example.se"]
    assert got.message["Subject"] == "Ärende 2026-7 har bytt status"
    # The attempt log is kept: two refusals, then the delivery.
    assert list(MailAttempt.objects.filter(mail=mail).values_list("ok", "code")) == [
        (False, 451),
        (False, 451),
        (True, 250),
    ]
    event = AuditEvent.objects.get(action="mail.resend")
    assert (event.actor, event.target_id, event.organisation_id) == (
        world.admin,
        mail.pk,
        world.org.pk,
    )
    after = c.get(FAILURES).content.decode()
    assert "anna@example.se</td>" not in after
    assert "Det finns ingen e-post som inte kunde levereras." in after


def test_a_resent_mail_that_fails_again_gets_its_retries_again(
    world, smtp, django_capture_on_commit_callbacks
):
    mail = failed_mail(django_capture_on_commit_callbacks, smtp, world.org)
    smtp.refuse(451)
    with django_capture_on_commit_callbacks(execute=True):
        mail_resend(actor=actor_for(user=world.admin), mail=mail)
    mail.refresh_from_db()
    assert (mail.status, mail.attempts) == (OutboundMail.Status.RETRYING, 1)
    assert MailAttempt.objects.filter(mail=mail).count() == 2


def test_send_all_again(world, smtp, django_capture_on_commit_callbacks):
    first = failed_mail(django_capture_on_commit_callbacks, smtp, world.org, to="a@example.se")
    second = failed_mail(django_capture_on_commit_callbacks, smtp, world.org, to="b@example.se")
    c = client_for(world.admin)
    assert "Skicka alla igen (2)" in c.get(FAILURES).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        r = c.post(reverse("mail:resend_all"), follow=True)
    assert "2 e-postmeddelanden skickas igen." in r.content.decode()
    assert sorted(m.rcpt_tos[0] for m in smtp.messages) == ["a@example.se", "b@example.se"]
    for mail in (first, second):
        mail.refresh_from_db()
        assert mail.status == OutboundMail.Status.SENT
    assert AuditEvent.objects.get(action="mail.resend_all").after["count"] == 2


def test_stop_takes_a_mail_off_the_list_for_good(world, smtp, django_capture_on_commit_callbacks):
    mail = failed_mail(django_capture_on_commit_callbacks, smtp, world.org)
    c = client_for(world.admin)
    r = c.post(reverse("mail:cancel", args=[mail.pk]))
    assert r.status_code == 302
    mail.refresh_from_db()
    assert mail.status == OutboundMail.Status.CANCELLED
    assert failed_mail_count(organisation_id=world.org.pk) == 0
    assert mail_send_due(now=timezone.now() + timedelta(days=1)) == 0
    # A stopped mail cannot be sent again.
    r = c.post(reverse("mail:resend", args=[mail.pk]), follow=True)
    assert "Bara e-post som inte kunde levereras kan skickas igen." in r.content.decode()
    assert smtp.messages == []
    assert AuditEvent.objects.filter(action="mail.cancel", target_id=mail.pk).exists()


def test_another_organisations_failures_are_out_of_reach(
    world, other_world, smtp, django_capture_on_commit_callbacks
):
    theirs = failed_mail(
        django_capture_on_commit_callbacks, smtp, other_world.org, to="their@example.se"
    )
    c = client_for(world.admin)
    assert "their@example.se" not in c.get(FAILURES).content.decode()
    assert c.post(reverse("mail:resend", args=[theirs.pk])).status_code == 404
    assert c.post(reverse("mail:cancel", args=[theirs.pk])).status_code == 404
    c.post(reverse("mail:resend_all"))
    theirs.refresh_from_db()
    assert theirs.status == OutboundMail.Status.FAILED
    # The service refuses too, whatever view calls it.
    with pytest.raises(PermissionDeniedError, match="Du får inte"):
        mail_cancel(actor=actor_for(user=world.admin), mail=theirs)


def test_only_the_organisation_admin_sees_the_list(world, smtp, django_capture_on_commit_callbacks):
    mail = failed_mail(django_capture_on_commit_callbacks, smtp, world.org)
    c = client_for(world.coordinator)
    assert c.get(FAILURES).status_code == 403
    assert c.post(reverse("mail:resend", args=[mail.pk])).status_code == 403
    assert c.post(reverse("mail:resend_all")).status_code == 403
    assert Client().get(FAILURES).status_code == 302  # to the login page
    assert client_for(world.admin).get(reverse("mail:resend", args=[mail.pk])).status_code == 405


def test_the_list_is_paginated(world):
    for i in range(30):
        OutboundMail.objects.create(
            organisation=world.org,
            to_address=f"p{i}@example.se",
            subject=f"S{i}",
            text="T",
            status=OutboundMail.Status.FAILED,
        )
    c = client_for(world.admin)
    first = c.get(FAILURES).content.decode()
    assert "Sida 1 av 2" in first and "Skicka alla igen (30)" in first
    assert 'rel="next"' in first
    second = c.get(FAILURES + "?page=2").content.decode()
    assert second.count("@example.se</td>") == 5


def test_django_admin_lists_mail_without_an_organisation(db, smtp, admin_client):
    mail_queue(to_address="drift@example.se", subject="Systemmeddelande", text="T")
    r = admin_client.get(reverse("admin:mail_outboundmail_changelist") + "?q=drift")
    assert r.status_code == 200 and "Systemmeddelande" in r.content.decode()
    mail = OutboundMail.objects.get()
    r = admin_client.get(reverse("admin:mail_outboundmail_change", args=[mail.pk]))
    assert r.status_code == 200
    assert admin_client.get(reverse("admin:mail_outboundmail_add")).status_code == 403
