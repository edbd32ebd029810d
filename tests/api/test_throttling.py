"""The API's rate limits: the request past the limit answers 429 with Retry-After."""

import pytest
from django.core.cache import cache
from django.test import Client

from lom.accounts.models import ApiToken


@pytest.fixture
def fresh_counts():
    cache.clear()
    yield
    cache.clear()


def test_the_request_past_the_user_limit_is_a_429_with_retry_after(world, settings, fresh_counts):
    settings.LOM_API_RATE_USER = "3/min"
    _t, raw = ApiToken.issue(user=world.coordinator)
    c, auth = Client(), {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    for _ in range(3):
        assert c.get("/api/v1/cases", **auth).status_code == 200
    r = c.get("/api/v1/cases", **auth)
    assert r.status_code == 429
    wait = int(r["Retry-After"])
    assert 0 < wait <= 60
    body = r.json()
    assert body["retry_after"] == wait and str(wait) in body["detail"]
    # Another user has a count of their own.
    _t, other = ApiToken.issue(user=world.employee)
    assert c.get("/api/v1/cases", HTTP_AUTHORIZATION=f"Bearer {other}").status_code == 200


def test_the_request_past_the_anonymous_limit_is_a_429(db, settings, fresh_counts):
    settings.LOM_API_RATE_ANON = "2/hour"
    c = Client()
    url = "/api/v1/outreach/public/no-such-organisation"  # a public operation: no login
    answers = [c.get(url).status_code for _ in range(2)]
    r = c.get(url)
    assert answers == [404, 404]
    assert r.status_code == 429 and 0 < int(r["Retry-After"]) <= 3600


def test_an_empty_rate_switches_the_limit_off(world, settings, fresh_counts):
    settings.LOM_API_RATE_USER = ""
    _t, raw = ApiToken.issue(user=world.coordinator)
    c, auth = Client(), {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    assert all(c.get("/api/v1/cases", **auth).status_code == 200 for _ in range(5))
