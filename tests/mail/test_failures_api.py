"""The failure list by API: the administrator reads it as a page with each attempt, sends a
mail again (one or all) or stops it; a mail in another state is a conflict, another
organisation's mail is not found, other roles are refused."""

import pytest

from lom.mail.models import OutboundMail
from tests.api_client import token_caller
from tests.mail.test_failures import failed_mail

pytestmark = pytest.mark.django_db

API = "/api/v1/mail/failures"


@pytest.fixture(autouse=True)
def one_retry(settings):
    settings.LOM_MAIL_RETRY_DELAYS = [60]


def test_listed_with_attempts_then_sent_again(world, smtp, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    older = failed_mail(capture, smtp, world.org, to="a@example.se")
    newer = failed_mail(capture, smtp, world.org, to="b@example.se")
    call = token_caller(world.admin)
    first = call("get", f"{API}?limit=1")
    assert first.status_code == 200, first.content
    page = first.json()
    assert [m["id"] for m in page["items"]] == [newer.pk] and page["next_cursor"]
    assert page["items"][0]["attempts"][0]["code"] == 550
    rest = call("get", f"{API}?limit=1&cursor={page['next_cursor']}").json()
    assert [m["id"] for m in rest["items"]] == [older.pk] and rest["next_cursor"] is None
    with capture(execute=True):
        one = call("post", f"{API}/{newer.pk}/resend")
    assert one.status_code == 200 and one.json()["id"] == newer.pk
    assert OutboundMail.objects.get(pk=newer.pk).status == OutboundMail.Status.SENT
    again = call("post", f"{API}/{newer.pk}/resend")
    assert again.status_code == 409 and again.json()["code"] == "status"
    with capture(execute=True):
        everything = call("post", f"{API}/resend")
    assert everything.status_code == 200 and everything.json() == {"count": 1}
    assert call("get", API).json()["items"] == []


def test_a_mail_is_stopped_once(world, smtp, django_capture_on_commit_callbacks):
    mail = failed_mail(django_capture_on_commit_callbacks, smtp, world.org)
    call = token_caller(world.admin)
    stopped = call("post", f"{API}/{mail.pk}/cancel")
    assert stopped.status_code == 200 and stopped.json()["status"] == "cancelled"
    again = call("post", f"{API}/{mail.pk}/cancel")
    assert again.status_code == 409
    assert call("post", f"{API}/{mail.pk}/resend").status_code == 409


def test_other_organisations_and_other_roles_are_kept_out(
    world, other_world, smtp, django_capture_on_commit_callbacks
):
    theirs = failed_mail(django_capture_on_commit_callbacks, smtp, other_world.org)
    call = token_caller(world.admin)
    assert call("get", API).json()["items"] == []
    assert call("post", f"{API}/{theirs.pk}/resend").status_code == 404
    assert call("post", f"{API}/{theirs.pk}/cancel").status_code == 404
    past = call("post", f"{API}/{2**64}/cancel")
    assert past.status_code == 422 and past.json()["field"] == "message_id"
    coordinator = token_caller(world.coordinator)
    assert coordinator("get", API).status_code == 403
    assert coordinator("post", f"{API}/resend").status_code == 403
    assert coordinator("post", f"{API}/{theirs.pk}/cancel").status_code == 403
    assert OutboundMail.objects.get(pk=theirs.pk).status == OutboundMail.Status.FAILED
