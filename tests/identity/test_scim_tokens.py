"""The organisation administrator's SCIM tokens: the raw token is shown once and only its hash
is kept; a revoked token is refused; other roles and other organisations see nothing."""

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from lom.common.models import AuditEvent
from lom.identity.models import ScimToken, hash_secret


def _issue(client, name="Entra ID"):
    response = client.post("/sso/scim-tokens/", {"name": name})
    assert response.status_code == 200
    match = re.search(r'<code id="scim-token">(scim_[\w-]+)</code>', response.content.decode())
    assert match, response.content.decode()
    return match.group(1)


def _scim_get(raw):
    return Client().get("/scim/v2/Users", HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_raw_token_shown_once_and_only_its_hash_stored(client, world):
    client.force_login(world.admin)
    raw = _issue(client)
    token = ScimToken.objects.get(organisation=world.org)
    assert token.key_hash == hash_secret(raw) and raw not in token.key_hash
    assert token.prefix == raw[5:13]
    page = client.get("/sso/scim-tokens/").content.decode()
    assert raw not in page
    assert token.prefix in page and "Entra ID" in page
    assert _scim_get(raw).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None
    assert AuditEvent.objects.filter(organisation=world.org, action="scim.token_issue").exists()


def test_revoke_stops_the_token(client, world):
    client.force_login(world.admin)
    raw = _issue(client)
    token = ScimToken.objects.get(organisation=world.org)
    response = client.post(f"/sso/scim-tokens/{token.pk}/revoke/")
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert _scim_get(raw).status_code == 401
    assert "Återkallad" in client.get("/sso/scim-tokens/").content.decode()


def test_only_the_organisations_admin(client, world, other_world):
    client.force_login(other_world.admin)
    _issue(client)
    theirs = ScimToken.objects.get(organisation=other_world.org)
    client.force_login(world.admin)
    assert client.post(f"/sso/scim-tokens/{theirs.pk}/revoke/").status_code == 302
    theirs.refresh_from_db()
    assert theirs.revoked_at is None
    assert theirs.prefix not in client.get("/sso/scim-tokens/").content.decode()
    client.force_login(world.coordinator)
    assert client.get("/sso/scim-tokens/").status_code == 403
    assert client.post("/sso/scim-tokens/", {"name": "x"}).status_code == 403


def test_bad_name_is_refused_on_the_form(client, world):
    client.force_login(world.admin)
    response = client.post("/sso/scim-tokens/", {"name": "x" * 101})
    assert response.status_code == 400
    assert not ScimToken.objects.exists()


def test_management_command_prints_a_working_token(world):
    out = StringIO()
    call_command("create_scim_token", "--organisation", world.org.slug, stdout=out)
    raw = out.getvalue().strip()
    assert raw.startswith("scim_")
    assert _scim_get(raw).status_code == 200
    with pytest.raises(CommandError):
        call_command("create_scim_token", "--organisation", "no-such-org")


@pytest.mark.django_db
def test_issuing_and_revoking_need_a_recent_sign_in(world):
    from tests.identity.config_fixtures import signed_in

    stale = signed_in(world.admin, auth_age_seconds=3600)
    page = stale.get("/sso/scim-tokens/")
    assert page.status_code == 200
    assert f"/scim/v2/{world.org.slug}/" in page.content.decode()
    issue = stale.post("/sso/scim-tokens/", {"name": "Entra ID"})
    assert issue.status_code == 302 and issue["Location"].startswith("/sso/account/reauth/")
    assert not ScimToken.objects.filter(organisation=world.org).exists()

    token = ScimToken.objects.create(
        organisation=world.org, key_hash=hash_secret("x"), prefix="x", name="old"
    )
    revoke = stale.post(f"/sso/scim-tokens/{token.pk}/revoke/")
    assert revoke.status_code == 302 and revoke["Location"].startswith("/sso/account/reauth/")
    token.refresh_from_db()
    assert token.revoked_at is None
    # Back from re-authentication the browser arrives by GET: the list, to press again.
    fresh = signed_in(world.admin)
    assert fresh.get(f"/sso/scim-tokens/{token.pk}/revoke/")["Location"] == "/sso/scim-tokens/"
    assert fresh.post(f"/sso/scim-tokens/{token.pk}/revoke/").status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
