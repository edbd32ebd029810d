"""Re-authentication before the most sensitive acts: signing or adjusting minutes, changing
roles, exporting named people. A stale sign-in is sent to confirm who it is, and comes back."""

import pytest
from django.test import Client

from lom.common.auth_session import AUTH_METHOD_KEY, AUTH_ORG_KEY
from lom.organisations.models import Membership
from tests.identity.account_fixtures import age_session, give_device, sso_config, totp_now

REAUTH = "/sso/account/reauth/"
STALE = 16 * 60  # LOM_REAUTH_MINUTES is 15


def _stale(user) -> Client:
    c = Client()
    c.force_login(user)
    c.get("/")
    age_session(c, at=STALE)
    return c


@pytest.mark.parametrize(
    ("role", "method", "url"),
    [
        ("coordinator", "post", "/decisions/meetings/{pk}/sign/"),
        ("coordinator", "post", "/decisions/meetings/{pk}/adjust/"),
        ("admin", "get", "/organisation/roles/"),
        ("admin", "post", "/organisation/roles/{pk}/revoke/"),
        ("coordinator", "get", "/reports/export/cases.csv"),
        ("coordinator", "get", "/reports/export/decisions.xlsx"),
    ],
)
def test_sensitive_acts_need_a_recent_sign_in(world, role, method, url):
    c = _stale(getattr(world, role))
    target = url.format(pk=999999)
    r = getattr(c, method)(target)
    assert r.status_code == 302
    assert r["Location"].startswith(f"{REAUTH}?next=")
    # Fresh enough: the view itself answers (here: nothing with that id).
    age_session(c, at=60)
    r = getattr(c, method)(target)
    assert not r.get("Location", "").startswith(REAUTH)
    assert r.status_code in (200, 404)


def test_password_reauthentication_lets_the_act_through(world):
    c = _stale(world.admin)
    membership = Membership.objects.get(user=world.employee, organisation=world.org)
    url = f"/organisation/roles/{membership.pk}/revoke/"
    r = c.post(url)
    assert r["Location"] == f"{REAUTH}?next=%2Forganisation%2Froles%2F{membership.pk}%2Frevoke%2F"
    assert Membership.objects.filter(pk=membership.pk).exists()
    r = c.get(r["Location"])
    assert r.status_code == 200 and 'name="password"' in r.content.decode()
    r = c.post(REAUTH, {"password": "fel", "next": url})
    assert r.status_code == 400 and "Lösenordet stämmer inte" in r.content.decode()
    r = c.post(REAUTH, {"password": "pw", "next": url})
    # Back to the act; a POST is not replayed: coming back by GET lands on the roles page.
    assert r["Location"] == url
    assert c.get(url)["Location"] == "/organisation/roles/"
    r = c.post(url)
    assert r["Location"] == "/organisation/roles/"
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_reauthentication_asks_for_the_code_of_a_user_with_a_device(world):
    give_device(world.admin)
    c = _stale(world.admin)
    html = c.get(f"{REAUTH}?next=/organisation/roles/").content.decode()
    assert 'name="code"' in html
    r = c.post(REAUTH, {"password": "pw", "code": "", "next": "/organisation/roles/"})
    assert r.status_code == 400
    r = c.post(REAUTH, {"password": "pw", "code": totp_now(), "next": "/organisation/roles/"})
    assert r["Location"] == "/organisation/roles/"
    assert c.get("/organisation/roles/").status_code == 200


def test_sso_session_reauthenticates_at_its_identity_provider(world):
    sso_config(world.org, protocol="oidc")
    c = _stale(world.admin)
    session = c.session
    session[AUTH_METHOD_KEY] = "oidc"
    session[AUTH_ORG_KEY] = world.org.pk
    session.save()
    html = c.get(f"{REAUTH}?next=/organisation/roles/").content.decode()
    assert 'href="/sso/oidc/alfa/login/?force=1&amp;next=%2Forganisation%2Froles%2F"' in html
    assert 'name="password"' not in html
    # A password does not count for an SSO session.
    c.post(REAUTH, {"password": "pw", "next": "/organisation/roles/"})
    assert c.get("/organisation/roles/")["Location"].startswith(REAUTH)


def test_reauth_page_needs_a_signed_in_user(db):
    r = Client().get(REAUTH)
    assert r["Location"].startswith("/login/")
