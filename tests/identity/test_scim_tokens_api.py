"""The SCIM tokens by API: org admins only, the secret in the answer to the POST only, a revoked
token refused by the SCIM endpoint, revoking twice a conflict, another organisation's token not
found."""

import json

from django.test import Client

from lom.accounts.models import ApiToken
from lom.identity.models import ScimToken
from lom.identity.services.scim_tokens import scim_token_issue

URL = "/api/v1/identity/scim-tokens"


def _bearer(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(user=user)[1]}"}


def _post(body, **auth):
    return Client().post(URL, json.dumps(body), content_type="application/json", **auth)


def test_issue_list_and_revoke(world):
    auth = _bearer(world.admin)
    issued = _post({"name": "Entra ID"}, **auth)
    assert issued.status_code == 201, issued.content
    body = issued.json()
    raw = body["token"]
    assert raw.startswith("scim_") and body["prefix"] == raw[5:13]
    listed = Client().get(URL, **auth).json()
    assert [t["name"] for t in listed["items"]] == ["Entra ID"]
    assert raw not in json.dumps(listed)
    scim = (
        Client()
        .get(f"/scim/v2/{world.org.slug}/Users", HTTP_AUTHORIZATION=f"Bearer {raw}")
        .status_code
    )
    assert Client().delete(f"{URL}/{body['id']}", **auth).status_code == 204
    assert ScimToken.objects.get(pk=body["id"]).revoked_at is not None
    again = Client().delete(f"{URL}/{body['id']}", **auth)
    assert again.status_code == 409 and again.json()["code"] == "revoked"
    after = (
        Client()
        .get(f"/scim/v2/{world.org.slug}/Users", HTTP_AUTHORIZATION=f"Bearer {raw}")
        .status_code
    )
    assert scim == 200 and after == 401


def test_name_is_required_and_bounded(world):
    auth = _bearer(world.admin)
    for name in ("", "x" * 101):
        refused = _post({"name": name}, **auth)
        assert refused.status_code == 422 and refused.json()["field"] == "name"
    blank = _post({"name": "   "}, **auth)
    assert blank.status_code == 400 and blank.json()["field"] == "name"
    assert not ScimToken.objects.exists()


def test_only_the_admin_and_only_their_organisation(world, other_world):
    theirs, _raw = scim_token_issue(actor=None, organisation=other_world.org, name="B")
    auth = _bearer(world.admin)
    assert Client().delete(f"{URL}/{theirs.pk}", **auth).status_code == 404
    assert Client().get(URL, **auth).json()["items"] == []
    for user in (world.coordinator, world.employee):
        other = _bearer(user)
        assert Client().get(URL, **other).status_code == 403
        assert _post({"name": "X"}, **other).status_code == 403
    assert ScimToken.objects.get(pk=theirs.pk).revoked_at is None
