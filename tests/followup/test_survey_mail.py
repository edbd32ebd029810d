"""The survey reminder goes through the outbox: it reaches a real SMTP server with both parts,
in the participant's language, and its absolute link opens the survey after signing in."""

import pytest
from django.test import Client
from django.utils import timezone

from lom.followup import services
from lom.mail.models import OutboundMail
from tests.followup.test_followup import completed_case
from tests.identity.account_fixtures import password_step

pytestmark = pytest.mark.django_db


def test_the_survey_reminder_arrives_with_an_absolute_link_to_the_survey(
    world, smtp, django_capture_on_commit_callbacks
):
    case = completed_case(world, days_ago=20)
    smtp.reset()  # the case's own notifications
    with django_capture_on_commit_callbacks(execute=True):
        assert services.survey_send_reminders(today=timezone.localdate()) == 1
    [got] = smtp.messages
    assert got.rcpt_tos == [world.employee_rec.email]
    assert got.message["Subject"].strip() == (  # folded when long
        f"LOM · {case.number}: Hur gick det? En kort enkät om din insats"
    )
    link = f"http://testserver/followup/surveys/{case.pk}/"
    text, html = got.part("text/plain"), got.part("text/html")
    assert "Hej Eva!" in text and f"”{case.title}” är avslutad" in text
    assert f"Svara här: {link}" in text
    assert f'href="{link}"' in html
    row = OutboundMail.objects.get(kind="survey")
    assert (row.user_id, row.language, row.status) == (world.employee.pk, "sv", "sent")

    client = Client()
    first = client.get(link.removeprefix("http://testserver"))
    assert first.status_code == 302 and first.url.startswith("/login/")
    signed_in = password_step(
        client, world.employee.username, next_url=link.removeprefix("http://testserver")
    )
    assert signed_in.url == link.removeprefix("http://testserver")
    assert client.get(signed_in.url).status_code == 200
