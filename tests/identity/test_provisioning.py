"""Just-in-time accounts from a verified sign-in: created, linked, given the mapped roles, and
nothing half-made when the sign-in is refused."""

import pytest

from lom.accounts.models import User
from lom.common.errors import DomainError
from lom.common.models import AuditEvent
from lom.identity.models import ExternalIdentity, ManagedAccount, RoleMapping, SsoConfig
from lom.identity.services import IdentityClaims, NoRoleError, identity_hash, sso_sign_in
from lom.organisations.models import Employee, Membership, Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def config(world):
    cfg = SsoConfig.objects.create(organisation=world.org, protocol="saml")
    RoleMapping.objects.create(config=cfg, group="LOM-Samordnare", role=Role.COORDINATOR)
    RoleMapping.objects.create(
        config=cfg, group="LOM-Chefer-A", role=Role.MANAGER, unit=world.unit_a
    )
    return cfg


def claims(**kw) -> IdentityClaims:
    base = {"protocol": "saml", "issuer": "https://idp.example", "subject": "s-1"}
    return IdentityClaims(**(base | kw))


def test_first_sign_in_creates_the_user_links_the_employee_and_gives_mapped_roles(world, config):
    world.colleague_rec.user = None
    world.colleague_rec.employee_number = "E-17"
    world.colleague_rec.save()
    user = sso_sign_in(
        organisation=world.org,
        claims=claims(
            email="kim@idp.example",
            employee_number="E-17",
            given_name="Kim",
            family_name="Lind",
            groups=("LOM-Samordnare", "Okänd grupp"),
        ),
    )
    assert user.username == "kim@idp.example"
    assert not user.has_usable_password()
    roles = set(Membership.objects.filter(user=user, organisation=world.org).values_list("role"))
    assert roles == {(Role.COORDINATOR,), (Role.EMPLOYEE,)}
    assert Employee.objects.get(pk=world.colleague_rec.pk).user == user
    assert ManagedAccount.objects.get(user=user).organisation == world.org
    assert AuditEvent.objects.filter(action="sso.account_create", target_id=user.pk).exists()


def test_later_sign_in_replaces_idp_roles_but_keeps_roles_granted_by_hand(world, config):
    user = sso_sign_in(
        organisation=world.org, claims=claims(groups=("LOM-Samordnare", "LOM-Chefer-A"))
    )
    Membership.objects.create(organisation=world.org, user=user, role=Role.AUDITOR)
    again = sso_sign_in(organisation=world.org, claims=claims(groups=("LOM-Chefer-A",)))
    assert again == user
    rows = Membership.objects.filter(user=user, organisation=world.org)
    assert {(m.role, m.source) for m in rows} == {
        (Role.MANAGER, "idp"),
        (Role.AUDITOR, "manual"),
    }
    assert rows.get(role=Role.MANAGER).unit == world.unit_a


def test_no_mapped_role_refuses_and_leaves_nothing(world, config):
    users_before = User.objects.count()
    with pytest.raises(NoRoleError) as exc:
        sso_sign_in(organisation=world.org, claims=claims(subject="nobody", groups=("Andra",)))
    assert "administratör" in str(exc.value.message)
    assert User.objects.count() == users_before
    assert not ExternalIdentity.objects.filter(subject="nobody").exists()


def test_a_deactivated_account_is_refused(world, config):
    user = sso_sign_in(organisation=world.org, claims=claims(groups=("LOM-Samordnare",)))
    User.objects.filter(pk=user.pk).update(is_active=False)
    with pytest.raises(DomainError) as exc:
        sso_sign_in(organisation=world.org, claims=claims(groups=("LOM-Samordnare",)))
    assert exc.value.code == "inactive"


def test_personal_number_links_by_keyed_hash_and_is_never_stored(world, config):
    world.colleague_rec.user = None
    world.colleague_rec.identity_hash = identity_hash("19790101-2381")
    world.colleague_rec.save()
    user = sso_sign_in(
        organisation=world.org,
        claims=claims(subject="eid-1", personal_number="197901012381"),
    )
    assert Employee.objects.get(pk=world.colleague_rec.pk).user == user
    link = ExternalIdentity.objects.get(user=user)
    assert link.identity_hash == identity_hash("197901012381") != ""
    assert "197901012381" not in repr(claims(personal_number="197901012381"))
    for event in AuditEvent.objects.filter(target_id=user.pk):
        assert "197901012381" not in f"{event.before}{event.after}{event.note}"
    assert not User.objects.filter(username__contains="197901012381").exists()
