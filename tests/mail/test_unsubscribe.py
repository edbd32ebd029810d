"""The one-click unsubscribe link (RFC 8058) of a notification mail, taken from the mail that
arrived at the real SMTP server."""

import pytest
from django.test import Client

from lom.common.models import Notification, NotificationPreference
from lom.mail.kinds import KINDS
from lom.mail.services.unsubscribe import unsubscribe_token
from tests.factories import approve, make_case

pytestmark = pytest.mark.django_db


def _decision_mails(smtp):
    return [m for m in smtp.messages if m.message["Subject"].endswith("Beviljad")]


def _approve_new_case(world, capture):
    case = make_case(world)
    with capture(execute=True):
        return approve(world, case)


def test_get_changes_nothing_post_one_click_turns_the_kind_off(
    world, smtp, django_capture_on_commit_callbacks
):
    world.employee.email = "eva@example.se"
    world.employee.save()
    _approve_new_case(world, django_capture_on_commit_callbacks)
    [got] = _decision_mails(smtp)
    link = str(got.message["List-Unsubscribe"]).strip()[1:-1]
    path = link.removeprefix("http://testserver")
    client = Client()  # no sign-in: the signed link is enough

    page = client.get(path)  # what a link scanner does
    assert page.status_code == 200
    assert '<form method="post">' in page.content.decode()
    assert not NotificationPreference.objects.filter(user=world.employee).exists()

    done = client.post(
        path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert done.status_code == 200
    assert "Ett beslut har fattats" in done.content.decode()
    pref = NotificationPreference.objects.get(user=world.employee, kind="decision")
    assert pref.email is False
    assert client.post(path).status_code == 200  # again (or the page's button): still off

    # The next decision: no mail, but still in the in-app list; other kinds still mailed.
    smtp.reset()
    case = _approve_new_case(world, django_capture_on_commit_callbacks)
    assert _decision_mails(smtp) == []
    assert Notification.objects.filter(user=world.employee, case=case, kind="decision").exists()
    assert [m.rcpt_tos for m in smtp.messages if "Under handläggning" in m.message["Subject"]] == [
        ["eva@example.se"]
    ]


def test_a_forged_or_altered_token_is_refused_and_changes_nothing(world):
    client = Client()
    good = unsubscribe_token(user_id=world.employee.pk, kind="decision")
    signature = good.rsplit(":", 1)[1]
    other_user = unsubscribe_token(user_id=world.coordinator.pk, kind="decision")
    other_kind = unsubscribe_token(user_id=world.employee.pk, kind="status")
    forged = [
        "nonsense",
        other_user.rsplit(":", 1)[0] + ":" + signature,  # another user, this link's signature
        other_kind.rsplit(":", 1)[0] + ":" + signature,  # another kind, this link's signature
        good[:-2] + ("AA" if not good.endswith("AA") else "BB"),
    ]
    for token in forged:
        for method in (client.get, client.post):
            response = method(f"/mail/unsubscribe/{token}/")
            assert response.status_code == 400
            assert "ogiltig" in response.content.decode()
    assert not NotificationPreference.objects.exists()


def test_the_digests_link_turns_off_every_kind(world):
    token = unsubscribe_token(user_id=world.employee.pk, kind="digest")
    assert Client().get(f"/mail/unsubscribe/{token}/").status_code == 200
    assert not NotificationPreference.objects.exists()
    assert Client().post(f"/mail/unsubscribe/{token}/").status_code == 200
    off = NotificationPreference.objects.filter(user=world.employee, email=False)
    assert set(off.values_list("kind", flat=True)) == set(KINDS)
