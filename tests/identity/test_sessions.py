"""Session timeouts: idle and absolute, counted from the marks the sign-in leaves; a session
without them is timed from its first request."""

from django.test import Client, override_settings

from lom.common.auth_session import AUTH_AT_KEY, LAST_SEEN_KEY, SESSION_STARTED_KEY
from tests.identity.account_fixtures import age_session, logged_in_user_id


def _signed_in(user) -> Client:
    c = Client()
    c.force_login(user)
    assert c.get("/").status_code == 200
    return c


def test_a_session_without_marks_gets_them_on_first_sight(world):
    c = _signed_in(world.employee)
    session = c.session
    for key in (AUTH_AT_KEY, LAST_SEEN_KEY, SESSION_STARTED_KEY):
        assert isinstance(session[key], int)
    assert logged_in_user_id(c) == str(world.employee.pk)


@override_settings(LOM_SESSION_IDLE_MINUTES=30)
def test_idle_session_is_ended_with_a_message(world):
    c = _signed_in(world.employee)
    age_session(c, seen=29 * 60)
    assert c.get("/").status_code == 200  # still within the idle time, and now seen again
    age_session(c, seen=31 * 60)
    r = c.get("/cases/")
    assert r.status_code == 302 and r["Location"] == "/login/?next=%2Fcases%2F"
    assert logged_in_user_id(c) is None
    page = c.get(r["Location"]).content.decode()
    assert "30 minuter utan aktivitet" in page


@override_settings(LOM_SESSION_ABSOLUTE_HOURS=10)
def test_absolute_timeout_ends_even_an_active_session(world):
    c = _signed_in(world.employee)
    age_session(c, started=10 * 3600 + 5, seen=1)
    r = c.get("/")
    assert r["Location"].startswith("/login/")
    assert logged_in_user_id(c) is None
    assert "längre än 10 timmar" in c.get(r["Location"]).content.decode()


def test_expired_session_on_the_api_answers_401(world):
    c = _signed_in(world.employee)
    age_session(c, seen=24 * 3600)
    r = c.get("/api/v1/cases")
    assert r.status_code == 401
    assert logged_in_user_id(c) is None
