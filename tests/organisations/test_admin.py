"""The Django admin goes through the organisation services: a unit moved there takes its
subtree's paths (and the copies cases keep) along; a role changed there leaves an audit row."""

import pytest

from lom.common.models import AuditEvent
from lom.organisations.models import Membership, Organisation, Role, Unit
from lom.organisations.services import unit_create
from tests.factories import UserFactory, make_case, signed_in


@pytest.fixture
def root(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


def unit_form(unit: Unit, **changes) -> dict:
    data = {
        "organisation": unit.organisation_id,
        "parent": unit.parent_id or "",
        "name": unit.name,
        "code": unit.code,
        "manager": unit.manager_id or "",
    }
    return data | changes


def test_moving_a_unit_in_the_admin_recomputes_the_subtree_and_the_cases_copies(world, root):
    sub = unit_create(actor=None, organisation=world.org, name="Sektion A1", parent=world.unit_a)
    case = make_case(world)
    assert case.unit_id == world.unit_a.pk and case.unit_path == world.unit_a.path
    url = f"/django-admin/organisations/unit/{world.unit_a.pk}/change/"
    r = signed_in(root).post(url, unit_form(world.unit_a, parent=world.unit_b.pk))
    assert r.status_code == 302, r.content.decode()[:2000]
    world.unit_a.refresh_from_db()
    sub.refresh_from_db()
    case.refresh_from_db()
    assert world.unit_a.parent_id == world.unit_b.pk
    assert world.unit_a.path == f"{world.unit_b.path}{world.unit_a.pk}/"
    assert sub.path == f"{world.unit_a.path}{sub.pk}/"
    assert case.unit_path == world.unit_a.path
    event = AuditEvent.objects.get(action="unit.move", target_id=world.unit_a.pk)
    assert event.actor == root
    assert event.before["parent"] == world.top.pk and event.after["parent"] == world.unit_b.pk


def test_a_unit_cannot_be_moved_under_its_own_subtree(world, root):
    sub = unit_create(actor=None, organisation=world.org, name="Sektion A1", parent=world.unit_a)
    url = f"/django-admin/organisations/unit/{world.unit_a.pk}/change/"
    r = signed_in(root).post(url, unit_form(world.unit_a, parent=sub.pk))
    assert r.status_code == 200
    assert "under sig själv" in r.content.decode()
    world.unit_a.refresh_from_db()
    assert world.unit_a.parent_id == world.top.pk


def test_a_unit_added_in_the_admin_gets_its_path(world, root):
    r = signed_in(root).post(
        "/django-admin/organisations/unit/add/",
        {"organisation": world.org.pk, "parent": world.unit_b.pk, "name": "Ny", "code": "N1"},
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    unit = Unit.objects.get(name="Ny")
    assert unit.path == f"{world.unit_b.path}{unit.pk}/"
    assert AuditEvent.objects.filter(action="unit.create", target_id=unit.pk).exists()


def membership_form(m: Membership, **changes) -> dict:
    data = {
        "user": m.user_id,
        "organisation": m.organisation_id,
        "role": m.role,
        "unit": m.unit_id or "",
        "union": m.union_id or "",
    }
    return data | changes


def test_changing_a_role_in_the_admin_is_audited_with_before_and_after(world, root):
    m = Membership.objects.get(user=world.coordinator, organisation=world.org)
    url = f"/django-admin/organisations/membership/{m.pk}/change/"
    r = signed_in(root).post(url, membership_form(m, role=Role.AUDITOR))
    assert r.status_code == 302, r.content.decode()[:2000]
    m.refresh_from_db()
    assert m.role == Role.AUDITOR
    event = AuditEvent.objects.get(action="membership.change", target_id=m.pk)
    assert event.actor == root
    assert event.before["role"] == Role.COORDINATOR and event.after["role"] == Role.AUDITOR


def test_granting_and_revoking_a_role_in_the_admin_is_audited(world, root):
    c = signed_in(root)
    r = c.post(
        "/django-admin/organisations/membership/add/",
        {"user": world.employee.pk, "organisation": world.org.pk, "role": Role.AUDITOR},
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    m = Membership.objects.get(user=world.employee, role=Role.AUDITOR)
    assert AuditEvent.objects.filter(action="membership.grant", target_id=m.pk).exists()
    r = c.post(f"/django-admin/organisations/membership/{m.pk}/delete/", {"post": "yes"})
    assert r.status_code == 302
    assert not Membership.objects.filter(pk=m.pk).exists()
    event = AuditEvent.objects.get(action="membership.revoke", target_id=m.pk)
    assert event.actor == root and event.before["role"] == Role.AUDITOR


def test_a_role_change_in_the_admin_needs_a_recent_sign_in(world, root):
    m = Membership.objects.get(user=world.coordinator, organisation=world.org)
    url = f"/django-admin/organisations/membership/{m.pk}/change/"
    stale = signed_in(root, auth_age_seconds=3 * 3600)
    assert stale.get(url).status_code == 200
    r = stale.post(url, membership_form(m, role=Role.AUDITOR))
    assert r.status_code == 302 and "/reauth" in r["Location"]
    m.refresh_from_db()
    assert m.role == Role.COORDINATOR
    assert not AuditEvent.objects.filter(action="membership.change").exists()


def test_the_admin_has_no_bulk_delete_for_memberships(world, root):
    r = signed_in(root).get("/django-admin/organisations/membership/")
    assert r.status_code == 200
    assert "delete_selected" not in r.content.decode()


def test_an_organisation_added_and_renamed_in_the_admin_is_audited(world, root):
    c = signed_in(root)
    r = c.post(
        "/django-admin/organisations/organisation/add/",
        {"name": "Verket", "slug": world.org.slug, "org_number": "", "kind": "agency"},
    )
    assert r.status_code == 200  # the slug is taken: refused on the form
    r = c.post(
        "/django-admin/organisations/organisation/add/",
        {"name": "Verket", "slug": "verket", "org_number": "202100-0000", "kind": "agency"},
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    org = Organisation.objects.get(slug="verket")
    assert AuditEvent.objects.filter(action="organisation.create", organisation=org).exists()
    r = c.post(
        f"/django-admin/organisations/organisation/{org.pk}/change/",
        {"name": "Verket för omställning", "slug": "verket", "org_number": "202100-0000"},
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    event = AuditEvent.objects.get(action="organisation.update", organisation=org)
    assert event.before["name"] == "Verket" and event.after["name"] == "Verket för omställning"
    assert event.actor == root
