"""Bad SAML responses from a real IdP process: each is refused with a clear page naming what
was wrong, an audit event, and no user created or changed."""

import base64

import pytest
import requests
from django.test import Client

from lom.accounts.models import User
from lom.common.models import AuditEvent
from lom.identity.models import ExternalIdentity, SeenAssertion
from lom.organisations.models import Membership
from tests.identity.saml_fixtures import acs_url, idp_response, make_saml_org, saml_idp

__all__ = ["saml_idp"]

pytestmark = pytest.mark.django_db


@pytest.fixture
def saml_org(saml_idp):
    return make_saml_org(saml_idp)


def snapshot():
    return (
        sorted(User.objects.values_list("pk", "username", "email", "first_name", "is_active")),
        sorted(Membership.objects.values_list("pk", "user_id", "role")),
        ExternalIdentity.objects.count(),
    )


def assert_refused(resp, org, reason, before, text, status=400):
    body = resp.content.decode()
    assert resp.status_code == status, body[:2000]
    assert "Inloggningen nekades" in body
    assert text in body
    assert reason in body  # the error code to give the administrator
    event = AuditEvent.objects.filter(organisation=org, action="sso.refused").latest("pk")
    assert event.after == {"protocol": "saml", "reason": reason}
    assert snapshot() == before


def test_tampered_signature_is_refused(client, saml_idp, saml_org):
    org = saml_org[0]
    before = snapshot()
    post = idp_response(client, saml_idp, "sso-samordnare")
    xml = base64.b64decode(post["SAMLResponse"]).decode()
    assert "LOM-Samordnare" in xml
    post["SAMLResponse"] = base64.b64encode(
        xml.replace("LOM-Samordnare", "LOM-Admin").encode()
    ).decode()
    resp = client.post(acs_url(), post)
    assert_refused(resp, org, "signature", before, "signatur kunde inte verifieras")
    assert not SeenAssertion.objects.exists()


def test_wrong_audience_is_refused(client, saml_idp, saml_org):
    before = snapshot()
    post = idp_response(
        client, saml_idp, "sso-samordnare", knobs={"audience": "https://annan.example/sp"}
    )
    resp = client.post(acs_url(), post)
    assert_refused(resp, saml_org[0], "audience", before, "avsett för en annan tjänst")


def test_expired_assertion_is_refused(client, saml_idp, saml_org):
    before = snapshot()
    post = idp_response(client, saml_idp, "sso-samordnare", knobs={"expired": True})
    resp = client.post(acs_url(), post)
    assert_refused(resp, saml_org[0], "expired", before, "har gått ut")


def test_replayed_response_is_refused_in_another_session(client, saml_idp, saml_org):
    post = idp_response(client, saml_idp, "sso-samordnare")
    assert client.post(acs_url(), post).status_code == 302
    before = snapshot()
    attacker = Client()
    resp = attacker.post(acs_url(), post)
    assert_refused(resp, saml_org[0], "replay", before, "redan använts")
    assert "_auth_user_id" not in attacker.session


def test_response_without_a_request_here_is_refused(client, saml_idp, saml_org):
    """Another browser's response (InResponseTo unknown to this session) is refused, even
    before it was used."""
    post = idp_response(client, saml_idp, "sso-samordnare")
    before = snapshot()
    resp = Client().post(acs_url(), post)
    assert_refused(resp, saml_org[0], "unsolicited", before, "obeställt")


def test_unknown_idp_is_refused(client, saml_idp, saml_org):
    org, config, _ = saml_org
    # LOM trusts another IdP (the same endpoints, another entity id and key): the test IdP's
    # response comes from an issuer LOM does not know.
    config.saml_metadata_xml = config.saml_metadata_xml.replace(
        f"{saml_idp}/metadata", "https://idp.annan.example/metadata"
    )
    config.saml_idp_entity_id = "https://idp.annan.example/metadata"
    config.save()
    before = snapshot()
    post = idp_response(client, saml_idp, "sso-samordnare")
    resp = client.post(acs_url(), post)
    assert_refused(resp, org, "unknown_idp", before, "okänd identitetsleverantör")


def test_garbage_is_refused(client, saml_idp, saml_org):
    before = snapshot()
    resp = client.post(acs_url(), {"SAMLResponse": "inte saml"})
    assert_refused(resp, saml_org[0], "invalid", before, "kunde inte läsas")


def test_no_role_page_and_no_account(client, saml_idp, saml_org):
    before = snapshot()
    post = idp_response(client, saml_idp, "sso-utan-roll")
    resp = client.post(acs_url(), post)
    assert_refused(resp, saml_org[0], "no_role", before, "ingen av dina grupper", status=403)
    assert "administrerar LOM hos Statens tillsynsverk" in resp.content.decode()
    assert not User.objects.filter(email="sso-utan-roll@tillsynsverket.example").exists()
    assert not SeenAssertion.objects.exists()  # rolled back with the sign-in


def test_refusal_page_in_english(client, saml_idp, saml_org):
    from django.conf import settings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    resp = client.post(acs_url(), {"SAMLResponse": "x"})
    assert resp.status_code == 400
    assert 'lang="en"' in resp.content.decode()


def test_unknown_organisation_is_404(client):
    assert client.post(acs_url("finns-inte"), {"SAMLResponse": "x"}).status_code == 404
    assert requests  # the IdP is not needed for this one
