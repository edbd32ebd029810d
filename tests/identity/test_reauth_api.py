"""The JSON API's sensitive acts with a session cookie answer 403 "reauthentication required"
after a stale sign-in; calls with an API token are not session-bound."""

import pytest
from django.test import Client

from lom.accounts.models import ApiToken
from tests.identity.account_fixtures import age_session

pytestmark = pytest.mark.urls("tests.identity.reauth_api_urls")
URL = "/probe/sensitive"


def _session(user) -> Client:
    c = Client()
    c.force_login(user)
    c.get("/probe/openapi.json")
    return c


def test_stale_session_call_is_refused_with_the_reason(world):
    c = _session(world.admin)
    age_session(c, at=16 * 60)
    r = c.post(URL)
    assert r.status_code == 403
    assert r.json()["code"] == "reauth_required"
    assert "reauthentication required" in r.json()["detail"]


def test_fresh_session_call_passes(world):
    c = _session(world.admin)
    age_session(c, at=60)
    assert c.post(URL).status_code == 200


def test_token_call_is_not_session_bound(world):
    _token, raw = ApiToken.issue(user=world.admin)
    r = Client().post(URL, headers={"Authorization": f"Bearer {raw}"})
    assert r.status_code == 200
    # A made-up token beside a stale session cookie does not slip past.
    c = _session(world.admin)
    age_session(c, at=16 * 60)
    assert c.post(URL, headers={"Authorization": "Bearer made-up"}).status_code == 403
