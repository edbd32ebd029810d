"""Who leaves and who comes back with a full import, and the manager roles the register gives
(also at a later SSO sign-in)."""

import pytest

from lom.cases.models import Status
from lom.common.models import Notification
from lom.identity.models import RoleMapping, SsoConfig
from lom.identity.services import IdentityClaims, sso_sign_in
from lom.organisations.models import Employee, Membership, Role, Unit
from lom.register.services import import_apply
from tests.factories import make_case
from tests.register.files import (
    PEOPLE,
    UNITS,
    employees_file,
    person,
    previewed,
    units_file,
)

EVA = person("1005", "Eva", "Ek", "A")


@pytest.fixture
def staffed(world, django_capture_on_commit_callbacks):
    """The world's employee and manager carry numbers the register knows them by."""
    Employee.objects.filter(pk=world.employee_rec.pk).update(employee_number="1005")
    Employee.objects.filter(pk=world.manager_rec.pk).update(employee_number="1002")
    files = [units_file(), employees_file([*PEOPLE, EVA])]
    run = previewed(django_capture_on_commit_callbacks, world, files)
    assert run.status == "previewed", run.errors
    return import_apply(actor=world.admin, run=run)


def _import(world, capture, files, **kw):
    run = previewed(capture, world, files, **kw)
    assert run.status == "previewed", run.errors
    return import_apply(actor=world.admin, run=run)


def test_an_employee_missing_from_a_full_import_leaves(
    world, staffed, django_capture_on_commit_callbacks
):
    case = make_case(world)
    assert case.status == Status.SUBMITTED
    run = previewed(django_capture_on_commit_callbacks, world, [employees_file(PEOPLE)])
    leaving = [c for c in run.changes if c["change"] == "leaving"]
    assert leaving == [
        {
            "kind": "employees",
            "change": "leaving",
            "key": "1005",
            "label": "Eva Ek",
            "fields": {"active": [True, False]},
        }
    ]
    import_apply(actor=world.admin, run=run)
    eva = Employee.objects.get(pk=world.employee_rec.pk)  # kept, never deleted
    assert not eva.active and eva.left_at is not None
    world.employee.refresh_from_db()
    assert not world.employee.is_active
    flag = Notification.objects.get(
        user=world.coordinator, case_id=case.pk, code="register.left_with_open_case"
    )
    assert (
        flag.shown
        == f"Eva Ek har slutat enligt personalregistret och har ärende {case.number} öppet."
    )
    assert flag.url == f"/cases/{case.pk}/"
    # Hand-made employees without a number are not the register's to end.
    assert Employee.objects.get(pk=world.colleague_rec.pk).active


def test_a_partial_import_lets_nobody_leave(world, staffed, django_capture_on_commit_callbacks):
    run = previewed(
        django_capture_on_commit_callbacks, world, [employees_file(PEOPLE[:1])], full=False
    )
    assert run.counts["employees"]["leaving"] == 0
    import_apply(actor=world.admin, run=run)
    assert Employee.objects.filter(organisation=world.org, active=False).count() == 0


def test_an_employee_who_comes_back_is_active_again(
    world, staffed, django_capture_on_commit_callbacks
):
    _import(world, django_capture_on_commit_callbacks, [employees_file(PEOPLE)])
    run = previewed(django_capture_on_commit_callbacks, world, [employees_file([*PEOPLE, EVA])])
    back = next(c for c in run.changes if c["key"] == "1005")
    assert back["change"] == "changed" and back["fields"] == {"active": [False, True]}
    import_apply(actor=world.admin, run=run)
    eva = Employee.objects.get(pk=world.employee_rec.pk)
    assert eva.active and eva.left_at is None
    world.employee.refresh_from_db()
    assert world.employee.is_active


def _register_roles(world):
    return set(
        Membership.objects.filter(
            organisation=world.org, role=Role.MANAGER, source="register"
        ).values_list("user", "unit__code")
    )


def test_a_units_manager_with_a_user_gets_the_manager_role(world, staffed):
    assert _register_roles(world) == {(world.manager.pk, "A")}
    # The role given by hand stays.
    assert Membership.objects.filter(
        user=world.manager, unit=world.unit_a, role=Role.MANAGER, source="manual"
    ).exists()


def test_a_changed_manager_moves_the_register_role_and_leaves_manual_roles(
    world, staffed, django_capture_on_commit_callbacks
):
    units = [UNITS[0], ["A", "Avdelning A", "M", "1001"], UNITS[2]]
    _import(world, django_capture_on_commit_callbacks, [units_file(units)])
    assert Unit.objects.get(organisation=world.org, code="A").manager.employee_number == "1001"
    assert _register_roles(world) == set()  # 1001 has no user yet
    assert Membership.objects.filter(user=world.manager, unit=world.unit_a).exists()


def test_a_leaving_manager_loses_the_register_role(
    world, staffed, django_capture_on_commit_callbacks
):
    people = [p for p in PEOPLE if p[0] != "1002"]
    units = [UNITS[0], ["A", "Avdelning A", "M", ""], UNITS[2]]
    _import(world, django_capture_on_commit_callbacks, [units_file(units), employees_file(people)])
    assert _register_roles(world) == set()


def test_a_later_sso_sign_in_gets_the_register_manager_role(world, staffed):
    config = SsoConfig.objects.create(organisation=world.org, protocol="saml")
    RoleMapping.objects.create(config=config, group="LOM-Samordnare", role=Role.COORDINATOR)
    user = sso_sign_in(
        organisation=world.org,
        claims=IdentityClaims(
            protocol="saml",
            issuer="https://idp.example",
            subject="gd",
            employee_number="1001",
            groups=("LOM-Samordnare",),
        ),
    )
    assert Employee.objects.get(organisation=world.org, employee_number="1001").user == user
    assert (user.pk, "M") in _register_roles(world)
