"""SAML 2.0 sign-in against a real IdP process (pysaml2's IdP, signatures by xmlsec1)."""

import pytest

from lom.accounts.models import User
from lom.common.auth_session import AUTH_METHOD_KEY
from lom.common.models import AuditEvent
from lom.identity.models import ExternalIdentity, SeenAssertion
from lom.organisations.middleware import SESSION_KEY
from lom.organisations.models import Membership, Role
from tests.identity.saml_fixtures import acs_url, idp_response, make_saml_org, saml_idp

__all__ = ["saml_idp"]

pytestmark = pytest.mark.django_db


@pytest.fixture
def saml_org(saml_idp):
    return make_saml_org(saml_idp)


def test_correct_login_creates_the_user_with_the_mapped_role(client, saml_idp, saml_org):
    org, _, employee = saml_org
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
    assert SeenAssertion.objects.count() == 1
    assert AuditEvent.objects.filter(organisation=org, action="sso.account_create").exists()
