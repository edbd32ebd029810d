"""A real notification, as it reaches a real SMTP server: headers, both parts, the absolute
link followed through the sign-in to the case, in the recipient's language."""

from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.utils import translation

from lom.common.models import Notification
from lom.mail.models import OutboundMail
from lom.mail.notify import notify
from tests.factories import approve, make_case
from tests.identity.account_fixtures import password_step

pytestmark = pytest.mark.django_db


def _approved(world, smtp, capture, *, language="sv"):
    world.employee.email = "eva@example.se"
    world.employee.language = language
    world.employee.save()
    case = make_case(world)
    with capture(execute=True):
        case = approve(world, case)
    decision = [m for m in smtp.messages if m.message["Subject"].endswith(("Beviljad", "Granted"))]
    return case, decision


def _path(url: str) -> str:
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc) == ("http", "testserver")
    return parts.path


def test_a_decision_arrives_with_the_case_number_both_parts_and_an_absolute_link(
    world, smtp, django_capture_on_commit_callbacks, settings
):
    case, [got] = _approved(world, smtp, django_capture_on_commit_callbacks)
    msg = got.message
    assert got.rcpt_tos == ["eva@example.se"]
    assert msg["To"] == "eva@example.se"
    assert msg["From"] == settings.DEFAULT_FROM_EMAIL
    assert case.number and msg["Subject"] == f"LOM · {case.number} {case.title}: Beviljad"
    link = f"http://testserver/cases/{case.pk}/"
    text, html = got.part("text/plain"), got.part("text/html")
    assert f"Hej {world.employee.first_name}!" in text
    assert link in text and f'href="{link}"' in html
    assert "Öppna i LOM" in text and "Öppna i LOM" in html
    # Why they get it, where to change it, and the one-click link, in both parts.
    assert "Ett beslut har fattats" in text
    assert "http://testserver/decisions/notifications/" in text
    unsubscribe = str(msg["List-Unsubscribe"]).strip()  # folded when long
    assert unsubscribe.startswith("<http://testserver/mail/unsubscribe/") and unsubscribe[-1] == ">"
    assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe[1:-1] in text and unsubscribe[1:-1] in html
    # The outbox row says who and what.
    row = OutboundMail.objects.get(to_address="eva@example.se", kind="decision")
    assert (row.status, row.user_id, row.language) == ("sent", world.employee.pk, "sv")

    # Followed: anonymous → the sign-in page → after signing in, the case.
    client = Client()
    first = client.get(_path(link))
    assert first.status_code == 302
    assert first.url.startswith("/login/") and f"next=/cases/{case.pk}/" in first.url
    signed_in = password_step(client, world.employee.username, next_url=f"/cases/{case.pk}/")
    assert signed_in.status_code == 302 and signed_in.url == f"/cases/{case.pk}/"
    page = client.get(signed_in.url)
    assert page.status_code == 200
    assert case.number in page.content.decode()


def test_an_english_user_gets_the_mail_and_the_in_app_notification_in_english(
    world, smtp, django_capture_on_commit_callbacks
):
    case, [got] = _approved(world, smtp, django_capture_on_commit_callbacks, language="en")
    msg = got.message
    assert msg["Subject"] == f"LOM · {case.number} {case.title}: Granted"
    text = got.part("text/plain")
    assert f"{case.number} {case.title}: Granted" in text and "A decision has been made" in text
    assert f'href="http://testserver/cases/{case.pk}/"' in got.part("text/html")
    assert OutboundMail.objects.get(kind="decision", user=world.employee).language == "en"
    note = Notification.objects.get(user=world.employee, kind="decision")
    # Stored as a code, rendered in the reader's language.
    assert note.code == "cases.status" and note.text == ""
    with translation.override("en"):
        assert note.shown.endswith(": Granted")
    # The coordinator (Swedish) heard about the same case, and reads it in Swedish.
    submitted = Notification.objects.get(user=world.coordinator, kind="status")
    with translation.override("sv"):
        assert submitted.shown.endswith(": Inskickad")


def test_a_plain_text_with_a_case_gets_the_case_number_and_goes_once_per_person(
    world, smtp, django_capture_on_commit_callbacks
):
    case = make_case(world)
    world.coordinator.email = "hr@example.se"
    world.coordinator.save()
    with django_capture_on_commit_callbacks(execute=True):
        rows = notify(
            users=[world.coordinator, None, world.coordinator],
            organisation_id=world.org.pk,
            kind="objection",
            text="Facket invänder",
            case_id=case.pk,
            url="/decisions/objections/",
        )
    assert len(rows) == 1
    [got] = smtp.messages
    assert got.message["Subject"] == f"LOM · {case.number}: Facket invänder"
    assert "http://testserver/decisions/objections/" in got.part("text/plain")
