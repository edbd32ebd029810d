"""The client's address behind a reverse proxy: only the hops the configured proxies appended
are believed, and login lockouts, the API's anonymous limit and the public counters use it."""

import pytest
from django.core.cache import cache
from django.test import Client, RequestFactory, override_settings

from lom.common.clientip import client_ip
from lom.outreach.web import within_count_limit
from tests.factories import UserFactory
from tests.identity.account_fixtures import logged_in_user_id, password_step

PROXY = "10.0.0.5"


def _ip(*, remote: str = PROXY, xff: str | None = None) -> str:
    extra = {"REMOTE_ADDR": remote}
    if xff is not None:
        extra["HTTP_X_FORWARDED_FOR"] = xff
    return client_ip(RequestFactory().get("/", **extra))


def test_without_a_proxy_the_peer_address_is_the_client_and_the_header_is_ignored(settings):
    settings.LOM_PROXY_COUNT = 0
    assert _ip(remote="198.51.100.7") == "198.51.100.7"
    assert _ip(remote="198.51.100.7", xff="8.8.8.8") == "198.51.100.7"


def test_behind_one_proxy_the_last_hop_is_the_client_and_a_forged_prefix_is_ignored(settings):
    settings.LOM_PROXY_COUNT = 1
    assert _ip(xff="198.51.100.7") == "198.51.100.7"
    # The client sent "X-Forwarded-For: 8.8.8.8"; nginx appended the address it saw.
    assert _ip(xff="8.8.8.8, 198.51.100.7") == "198.51.100.7"
    assert _ip(xff="not-an-address, 198.51.100.7") == "198.51.100.7"
    assert _ip(xff=None) == PROXY  # a probe straight to the app server


def test_behind_two_proxies_the_second_hop_from_the_right_is_the_client(settings):
    settings.LOM_PROXY_COUNT = 2
    assert _ip(xff="8.8.8.8, 198.51.100.7, 10.0.0.9") == "198.51.100.7"
    # Fewer hops than proxies: it did not come through both, nothing in it is believed.
    assert _ip(xff="198.51.100.7") == PROXY


def test_the_header_is_believed_only_from_a_trusted_proxy(settings):
    settings.LOM_PROXY_COUNT = 1
    settings.LOM_TRUSTED_PROXIES = ["10.0.0.0/24"]
    assert _ip(xff="198.51.100.7") == "198.51.100.7"
    assert _ip(remote="203.0.113.9", xff="198.51.100.7") == "203.0.113.9"


@pytest.fixture
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


def _attempt(username: str, *, client_address: str, typed: str = "fel", forged: str = ""):
    """A password attempt through one nginx at PROXY from `client_address`."""
    xff = f"{forged}, {client_address}" if forged else client_address
    c = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=xff)
    return c, password_step(c, username, password=typed)


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=10, LOM_PROXY_COUNT=1)
def test_wrong_passwords_for_ten_users_from_one_address_lock_no_one_else_out(world):
    for n in range(10):
        user = UserFactory(username=f"annan{n}")
        _c, r = _attempt(user.username, client_address="198.51.100.7")
        assert r.status_code == 400  # the form again, with its error
    c, r = _attempt(world.employee.username, client_address="198.51.100.7", typed="pw")
    assert r.status_code == 302 and logged_in_user_id(c) == str(world.employee.pk)


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=10, LOM_PROXY_COUNT=1)
def test_ten_wrong_passwords_lock_that_user_at_that_address_only(world):
    name = world.employee.username
    for _ in range(10):
        _attempt(name, client_address="198.51.100.7")
    c, r = _attempt(name, client_address="198.51.100.7", typed="pw")
    assert r.status_code in (403, 429) and logged_in_user_id(c) is None
    # The same user at their own desk, and another user at the attacker's address, sign in.
    c, r = _attempt(name, client_address="192.0.2.44", typed="pw")
    assert r.status_code == 302 and logged_in_user_id(c) == str(world.employee.pk)
    c, r = _attempt(world.colleague.username, client_address="198.51.100.7", typed="pw")
    assert r.status_code == 302 and logged_in_user_id(c) == str(world.colleague.pk)


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=10, LOM_PROXY_COUNT=0)
def test_a_forged_header_without_a_proxy_does_not_buy_new_attempts(world):
    name = world.employee.username
    for n in range(10):
        c = Client(REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
        password_step(c, name, password="fel")
    c = Client(REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR="192.0.2.200")
    r = password_step(c, name)
    assert r.status_code in (403, 429) and logged_in_user_id(c) is None


@override_settings(LOM_PROXY_COUNT=1, LOM_API_RATE_ANON="2/hour")
def test_the_api_anonymous_limit_counts_per_client_behind_the_proxy(db, fresh_cache):
    url = "/api/v1/outreach/public/no-such-organisation"

    def call(client_address: str, forged: str = "") -> int:
        xff = f"{forged}, {client_address}" if forged else client_address
        return Client().get(url, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=xff).status_code

    assert [call("198.51.100.7"), call("198.51.100.7", forged="8.8.8.8")] == [404, 404]
    assert call("198.51.100.7", forged="8.8.4.4") == 429  # a new forged prefix is no new client
    assert call("192.0.2.44") == 404  # another client behind the same proxy


@override_settings(LOM_PROXY_COUNT=1, LOM_PUBLIC_COUNT_LIMIT=1)
def test_the_public_counters_count_per_client_behind_the_proxy(fresh_cache):
    def visit(xff: str) -> bool:
        request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=xff)
        return within_count_limit(request, organisation_id=1, counter="visit")

    assert visit("198.51.100.7") is True
    assert visit("8.8.8.8, 198.51.100.7") is False
    assert visit("192.0.2.44") is True
