"""The daily digest instead of one mail per event, chosen on the notification settings page."""

import pytest
from django.core.management import call_command
from django.test import Client

from lom.common.models import Notification
from lom.mail.models import MailPreference, OutboundMail
from lom.mail.services import digest_send
from tests.factories import approve, make_case

pytestmark = pytest.mark.django_db


def _choose_digest(world, **email):
    client = Client()
    client.force_login(world.employee)
    kinds = {"status": "on", "agenda": "on", "decision": "on", "objection": "on", "reminder": "on"}
    kinds.update(email)
    data = {k: v for k, v in kinds.items() if v} | {"digest": "on"}
    response = client.post("/decisions/notifications/", data)
    assert response.status_code == 302
    page = client.get("/decisions/notifications/").content.decode()
    assert 'name="digest"' in page and "checked" in page.split('name="digest"')[1][:80]


def test_two_events_make_no_mail_then_one_digest_listing_both_and_nothing_twice(
    world, smtp, django_capture_on_commit_callbacks
):
    world.employee.email = "eva@example.se"
    world.employee.save()
    _choose_digest(world)
    case = make_case(world)
    with django_capture_on_commit_callbacks(execute=True):
        case = approve(world, case)  # in review, then granted: two events for Eva
    notes = Notification.objects.filter(user=world.employee, case=case)
    assert notes.count() == 2
    assert [m for m in smtp.messages if "eva@example.se" in m.rcpt_tos] == []

    with django_capture_on_commit_callbacks(execute=True):
        assert digest_send() == 1
    [got] = smtp.messages
    assert got.rcpt_tos == ["eva@example.se"]
    assert got.message["Subject"] == "LOM: 2 nya aviseringar"
    assert (
        str(got.message["List-Unsubscribe"])
        .strip()
        .startswith("<http://testserver/mail/unsubscribe/")
    )
    text, html = got.part("text/plain"), got.part("text/html")
    for note in notes:
        assert note.shown in text and note.shown in html
    assert text.count(f"http://testserver/cases/{case.pk}/") == 2
    assert OutboundMail.objects.get(user=world.employee).kind == "digest"

    smtp.reset()
    with django_capture_on_commit_callbacks(execute=True):
        assert digest_send() == 0  # nothing new since the last digest
        call_command("send_digests")
    assert smtp.messages == []


def test_a_digest_lists_only_kinds_wanted_by_mail_in_the_users_language(
    world, smtp, django_capture_on_commit_callbacks
):
    world.employee.email = "eva@example.se"
    world.employee.language = "en"
    world.employee.save()
    _choose_digest(world, status="")  # status changes: in the app only
    assert MailPreference.objects.get(user=world.employee).digest
    case = make_case(world)
    with django_capture_on_commit_callbacks(execute=True):
        approve(world, case)
        assert digest_send() == 1
    [got] = smtp.messages
    text = got.part("text/plain")
    assert f"{case.number} {case.title}: Granted" in text
    assert "Being processed" not in text and "Under handläggning" not in text
