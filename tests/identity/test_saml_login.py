"""SAML 2.0 sign-in against a real IdP process (pysaml2's IdP, signatures by xmlsec1)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from lom.accounts.models import User
from lom.common.auth_session import AUTH_METHOD_KEY
from lom.common.models import AuditEvent
from lom.identity.models import ExternalIdentity, SeenAssertion
from lom.identity.services.provisioning import IdentityClaims
from lom.identity.services.saml import SamlRefusal, VerifiedAssertion, saml_sign_in
from lom.organisations.middleware import SESSION_KEY
from lom.organisations.models import Membership, Role
from tests.identity.saml_fixtures import SLUG, acs_url, idp_response, make_saml_org, saml_idp

__all__ = ["saml_idp"]

pytestmark = pytest.mark.django_db


@pytest.fixture
def saml_org(saml_idp):
    return make_saml_org(saml_idp)


def test_correct_login_creates_the_user_with_the_mapped_role(client, saml_idp, saml_org):
    org, _, employee = saml_org
    SeenAssertion.objects.create(
        protocol="saml", key="long-gone", expires_at=timezone.now() - timedelta(days=1)
    )
    post = idp_response(client, saml_idp, "sso-samordnare", next_url="/")
    resp = client.post(acs_url(), post)
    assert resp.status_code == 302, resp.content.decode()[:2000]
    assert resp["Location"] == "/"
    user = User.objects.get(email="sso-samordnare@tillsynsverket.example")
    assert set(
        Membership.objects.filter(user=user, organisation=org).values_list("role", flat=True)
    ) == {Role.COORDINATOR, Role.EMPLOYEE}
    employee.refresh_from_db()
    assert employee.user == user
    assert client.session[AUTH_METHOD_KEY] == "saml"
    assert client.session[SESSION_KEY] == org.pk
    assert ExternalIdentity.objects.get(user=user).subject == "sso-samordnare"
    assert SeenAssertion.objects.count() == 1  # this one; the long expired one is gone
    assert AuditEvent.objects.filter(organisation=org, action="sso.account_create").exists()


def test_replay_guard_holds_inside_the_sign_in_transaction(saml_org):
    """Two servers that both passed the early check: the second insert of the assertion id
    is refused, and its sign-in changes nothing."""
    org = saml_org[0]
    verified = VerifiedAssertion(
        claims=IdentityClaims(
            protocol="saml",
            issuer="http://idp.example/metadata",
            subject="sso-samordnare",
            email="sso-samordnare@tillsynsverket.example",
            employee_number="TV-9001",
            groups=("LOM-Samordnare",),
        ),
        assertion_id="id-4711",
        expires_at=timezone.now() + timedelta(minutes=5),
        in_response_to="id-1",
        name_id=None,
    )
    user = saml_sign_in(organisation=org, verified=verified)
    memberships = set(Membership.objects.values_list("pk", flat=True))
    with pytest.raises(SamlRefusal) as refused:
        saml_sign_in(organisation=org, verified=verified)
    assert refused.value.code == "replay"
    assert set(Membership.objects.values_list("pk", flat=True)) == memberships
    assert User.objects.filter(email=user.email).count() == 1
    assert SeenAssertion.objects.filter(key="id-4711").count() == 1


def test_no_sp_key_pair_is_a_clear_error(client, saml_org, settings):
    settings.LOM_SAML_KEY_FILE = ""
    resp = client.get(reverse("identity:saml_login", args=[SLUG]))
    assert resp.status_code == 503
    assert "LOM_SAML_KEY_FILE" in resp.content.decode()
    event = AuditEvent.objects.get(organisation=saml_org[0], action="sso.refused")
    assert event.after["reason"] == "sp_keys_missing"


def test_metadata_without_an_idp_is_a_clear_refusal(client, saml_org):
    org, config, _ = saml_org
    sp_metadata = client.get(reverse("identity:saml_metadata", args=[SLUG])).content.decode()
    config.saml_metadata_xml = sp_metadata  # an SP's metadata: no IdP in it
    config.save()
    resp = client.get(reverse("identity:saml_login", args=[SLUG]))
    assert resp.status_code == 400
    assert "beskriver ingen identitetsleverantör" in resp.content.decode()
    assert AuditEvent.objects.get(organisation=org, action="sso.refused").after == {
        "protocol": "saml",
        "reason": "unknown_idp",
    }


def test_unreadable_metadata_is_a_clear_error(client, saml_org):
    org, config, _ = saml_org
    config.saml_metadata_xml = "<inte xml"
    config.save()
    resp = client.get(reverse("identity:saml_login", args=[SLUG]))
    assert resp.status_code == 503
    assert "metadata kunde inte läsas" in resp.content.decode()
    assert AuditEvent.objects.get(organisation=org, action="sso.refused").after["reason"] == (
        "bad_metadata"
    )
