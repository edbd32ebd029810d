"""The organisation through the API: units, employees, unions and roles (administrators only,
as the pages), and the caller (`GET /me`)."""

from django.test import Client

from lom.accounts.models import ApiToken
from lom.organisations.models import Employee, Membership, Unit
from tests.factories import signed_in

JSON = "application/json"


def bearer(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(user=user)[1]}"}


def test_me_says_who_the_caller_is_and_where(world):
    body = Client().get("/api/v1/me", **bearer(world.coordinator)).json()
    assert body["username"] == world.coordinator.username
    assert body["organisation"]["id"] == world.org.pk and "coordinator" in body["roles"]
    assert world.org.pk in [o["id"] for o in body["organisations"]]


def test_only_an_administrator_reads_the_organisation(world):
    c = Client()
    for path in ("units", "employees", "unions", "memberships"):
        assert c.get(f"/api/v1/organisation/{path}", **bearer(world.coordinator)).status_code == 403
        assert c.get(f"/api/v1/organisation/{path}", **bearer(world.admin)).status_code == 200


def test_units_search_and_children(world):
    c, admin = Client(), bearer(world.admin)
    body = c.get(f"/api/v1/organisation/units?parent_id={world.top.pk}", **admin).json()
    assert {u["id"] for u in body["items"]} == {world.unit_a.pk, world.unit_b.pk}
    body = c.get(f"/api/v1/organisation/units?q={world.unit_a.name}", **admin).json()
    assert [u["id"] for u in body["items"]] == [world.unit_a.pk]
    r = c.post(
        "/api/v1/organisation/units",
        {"name": "Ny enhet", "parent_id": world.top.pk},
        content_type=JSON,
        **admin,
    )
    assert r.status_code == 201 and Unit.objects.get(pk=r.json()["id"]).parent == world.top


def test_employees_add_read_and_change(world, other_world):
    c, admin = Client(), bearer(world.admin)
    data = {
        "first_name": "Kim",
        "last_name": "Berg",
        "unit_id": world.unit_a.pk,
        "employment_start": "2020-01-01",
        "birth_year": 1980,
        "gender": "X",
    }
    r = c.post("/api/v1/organisation/employees", data, content_type=JSON, **admin)
    assert r.status_code == 201, r.content
    url = f"/api/v1/organisation/employees/{r.json()['id']}"
    assert c.get(url, **admin).json()["last_name"] == "Berg"
    r = c.put(
        url, data | {"last_name": "Ek", "unit_id": world.unit_b.pk}, content_type=JSON, **admin
    )
    assert r.status_code == 200
    employee = Employee.objects.get(pk=r.json()["id"])
    assert employee.last_name == "Ek" and employee.unit == world.unit_b
    r = c.put(url, data | {"unit_id": other_world.unit_a.pk}, content_type=JSON, **admin)
    assert r.status_code == 400 and r.json()["field"] == "unit_id"
    assert c.get(url, **bearer(other_world.admin)).status_code == 404


def test_roles_are_granted_and_revoked_as_on_the_roles_page(world):
    c, admin = Client(), bearer(world.admin)
    r = c.post(
        "/api/v1/organisation/memberships",
        {"username": "ny.person", "email": "ny@example.org", "role": "auditor"},
        content_type=JSON,
        **admin,
    )
    assert r.status_code == 201, r.content
    membership = Membership.objects.get(pk=r.json()["id"])
    assert membership.user.username == "ny.person" and membership.organisation == world.org
    r = c.post(
        "/api/v1/organisation/memberships",
        {"username": "chefen", "role": "manager"},
        content_type=JSON,
        **admin,
    )
    assert r.status_code == 400 and r.json()["field"] == "unit_id"
    listed = c.get("/api/v1/organisation/memberships?limit=200", **admin).json()["items"]
    assert membership.pk in [m["id"] for m in listed]
    assert c.delete(f"/api/v1/organisation/memberships/{membership.pk}", **admin).status_code == 204
    assert not Membership.objects.filter(pk=membership.pk).exists()
    own = Membership.objects.get(user=world.admin, organisation=world.org, role="org_admin")
    r = c.delete(f"/api/v1/organisation/memberships/{own.pk}", **admin)
    assert r.status_code == 400 and Membership.objects.filter(pk=own.pk).exists()


def test_a_union_is_added(world):
    c, admin = Client(), bearer(world.admin)
    r = c.post("/api/v1/organisation/unions", {"name": "Vision"}, content_type=JSON, **admin)
    assert r.status_code == 201
    names = [u["name"] for u in c.get("/api/v1/organisation/unions", **admin).json()["items"]]
    assert "Vision" in names


def test_a_browser_session_changes_roles_only_after_a_recent_sign_in(world):
    stale = signed_in(world.admin, auth_age_seconds=24 * 3600)
    body = {"username": world.employee.username, "role": "coordinator"}
    r = stale.post("/api/v1/organisation/memberships", body, content_type=JSON)
    assert r.status_code == 403 and r.json()["code"] == "reauth_required"
    own = Membership.objects.get(user=world.admin, organisation=world.org, role="org_admin")
    r = stale.delete(f"/api/v1/organisation/memberships/{own.pk}")
    assert r.status_code == 403 and r.json()["code"] == "reauth_required"
    assert not Membership.objects.filter(user=world.employee, role="coordinator").exists()
    fresh = signed_in(world.admin)
    r = fresh.post("/api/v1/organisation/memberships", body, content_type=JSON)
    assert r.status_code == 201, r.content
