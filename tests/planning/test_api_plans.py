"""The planning API for transition plans: the same services and checks as the plan pages;
another organisation's plan is 404, a role that may not is 403, an approved plan refuses
changes with 409, input off the schema is 422 naming the field."""

from datetime import date

from lom.planning import services as ps
from lom.planning.models import Need, TransitionPlan
from tests.planning.api_helpers import call
from tests.planning.test_planning import approved_plan, run_workshop

P = "/plans/{}"
YEAR = date.today().year
HEADER = {
    "title": "Omställningsplan",
    "period_start": f"{YEAR}-01-01",
    "period_end": f"{YEAR + 1}-12-31",
}


def _draft(w) -> TransitionPlan:
    return ps.plan_create(
        actor=w.actor(w.coordinator),
        title="Utkast",
        period_start=date(YEAR, 1, 1),
        period_end=date(YEAR, 12, 31),
    )


def test_coordinator_builds_a_plan_from_a_workshop_and_the_parties_approve_it(w):
    ws = run_workshop(w)
    r = call(w.coordinator, "POST", "/plans", {**HEADER, "workshop_id": ws.pk})
    assert r.status_code == 201, r.content
    plan = r.json()
    assert plan["status"] == "draft" and plan["workshop_ids"] == [ws.pk] and plan["editable"]
    assert len(plan["needs"]) == ws.needs.count() and plan["measures"]
    assert plan["total_budget_ore"] == sum(m["budget_ore"] for m in plan["measures"])
    parties = {a["party_id"]: a for a in plan["approvals"]}
    assert set(parties) == {None, w.union.pk, w.vision.pk} and parties[None]["mine"]
    url = P.format(plan["id"])
    # Each party approves only for itself.
    r = call(w.union_rep, "POST", url + "/approve", {"union_id": w.vision.pk})
    assert r.status_code == 403
    assert call(w.coordinator, "POST", url + "/approve", {}).json()["status"] == "draft"
    again = call(w.coordinator, "POST", url + "/approve", {})
    assert again.status_code == 409 and again.json()["code"] == "already_approved"
    call(w.union_rep, "POST", url + "/approve", {"union_id": w.union.pk})
    r = call(w.rep2, "POST", url + "/approve", {"union_id": w.vision.pk})
    assert r.status_code == 200 and r.json()["status"] == "approved"
    current = call(w.employee, "GET", "/plans/current")
    assert current.status_code == 200 and current.json()["id"] == plan["id"]
    assert call(w.coordinator, "POST", url + "/approve", {}).status_code == 409
    # An unknown union: 404.
    assert call(w.union_rep, "POST", url + "/approve", {"union_id": 999999}).status_code == 404


def test_no_plan_in_force_is_404(w):
    _draft(w)
    r = call(w.coordinator, "GET", "/plans/current")
    assert r.status_code == 404 and r.json()["code"] == "not_found"


def test_drafts_are_for_the_parties_and_other_organisations_see_nothing(w, other_world):
    plan = _draft(w)
    assert call(w.employee, "GET", "/plans").json()["items"] == []
    assert call(w.employee, "GET", P.format(plan.pk)).status_code == 404
    assert [p["id"] for p in call(w.auditor, "GET", "/plans").json()["items"]] == [plan.pk]
    outsider = other_world.coordinator
    for method, path, body in (
        ("GET", P.format(plan.pk), None),
        ("PUT", P.format(plan.pk), HEADER),
        ("POST", P.format(plan.pk) + "/areas", {"name": "X"}),
        ("POST", P.format(plan.pk) + "/approve", {}),
    ):
        assert call(outsider, method, path, body).status_code == 404, (method, path)


def test_plan_list_is_paged(w):
    for _ in range(3):
        _draft(w)
    first = call(w.coordinator, "GET", "/plans?limit=2").json()
    assert len(first["items"]) == 2 and first["next_cursor"]
    rest = call(w.coordinator, "GET", f"/plans?limit=2&cursor={first['next_cursor']}").json()
    assert len(rest["items"]) == 1 and rest["next_cursor"] is None
    r = call(w.coordinator, "GET", "/plans?cursor=@@")
    assert r.status_code == 422 and r.json()["field"] == "cursor"


def test_header_areas_needs_and_measures_of_a_draft(w):
    plan = _draft(w)
    url = P.format(plan.pk)
    r = call(w.coordinator, "PUT", url, {**HEADER, "title": "Ny rubrik", "analyses": "KFA 2026"})
    assert r.status_code == 200 and r.json()["title"] == "Ny rubrik"
    r = call(w.coordinator, "PUT", url, {**HEADER, "period_end": f"{YEAR - 1}-01-01"})
    assert r.status_code == 400 and r.json()["field"] == "period_end"
    r = call(w.coordinator, "PUT", url, {**HEADER, "fund_period_id": 999999})
    assert r.status_code == 400 and r.json()["field"] == "fund_period_id"
    assert call(w.union_rep, "POST", url + "/areas", {"name": "Digitalt"}).status_code == 403
    area = call(w.coordinator, "POST", url + "/areas", {"name": "Digitalt"})
    assert area.status_code == 201
    area_id = area.json()["id"]
    r = call(w.coordinator, "POST", url + "/needs", {"area_id": area_id, "title": ""})
    assert r.status_code == 422 and r.json()["field"] == "title"
    r = call(
        w.coordinator, "POST", url + "/needs", {"area_id": area_id, "title": "X", "priority": 4}
    )
    assert r.status_code == 422 and r.json()["field"] == "priority"
    need = call(
        w.coordinator,
        "POST",
        url + "/needs",
        {"area_id": area_id, "title": "Säkerhet", "priority": 1, "source": "competence_supply"},
    )
    assert need.status_code == 201 and need.json()["priority"] == 1
    nid = need.json()["id"]
    r = call(w.coordinator, "PUT", url + f"/needs/{nid}", {"area_id": area_id, "title": "IT"})
    assert r.status_code == 200 and Need.objects.get(pk=nid).title == "IT"
    assert call(w.coordinator, "GET", url + f"/needs/{nid}").json()["title"] == "IT"
    measure = call(
        w.coordinator,
        "POST",
        url + "/measures",
        {"area_id": area_id, "title": "Kurs", "budget_ore": 100_000_00, "need_ids": [nid]},
    )
    assert measure.status_code == 201 and measure.json()["need_ids"] == [nid]
    mid = measure.json()["id"]
    r = call(
        w.coordinator,
        "PUT",
        url + f"/measures/{mid}",
        {"area_id": area_id, "title": "K", "budget_ore": -1},
    )
    assert r.status_code == 422 and r.json()["field"] == "budget_ore"
    r = call(
        w.coordinator,
        "PUT",
        url + f"/measures/{mid}",
        {"area_id": area_id, "title": "K", "need_ids": [999999]},
    )
    assert r.status_code == 400 and r.json()["field"] == "need_ids"
    # An area with needs is not removed; a removed need is gone.
    assert call(w.coordinator, "DELETE", url + f"/areas/{area_id}").status_code == 400
    assert call(w.coordinator, "DELETE", url + f"/measures/{mid}").status_code == 204
    assert call(w.coordinator, "DELETE", url + f"/needs/{nid}").status_code == 204
    assert call(w.coordinator, "GET", url + f"/needs/{nid}").status_code == 404
    assert call(w.coordinator, "DELETE", url + f"/areas/{area_id}").status_code == 204


def test_an_approved_plan_refuses_changes_with_409_and_gets_a_new_version(w):
    plan = approved_plan(w)
    url = P.format(plan.pk)
    need = plan.needs.first()
    assert need is not None
    for method, path, body in (
        ("PUT", url, HEADER),
        ("POST", url + "/areas", {"name": "Nytt"}),
        ("PUT", url + f"/needs/{need.pk}", {"area_id": need.area_id, "title": "X"}),
        ("DELETE", url + f"/needs/{need.pk}", None),
    ):
        r = call(w.coordinator, method, path, body)
        assert r.status_code == 409, (method, path, r.content)
    assert call(w.union_rep, "POST", url + "/new-version").status_code == 403
    new = call(w.coordinator, "POST", url + "/new-version")
    assert new.status_code == 201 and new.json()["version"] == 2
    assert new.json()["status"] == "draft"
    assert call(w.coordinator, "POST", url + "/new-version").status_code == 409
    # A draft needs no new version.
    assert (
        call(w.coordinator, "POST", P.format(new.json()["id"]) + "/new-version").status_code == 409
    )
    assert call(w.coordinator, "GET", url).json()["newer_id"] == new.json()["id"]


def test_import_takes_a_locked_workshop_once(w):
    ws = run_workshop(w)
    open_ws = run_workshop(w, lock=False)
    plan = _draft(w)
    url = P.format(plan.pk) + "/import"
    r = call(w.coordinator, "POST", url, {"workshop_id": open_ws.pk})
    assert r.status_code == 400 and r.json()["field"] == "workshop_id"
    assert call(w.union_rep, "POST", url, {"workshop_id": ws.pk}).status_code == 403
    r = call(w.coordinator, "POST", url, {"workshop_id": ws.pk})
    assert r.status_code == 200 and r.json() == {"needs": ws.needs.count()}
    r = call(w.coordinator, "POST", url, {"workshop_id": ws.pk})
    assert r.status_code == 400 and r.json()["field"] == "workshop_id"
    r = call(w.coordinator, "POST", url, {"workshop_id": "x"})
    assert r.status_code == 422 and r.json()["field"] == "workshop_id"
