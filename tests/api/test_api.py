from datetime import date, timedelta

from django.core.management import call_command
from django.test import Client

from lom.accounts.models import ApiToken
from lom.agreements.models import MeasureType
from tests.factories import make_case


def bearer(user) -> dict:
    _t, raw = ApiToken.issue(user=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_openapi_document_and_healthz(db):
    c = Client()
    r = c.get("/api/v1/openapi.json")
    assert r.status_code == 200
    paths = r.json()["paths"]
    for p in (
        "/api/v1/cases",
        "/api/v1/cases/{case_id}",
        "/api/v1/cases/{case_id}/transitions",
        "/api/v1/agreements",
        "/api/v1/fund-periods",
        "/api/v1/fund-periods/{period_id}/ledger",
    ):
        assert p in paths
    assert c.get("/healthz").json() == {"status": "ok"}


def test_api_requires_authentication(db):
    assert Client().get("/api/v1/cases").status_code == 401
    assert Client().get("/api/v1/cases", HTTP_AUTHORIZATION="Bearer nonsense").status_code == 401


def test_management_command_creates_a_working_token(world, capsys):
    call_command("create_api_token", world.coordinator.username)
    raw = capsys.readouterr().out.strip()
    r = Client().get("/api/v1/fund-periods", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert r.status_code == 200
    assert r.json()["items"][0]["balance"]["allocated_ore"] == 1_000_000_00


def test_full_cycle_through_the_api(world):
    c = Client()
    emp, coord = bearer(world.employee), bearer(world.coordinator)
    mt = MeasureType.objects.get(code="education")
    start = date.today() + timedelta(days=5)
    r = c.post(
        "/api/v1/cases",
        {
            "title": "Högskolekurs",
            "kind": "individual",
            "measure_type_ids": [mt.pk],
            "purpose": "prevent",
            "business_need": "Ny teknik.",
            "description": "7,5 hp.",
            "start_date": start.isoformat(),
            "end_date": (start + timedelta(days=90)).isoformat(),
            "cost_lines": [{"kind": "course_fee", "amount_ore": 900000}],
        },
        content_type="application/json",
        **emp,
    )
    assert r.status_code == 201, r.content
    case_id = r.json()["id"]
    assert r.json()["allowed_transitions"] == ["submit", "withdraw"]
    r = c.post(
        f"/api/v1/cases/{case_id}/transitions",
        {"name": "submit"},
        content_type="application/json",
        **emp,
    )
    assert r.status_code == 200 and r.json()["status"] == "submitted" and r.json()["number"]
    # The employee may not approve: 403 with a reason.
    r = c.post(
        f"/api/v1/cases/{case_id}/transitions",
        {"name": "approve", "reason": "x"},
        content_type="application/json",
        **emp,
    )
    assert r.status_code == 403 and r.json()["detail"]
    c.post(
        f"/api/v1/cases/{case_id}/transitions",
        {"name": "start_review"},
        content_type="application/json",
        **coord,
    )
    # Missing reason: 400 naming the field.
    r = c.post(
        f"/api/v1/cases/{case_id}/transitions",
        {"name": "approve"},
        content_type="application/json",
        **coord,
    )
    assert r.status_code == 400 and r.json()["field"] == "reason"
    r = c.post(
        f"/api/v1/cases/{case_id}/transitions",
        {"name": "approve", "reason": "Bra", "amount_ore": 800000},
        content_type="application/json",
        **coord,
    )
    assert r.status_code == 200 and r.json()["approved_ore"] == 800000
    periods = c.get("/api/v1/fund-periods", **coord).json()["items"]
    assert periods[0]["balance"]["committed_ore"] == 800000
    ledger = c.get(f"/api/v1/fund-periods/{periods[0]['id']}/ledger", **coord).json()
    assert ledger["items"][0]["kind"] == "commitment"
    assert ledger["items"][0]["case_id"] == case_id


def test_api_bad_input_is_a_4xx_with_a_reason(world):
    c = Client()
    emp = bearer(world.employee)
    r = c.post("/api/v1/cases", {"title": " "}, content_type="application/json", **emp)
    assert r.status_code == 400 and r.json()["field"] == "title"
    r = c.post("/api/v1/cases", {"title": ""}, content_type="application/json", **emp)
    assert r.status_code == 422 and r.json()["field"] == "title"
    r = c.post("/api/v1/cases", {"nonsense": True}, content_type="application/json", **emp)
    assert r.status_code == 422
    r = c.post("/api/v1/cases", "not json", content_type="application/json", **emp)
    assert 400 <= r.status_code < 500
    case = make_case(world)
    r = c.post(
        f"/api/v1/cases/{case.pk}/transitions",
        {"name": "fly"},
        content_type="application/json",
        **emp,
    )
    assert r.status_code == 422 and r.json()["field"] == "name"
    r = c.get("/api/v1/cases?page=0", **emp)
    assert r.status_code == 422


def test_union_rep_gets_no_private_reason_through_the_api(world):
    case = make_case(world, private_reason="Hälsoskäl")
    r = Client().get(f"/api/v1/cases/{case.pk}", **bearer(world.union_rep))
    assert r.status_code == 200 and r.json()["private_reason"] is None
    r = Client().get(f"/api/v1/cases/{case.pk}", **bearer(world.coordinator))
    assert r.json()["private_reason"] == "Hälsoskäl"


def test_employee_cannot_read_the_fund_ledger(world):
    r = Client().get("/api/v1/fund-periods", **bearer(world.employee))
    assert r.status_code == 403
