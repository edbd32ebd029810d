"""OpenID Connect sign-in against the real test provider (devidp.oidc in its own process):
the code is exchanged, the ID token's signature, issuer, audience, expiry and nonce checked
over real HTTP; nothing of the protocol is mocked."""

from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import pytest
from django.test import Client

from lom.accounts.models import User
from lom.common.auth_session import (
    AUTH_AT_KEY,
    AUTH_METHOD_KEY,
    AUTH_ORG_KEY,
    SESSION_STARTED_KEY,
)
from lom.common.models import AuditEvent
from lom.identity.models import ExternalIdentity, ManagedAccount, SeenAssertion
from lom.organisations.middleware import SESSION_KEY
from lom.organisations.models import Employee, Membership, Role
from tests.identity import oidc_fixtures
from tests.identity.oidc_fixtures import SLUG, authorize_at_provider, configure_oidc, start_login

oidc_provider = oidc_fixtures.oidc_provider  # the provider process, once per test session

pytestmark = pytest.mark.django_db


def _with_param(url: str, **params) -> str:
    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()} | params
    return urlunsplit(parts._replace(query=urlencode(query)))


def _refusals(world) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(organisation=world.org, action="sso.refused"))


def _assert_refused(resp, world, reason: str, *, users_before: int, text: str) -> None:
    assert resp.status_code in (400, 403), resp.status_code
    body = resp.content.decode()
    assert "Inloggningen nekades" in body
    assert text in body
    assert [e.after["reason"] for e in _refusals(world)] == [reason]
    assert User.objects.count() == users_before
    assert not ExternalIdentity.objects.exists()
    assert not Membership.objects.filter(source="idp").exists()
    assert not SeenAssertion.objects.exists()
    assert "_auth_user_id" not in resp.wsgi_request.session


def test_login_creates_the_user_with_the_mapped_role_linked_by_employee_number(
    client,
    world,
    oidc_provider,
):
    configure_oidc(world, oidc_provider)
    authorize = start_login(client, query="?next=/cases/")
    query = parse_qs(urlsplit(authorize).query)
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"]
    assert query["nonce"] and query["state"]
    assert "prompt" not in query

    resp = client.get(authorize_at_provider(authorize, "sso-samordnare"))

    assert resp.status_code == 302 and resp["Location"] == "/cases/"
    user = User.objects.get(email="sso-samordnare@tillsynsverket.example")
    assert (user.first_name, user.last_name) == ("Siri", "Samordnare")
    assert not user.has_usable_password()
    roles = set(
        Membership.objects.filter(organisation=world.org, user=user).values_list("role", "source")
    )
    assert roles == {(Role.COORDINATOR, "idp"), (Role.EMPLOYEE, "idp")}
    assert Employee.objects.get(employee_number="TV-9001").user == user
    assert ManagedAccount.objects.get(user=user).organisation == world.org
    link = ExternalIdentity.objects.get(user=user)
    assert (link.protocol, link.organisation) == ("oidc", world.org)
    assert AuditEvent.objects.filter(action="sso.account_create", target_id=user.pk).exists()
    assert SeenAssertion.objects.filter(protocol="oidc").count() == 2  # nonce and jti
    session = client.session
    assert session[AUTH_METHOD_KEY] == "oidc"
    assert session[AUTH_ORG_KEY] == world.org.pk
    assert session[SESSION_KEY] == world.org.pk
    # The next request is the coordinator's.
    assert client.get("/").wsgi_request.user == user

    # A second sign-in (a new token) finds the same account.
    resp = client.get(authorize_at_provider(start_login(client), "sso-samordnare"))
    assert resp.status_code == 302
    assert User.objects.filter(email=user.email).count() == 1
    assert AuditEvent.objects.filter(action="sso.login", target_id=user.pk).exists()


def test_a_forged_nonce_is_refused(client, world, oidc_provider):
    configure_oidc(world, oidc_provider)
    users = User.objects.count()
    authorize = _with_param(start_login(client), nonce="forged-nonce")
    resp = client.get(authorize_at_provider(authorize, "sso-samordnare"))
    _assert_refused(resp, world, "nonce", users_before=users, text="nonce stämmer inte")


@pytest.mark.parametrize(
    ("client_id", "reason", "text"),
    [
        ("lom-wrong-issuer", "issuer", "fel utfärdare"),
        ("lom-expired", "expired", "har gått ut"),
        ("lom-wrong-audience", "audience", "fel mottagare"),
        ("lom-tampered", "signature", "signatur kunde inte verifieras"),
    ],
    ids=["wrong-issuer", "expired", "wrong-audience", "tampered"],
)
def test_a_signed_token_with_a_wrong_claim_is_refused(
    client, world, oidc_provider, client_id, reason, text
):
    # The provider signs these tokens with its real key; one claim is wrong (or was changed
    # after signing).
    configure_oidc(world, oidc_provider, client_id=client_id)
    users = User.objects.count()
    resp = client.get(authorize_at_provider(start_login(client), "sso-samordnare"))
    _assert_refused(resp, world, reason, users_before=users, text=text)


def test_a_code_exchanged_with_the_wrong_client_is_refused(
    client,
    world,
    oidc_provider,
):
    config = configure_oidc(world, oidc_provider)
    users = User.objects.count()
    authorize = start_login(client)
    config.oidc_client_secret = "not-the-secret"
    config.save(update_fields=["oidc_client_secret"])
    resp = client.get(authorize_at_provider(authorize, "sso-samordnare"))
    _assert_refused(resp, world, "token", users_before=users, text="invalid_client")


def test_a_forged_state_is_refused(client, world, oidc_provider):
    configure_oidc(world, oidc_provider)
    users = User.objects.count()
    callback = authorize_at_provider(start_login(client), "sso-samordnare")
    resp = client.get(_with_param(callback, state="forged-state"))
    _assert_refused(resp, world, "state", users_before=users, text="state saknas")


def test_a_callback_from_another_browser_is_refused(
    client,
    world,
    oidc_provider,
):
    configure_oidc(world, oidc_provider)
    users = User.objects.count()
    callback = authorize_at_provider(start_login(client), "sso-samordnare")
    resp = Client().get(callback)
    _assert_refused(resp, world, "state", users_before=users, text="state saknas")


def test_a_replayed_callback_is_refused_and_changes_nothing(
    client,
    world,
    oidc_provider,
):
    configure_oidc(world, oidc_provider)
    authorize = start_login(client)
    saved = {k: v for k, v in client.session.items() if "state" in k or "oidc" in k}
    callback = authorize_at_provider(authorize, "sso-samordnare")
    assert client.get(callback).status_code == 302
    user = User.objects.get(email="sso-samordnare@tillsynsverket.example")
    events = AuditEvent.objects.count()

    # The same answer again: its state was used up.
    resp = client.get(callback)
    assert resp.status_code == 400
    assert "state saknas" in resp.content.decode()
    # Even with the browser's state put back, the provider refuses the used code.
    session = client.session
    session.update(saved)
    session.save()
    resp = client.get(callback)
    assert resp.status_code == 400
    assert sorted(e.after["reason"] for e in _refusals(world)) == ["state", "token"]
    assert AuditEvent.objects.count() == events + 2
    assert User.objects.filter(email=user.email).count() == 1


def test_a_person_whose_groups_give_no_role_is_told_whom_to_contact(
    client,
    world,
    oidc_provider,
):
    configure_oidc(world, oidc_provider)
    User.objects.filter(pk=world.admin.pk).update(email="lom-admin@alfa.example")
    users = User.objects.count()
    resp = client.get(authorize_at_provider(start_login(client), "sso-utan-roll"))
    assert resp.status_code == 403
    _assert_refused(resp, world, "no_role", users_before=users, text="administratör")
    page = resp.content.decode()  # the organisation's LOM administrators, by name and e-mail
    assert world.admin.get_full_name() in page
    assert 'href="mailto:lom-admin@alfa.example"' in page
    assert world.coordinator.get_full_name() not in page


def test_the_providers_error_is_shown_and_audited(client, world, oidc_provider):
    configure_oidc(world, oidc_provider)
    state = parse_qs(urlsplit(start_login(client)).query)["state"][0]
    resp = client.get(
        f"/sso/oidc/{SLUG}/callback/?error=access_denied&error_description=Nej&state={state}"
    )
    assert resp.status_code == 400
    assert "access_denied" in resp.content.decode()
    assert [e.after["reason"] for e in _refusals(world)] == ["provider_error"]


def test_reauthentication_asks_the_provider_to_sign_in_again(
    client,
    world,
    oidc_provider,
):
    configure_oidc(world, oidc_provider)
    query = parse_qs(urlsplit(start_login(client, query="?force=1")).query)
    assert query["prompt"] == ["login"] and query["max_age"] == ["0"]


def test_next_must_stay_on_this_site(client, world, oidc_provider):
    configure_oidc(world, oidc_provider)
    authorize = start_login(client, query="?next=https://evil.example/")
    resp = client.get(authorize_at_provider(authorize, "sso-samordnare"))
    assert resp.status_code == 302 and resp["Location"] == "/"


def test_an_organisation_without_oidc_answers_a_clear_page(client, world):
    resp = client.get(f"/sso/oidc/{SLUG}/login/")
    assert resp.status_code == 404
    assert "loggar inte in via OpenID Connect" in resp.content.decode()
    assert [e.after["reason"] for e in _refusals(world)] == ["no_config"]
    assert client.get("/sso/oidc/no-such-org/login/").status_code == 404


def _signed_in(client, world, oidc_provider) -> User:
    configure_oidc(world, oidc_provider)
    assert client.get(authorize_at_provider(start_login(client), "sso-samordnare")).status_code
    return User.objects.get(email="sso-samordnare@tillsynsverket.example")


def test_reauthentication_confirms_the_signed_in_user_and_keeps_the_session_start(
    client, world, oidc_provider
):
    user = _signed_in(client, world, oidc_provider)
    session = client.session
    session[AUTH_AT_KEY] = session[SESSION_STARTED_KEY] = session[AUTH_AT_KEY] - 3600
    session.save()
    started = session[SESSION_STARTED_KEY]

    authorize = start_login(client, query="?force=1&next=/cases/")
    resp = client.get(authorize_at_provider(authorize, "sso-samordnare"))

    assert resp.status_code == 302 and resp["Location"] == "/cases/"
    session = client.session
    assert session["_auth_user_id"] == str(user.pk)
    assert session[SESSION_STARTED_KEY] == started
    assert session[AUTH_AT_KEY] > started + 3000


def test_a_switched_off_account_is_refused(client, world, oidc_provider):
    user = _signed_in(client, world, oidc_provider)
    User.objects.filter(pk=user.pk).update(is_active=False)
    roles = set(Membership.objects.filter(user=user).values_list("role", flat=True))
    resp = client.get(authorize_at_provider(start_login(client), "sso-samordnare"))
    assert resp.status_code == 403
    assert "avstängt" in resp.content.decode()
    assert set(Membership.objects.filter(user=user).values_list("role", flat=True)) == roles
    assert "inactive" in [e.after["reason"] for e in _refusals(world)]
