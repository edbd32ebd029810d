"""The SAML SP beyond the first login: Sweden Connect (the personal identity number is never
stored), the SP metadata, single logout (SP- and IdP-initiated) and re-authentication, all
against the real test IdP."""

import base64
import logging
import xml.etree.ElementTree as ET
import zlib
from datetime import date
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.contrib.sessions.models import Session
from django.db import connection
from django.urls import reverse

from lom.accounts.models import User
from lom.common.auth_session import AUTH_AT_KEY, SESSION_STARTED_KEY
from lom.identity.models import ExternalIdentity
from lom.identity.services.provisioning import identity_hash
from lom.organisations.models import Employee, Membership, Role
from tests.identity.saml_fixtures import SLUG, acs_url, idp_response, make_saml_org, saml_idp

__all__ = ["saml_idp"]

pytestmark = pytest.mark.django_db
PERSONAL_NUMBER = "197901012381"
MD = "{urn:oasis:names:tc:SAML:2.0:metadata}"


def saml_request_xml(url: str) -> str:
    raw = parse_qs(urlsplit(url).query)["SAMLRequest"][0]
    return zlib.decompress(base64.b64decode(raw), -15).decode()


def sign_in(client, idp, username):
    resp = client.post(acs_url(), idp_response(client, idp, username))
    assert resp.status_code == 302, resp.content.decode()[:2000]
    return resp


def test_sweden_connect_links_by_identity_hash_and_stores_no_number(client, saml_idp, caplog):
    caplog.set_level(logging.DEBUG)
    org, _, siri = make_saml_org(saml_idp, sweden_connect=True)
    eva = Employee.objects.create(
        organisation=org,
        unit=siri.unit,
        first_name="Eva",
        last_name="Eid",
        employment_start=date(2019, 1, 1),
        birth_year=1979,
        gender="F",
        identity_hash=identity_hash(PERSONAL_NUMBER),
    )
    sign_in(client, saml_idp, "sso-eid")
    eva.refresh_from_db()
    assert eva.user is not None
    assert (eva.user.first_name, eva.user.last_name) == ("Eva", "Eid")
    assert ExternalIdentity.objects.get(user=eva.user).identity_hash == eva.identity_hash
    assert list(Membership.objects.filter(user=eva.user).values_list("role", flat=True)) == [
        Role.EMPLOYEE
    ]
    # Nowhere in the database (every column of every table, the sessions decoded) nor the log.
    digits = PERSONAL_NUMBER[2:]
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 (table names of our db)
            for row in cursor.fetchall():
                assert digits not in repr(row), table
    for session in Session.objects.all():
        assert digits not in repr(session.get_decoded())
    assert digits not in caplog.text


def test_sp_metadata_is_stable_xml_with_the_acs(client, saml_idp):
    make_saml_org(saml_idp)
    url = reverse("identity:saml_metadata", args=[SLUG])
    first, second = client.get(url), client.get(url)
    assert first.status_code == 200
    assert first["Content-Type"].startswith("text/xml")
    root = ET.fromstring(first.content)  # noqa: S314 (our own response)
    assert root.get("entityID") == f"http://testserver{url}"
    sp = root.find(f"{MD}SPSSODescriptor")
    assert sp.get("AuthnRequestsSigned") == "true"
    assert sp.get("WantAssertionsSigned") == "true"
    acs = sp.find(f"{MD}AssertionConsumerService")
    assert acs.get("Location") == f"http://testserver{acs_url()}"
    assert acs.get("Binding").endswith("HTTP-POST")
    assert sp.find(f"{MD}SingleLogoutService") is not None
    assert sp.find(f"{MD}KeyDescriptor") is not None
    assert second.content == first.content


def test_sp_initiated_single_logout(client, saml_idp):
    make_saml_org(saml_idp)
    sign_in(client, saml_idp, "sso-samordnare")
    assert "_auth_user_id" in client.session
    out = client.get(reverse("identity:saml_logout", args=[SLUG]))
    assert out.status_code == 302
    assert out["Location"].startswith(f"{saml_idp}/slo/redirect?SAMLRequest=")
    assert "_auth_user_id" not in client.session
    back = requests.get(out["Location"], allow_redirects=False, timeout=5)
    assert back.status_code == 302
    assert urlsplit(back.headers["Location"]).path == reverse("identity:saml_ls", args=[SLUG])
    assert "SAMLResponse" in parse_qs(urlsplit(back.headers["Location"]).query)
    done = client.get(back.headers["Location"])
    assert done.status_code == 302
    assert done["Location"] == reverse("login")


def test_the_sites_sign_out_ends_a_saml_session_at_the_idp_too(client, saml_idp):
    make_saml_org(saml_idp)
    sign_in(client, saml_idp, "sso-samordnare")
    out = client.post(reverse("logout"))
    assert out.status_code == 302
    assert out["Location"] == reverse("identity:saml_logout", args=[SLUG])
    onward = client.get(out["Location"])
    assert onward["Location"].startswith(f"{saml_idp}/slo/redirect?SAMLRequest=")
    assert "_auth_user_id" not in client.session


def test_idp_initiated_single_logout(client, saml_idp):
    make_saml_org(saml_idp)
    sign_in(client, saml_idp, "sso-samordnare")
    sp = f"http://testserver{reverse('identity:saml_metadata', args=[SLUG])}"
    start = requests.get(
        f"{saml_idp}/_test/idp-logout",
        params={"sp": sp, "name_id": "sso-samordnare"},
        allow_redirects=False,
        timeout=5,
    )
    assert start.status_code == 302
    resp = client.get(start.headers["Location"])
    assert "_auth_user_id" not in client.session
    assert resp.status_code == 302
    assert resp["Location"].startswith(f"{saml_idp}/slo/")
    assert "SAMLResponse" in parse_qs(urlsplit(resp["Location"]).query)


def test_force_reauthentication_sends_force_authn(client, saml_idp):
    make_saml_org(saml_idp)
    sign_in(client, saml_idp, "sso-samordnare")
    login = reverse("identity:saml_login", args=[SLUG])
    assert client.get(login, {"next": "/"})["Location"] == "/"  # signed in: nothing to do
    again = client.get(login, {"next": "/", "force": "1"})
    assert again.status_code == 302 and again["Location"].startswith(saml_idp)
    assert "ForceAuthn" in saml_request_xml(again["Location"])
    session = client.session
    session[SESSION_STARTED_KEY] -= 600
    session[AUTH_AT_KEY] -= 600
    session.save()
    started = session[SESSION_STARTED_KEY]
    resp = client.post(acs_url(), idp_response(client, saml_idp, "sso-samordnare", force=True))
    assert resp.status_code == 302
    assert client.session[SESSION_STARTED_KEY] == started  # the absolute limit stays
    assert client.session[AUTH_AT_KEY] > started + 500  # but the user just re-authenticated


def test_second_login_updates_roles_from_groups(client, saml_idp):
    _, config, _ = make_saml_org(saml_idp)
    sign_in(client, saml_idp, "sso-samordnare")
    user = User.objects.get(email="sso-samordnare@tillsynsverket.example")
    config.role_mappings.update(role=Role.DECISION_MAKER)
    client.logout()
    sign_in(client, saml_idp, "sso-samordnare")
    assert set(Membership.objects.filter(user=user).values_list("role", flat=True)) == {
        Role.DECISION_MAKER,
        Role.EMPLOYEE,
    }
    assert User.objects.filter(email=user.email).count() == 1
