"""An ID token is accepted once: its nonce and jti are kept (SeenAssertion) in the same
transaction as the sign-in, so a second use is refused and a refused sign-in keeps nothing.
And a provider that cannot be reached is named on the page and in the audit trail."""

from datetime import timedelta

import pytest
from django.utils import timezone

from lom.accounts.models import User
from lom.common.models import AuditEvent
from lom.identity.models import Protocol, RoleMapping, SeenAssertion, SsoConfig
from lom.identity.services.oidc import OidcRefusal, VerifiedLogin, oidc_sign_in
from lom.identity.services.provisioning import IdentityClaims, NoRoleError
from lom.organisations.models import Membership, Role

pytestmark = pytest.mark.django_db


def _login(*, jti: str, nonce: str, groups=("LOM-Samordnare",)) -> VerifiedLogin:
    return VerifiedLogin(
        claims=IdentityClaims(
            protocol=Protocol.OIDC,
            issuer="https://idp.example/",
            subject="subject-1",
            email="replay@example.org",
            groups=tuple(groups),
        ),
        replay_keys=(f"nonce:{nonce}", f"jti:{jti}"),
        expires_at=timezone.now() + timedelta(minutes=5),
        next_url="/",
        reauthentication=False,
    )


@pytest.fixture
def config(world):
    config = SsoConfig.objects.create(
        organisation=world.org, protocol=Protocol.OIDC, oidc_issuer="https://idp.example/"
    )
    RoleMapping.objects.create(config=config, group="LOM-Samordnare", role=Role.COORDINATOR)
    return config


def test_the_same_token_is_accepted_once(world, config):
    user = oidc_sign_in(organisation=world.org, login=_login(jti="j1", nonce="n1"))
    assert Membership.objects.filter(user=user, role=Role.COORDINATOR).exists()

    with pytest.raises(OidcRefusal) as refused:
        oidc_sign_in(organisation=world.org, login=_login(jti="j1", nonce="n2"))
    assert refused.value.code == "replay"
    with pytest.raises(OidcRefusal):
        oidc_sign_in(organisation=world.org, login=_login(jti="j2", nonce="n1"))
    assert SeenAssertion.objects.filter(protocol="oidc").count() == 2

    # A new token (new nonce and jti) signs the same person in again.
    assert oidc_sign_in(organisation=world.org, login=_login(jti="j3", nonce="n3")) == user


def test_a_refused_sign_in_keeps_neither_the_token_nor_an_account(world, config):
    users = User.objects.count()
    with pytest.raises(NoRoleError):
        oidc_sign_in(organisation=world.org, login=_login(jti="j1", nonce="n1", groups=()))
    assert User.objects.count() == users
    assert not SeenAssertion.objects.exists()


def test_expired_records_are_cleared(world, config):
    SeenAssertion.objects.create(
        protocol="oidc", key="jti:old", expires_at=timezone.now() - timedelta(hours=1)
    )
    oidc_sign_in(organisation=world.org, login=_login(jti="j1", nonce="n1"))
    assert not SeenAssertion.objects.filter(key="jti:old").exists()


def test_an_unreachable_provider_answers_a_clear_page_and_is_audited(client, world):
    SsoConfig.objects.create(
        organisation=world.org,
        protocol=Protocol.OIDC,
        oidc_issuer="http://127.0.0.1:9/unreachable",
        oidc_client_id="lom",
    )
    resp = client.get(f"/sso/oidc/{world.org.slug}/login/")
    assert resp.status_code == 502
    assert "gick inte att nå" in resp.content.decode()
    event = AuditEvent.objects.get(organisation=world.org, action="sso.refused")
    assert event.after == {"protocol": "oidc", "reason": "unreachable"}
