"""The SAML journey in a real browser (Debian's chromium through Playwright): LOM's login
page → "Logga in med Statens tillsynsverk" → the test IdP's own login form → back in LOM as a
coordinator with the role the IdP group maps to. The IdP learns the SP from its metadata URL
(the AuthnRequest's issuer), fetched from the live server."""

import re

import pytest

from lom.accounts.models import User
from lom.organisations.models import Membership, Role
from tests.identity.saml_fixtures import make_saml_org, saml_idp

__all__ = ["saml_idp"]

pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True)
def test_sign_in_through_the_test_idp(live_server, browser, saml_idp):
    org, _, employee = make_saml_org(saml_idp)
    base = live_server.url
    page = browser.new_context(locale="sv-SE").new_page()

    page.goto(f"{base}/login/")
    page.get_by_role("link", name="Logga in med Statens tillsynsverk").click()

    page.wait_for_url(re.compile(re.escape(saml_idp) + r"/sso/redirect\?"))
    page.get_by_label("Användarnamn hos IdP").fill("sso-samordnare")
    page.get_by_label("Lösenord hos IdP").fill("idp")
    page.get_by_role("button", name="Logga in hos IdP").click()

    page.wait_for_url(f"{base}/")
    logout = page.get_by_role("button", name=re.compile("Logga ut"))
    assert "sso-samordnare@tillsynsverket.example" in logout.inner_text()
    page.get_by_text("Pengar och beslut").click()  # the coordinator's menu group
    assert page.get_by_role("link", name="Sammanträden").is_visible()
    user = User.objects.get(email="sso-samordnare@tillsynsverket.example")
    assert Membership.objects.filter(user=user, organisation=org, role=Role.COORDINATOR).exists()
    employee.refresh_from_db()
    assert employee.user_id == user.pk
