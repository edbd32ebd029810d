"""The SSO configuration API: org admins only, the secret write-only, refusals naming the field,
and changes by browser session only after a recent sign-in."""

import json

from django.test import Client

from lom.accounts.models import ApiToken
from lom.common.models import AuditEvent
from lom.identity.models import RoleMapping, SsoConfig
from tests.identity import config_fixtures
from tests.identity.config_fixtures import IDP_ENTITY_ID

sso_admin = config_fixtures.sso_admin
stale_sso_admin = config_fixtures.stale_sso_admin
metadata_xml = config_fixtures.metadata_xml
SSO = "/api/v1/identity/sso"
SECRET = "api-secret-value"
OIDC = {
    "protocol": "oidc",
    "oidc_issuer": "https://login.example.test/v2.0",
    "oidc_client_id": "lom",
    "oidc_client_secret": SECRET,
}


def _bearer(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(user=user)[1]}"}


def _put(client, body, **headers):
    return client.put(SSO, json.dumps(body), content_type="application/json", **headers)


def test_put_get_never_echo_the_secret_and_keep_it_when_empty(world):
    auth = _bearer(world.admin)
    client = Client()
    response = _put(client, OIDC, **auth)
    assert response.status_code == 200, response.content
    assert SECRET not in response.content.decode()
    assert response.json()["has_client_secret"] is True
    got = client.get(SSO, **auth)
    assert SECRET not in got.content.decode() and got.json()["oidc_client_id"] == "lom"
    assert _put(client, OIDC | {"oidc_client_secret": ""}, **auth).status_code == 200
    assert SsoConfig.objects.get(organisation=world.org).oidc_client_secret == SECRET


def test_saml_by_xml_and_bad_xml_names_the_field(world, metadata_xml):
    auth = _bearer(world.admin)
    ok = _put(Client(), {"protocol": "saml", "saml_metadata_xml": metadata_xml}, **auth)
    assert ok.status_code == 200 and ok.json()["saml_idp_entity_id"] == IDP_ENTITY_ID
    bad = _put(Client(), {"protocol": "saml", "saml_metadata_xml": "<x"}, **auth)
    assert bad.status_code == 400 and bad.json()["field"] == "saml_metadata_xml"


def test_non_admins_get_403(world):
    for user in (world.coordinator, world.employee):
        auth = _bearer(user)
        assert Client().get(SSO, **auth).status_code == 403
        assert _put(Client(), OIDC, **auth).status_code == 403
        assert Client().get(f"{SSO}/mappings", **auth).status_code == 403
    assert not SsoConfig.objects.exists()


def test_session_changes_need_a_recent_sign_in(stale_sso_admin, sso_admin, world):
    stale = _put(stale_sso_admin, OIDC)
    assert stale.status_code == 403
    assert stale.json()["code"] == "reauth_required"
    assert not SsoConfig.objects.exists()
    assert _put(sso_admin, OIDC).status_code == 200
    assert stale_sso_admin.get(SSO).status_code == 200  # reading is fine


def test_mappings(world, other_world):
    auth = _bearer(world.admin)
    client = Client()
    _put(client, OIDC, **auth)
    url = f"{SSO}/mappings"
    theirs = client.post(
        url,
        {"group": "LOM-Fack", "role": "union_rep", "union_id": other_world.union.pk},
        content_type="application/json",
        **auth,
    )
    assert theirs.status_code == 400 and theirs.json()["field"] == "union_id"
    unknown_role = client.post(
        url, {"group": "G", "role": "king"}, content_type="application/json", **auth
    )
    assert unknown_role.status_code == 422
    made = client.post(
        url,
        {"group": "LOM-Samordnare", "role": "coordinator"},
        content_type="application/json",
        **auth,
    )
    assert made.status_code == 201
    listed = client.get(url, **auth).json()
    assert [m["group"] for m in listed["items"]] == ["LOM-Samordnare"]
    assert listed["next_cursor"] is None
    assert client.delete(f"{url}/{made.json()['id']}", **auth).status_code == 204
    assert client.delete(f"{url}/{made.json()['id']}", **auth).status_code == 404
    assert not RoleMapping.objects.exists()


def test_delete_and_audit_without_secret(world):
    auth = _bearer(world.admin)
    client = Client()
    _put(client, OIDC, **auth)
    assert client.delete(SSO, **auth).status_code == 204
    assert client.delete(SSO, **auth).status_code == 404
    events = AuditEvent.objects.filter(action__startswith="sso.config")
    assert events.count() == 2
    assert all(SECRET not in json.dumps([e.before, e.after]) for e in events)
