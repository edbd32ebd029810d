"""The reports API gives what the report pages give, through the same selectors and services:
another organisation's thing is 404, a role that may not is 403, input off the schema is 422
naming the field, and a download is the same file as the page's (opened again and read)."""

import io
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from lom.followup.selectors import followup_settings
from lom.funds.selectors import unused_warning_percent
from lom.planning import services as ps
from lom.reports.models import ReportJob
from tests.identity.account_fixtures import age_session
from tests.reporting import build_scenario
from tests.reports.test_reports import _pdf_text

API = "/api/v1/reports"
YEAR = date.today().year
STALE = 16 * 60  # LOM_REAUTH_MINUTES is 15


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def body_of(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


@pytest.fixture(autouse=True)
def own_media(settings, tmp_path):
    """Report files of these tests in a folder of their own (a job's file path repeats across
    tests, and another test reads a file's name)."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def scenario(world):
    return build_scenario(world)


def _plan(world):
    return ps.plan_create(
        actor=world.actor(world.coordinator),
        title="Omställningsplan",
        period_start=date(YEAR, 1, 1),
        period_end=date(YEAR, 12, 31),
    )


# --- dashboard, surveys, decisions ------------------------------------------------------------


def test_dashboard_gives_the_periods_figures_and_the_plan_like_the_page(world, scenario):
    c = client_for(world.coordinator)
    r = c.get(f"{API}/dashboard/{scenario.p1.pk}")
    assert r.status_code == 200, r.content
    body = r.json()
    assert {p["id"] for p in body["periods"]} >= {scenario.p1.pk, scenario.p2.pk}
    assert body["figures"]["period"]["id"] == scenario.p1.pk
    # P1: 100 000 kr allocated, 25 000 spent (tests/reporting.py).
    assert body["figures"]["balance"]["spent_ore"] == 25_000_00
    assert body["plan_actual"] is None
    page = c.get(reverse("reports:dashboard_period", args=[scenario.p1.pk]))
    assert page.context["balance"].spent == body["figures"]["balance"]["spent_ore"]
    assert c.get(f"{API}/dashboard").status_code == 200


def test_dashboard_refuses_another_organisation_and_an_employee(world, other_world, scenario):
    assert (
        client_for(other_world.coordinator).get(f"{API}/dashboard/{scenario.p1.pk}").status_code
        == 404
    )
    r = client_for(world.employee).get(f"{API}/dashboard")
    assert r.status_code == 403 and r.json()["detail"]
    r = client_for(world.coordinator).get(f"{API}/dashboard/0")
    assert r.status_code == 422 and r.json()["field"] == "period_id"


def test_surveys_free_texts_only_for_a_role_that_may_read_them(world):
    r = client_for(world.coordinator).get(f"{API}/surveys", {"year": YEAR})
    assert r.status_code == 200, r.content
    assert r.json()["year"] == YEAR and r.json()["min_answers"] == 5
    union = client_for(world.union_rep).get(f"{API}/surveys", {"year": YEAR}).json()
    assert union["free_texts"] is None
    r = client_for(world.coordinator).get(f"{API}/surveys", {"year": 1999})
    assert r.status_code == 422 and r.json()["field"] == "year"
    r = client_for(world.coordinator).get(f"{API}/surveys", {"year": 2099})
    assert r.status_code == 400 and r.json()["field"] == "year"
    assert client_for(world.employee).get(f"{API}/surveys", {"year": YEAR}).status_code == 403


def test_decisions_are_paged_and_filtered_like_the_report(world, scenario):
    c = client_for(world.coordinator)
    r = c.get(f"{API}/decisions", {"limit": 2})
    assert r.status_code == 200, r.content
    first = r.json()
    assert len(first["items"]) == 2 and first["next_cursor"]
    rest = c.get(f"{API}/decisions", {"cursor": first["next_cursor"], "limit": 50}).json()
    ids = [d["id"] for d in first["items"] + rest["items"]]
    assert len(ids) == len(set(ids)) == 4  # A, B, C, D were granted
    only_2025 = c.get(f"{API}/decisions", {"year": 2025}).json()["items"]
    assert [d["case_id"] for d in only_2025] == [scenario.d.pk]
    r = c.get(f"{API}/decisions", {"outcome": "maybe"})
    assert r.status_code == 422 and r.json()["field"] == "outcome"
    assert client_for(world.employee).get(f"{API}/decisions").status_code == 403


# --- annual report jobs -------------------------------------------------------------------------


def test_annual_report_job_is_started_followed_and_downloaded(world, scenario, tmp_path):
    c = client_for(world.coordinator)
    r = c.post(f"{API}/annual", {"year": 2024}, content_type="application/json")
    assert r.status_code == 202, r.content
    job = r.json()
    assert job["year"] == 2024 and job["format"] == "pdf_xlsx"
    r = c.get(f"{API}/annual/{job['id']}")
    assert r.status_code == 200 and r.json()["status"] == "done"
    assert r.json()["has_pdf"] and r.json()["has_xlsx"]
    assert [j["id"] for j in c.get(f"{API}/annual").json()["items"]] == [job["id"]]

    pdf = c.get(f"{API}/annual/{job['id']}/pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    data = body_of(pdf)
    assert "Årsrapport om omställningsmedel 2024" in _pdf_text(data, tmp_path)
    assert data == body_of(c.get(reverse("reports:annual_pdf", args=[job["id"]])))
    xlsx = body_of(c.get(f"{API}/annual/{job['id']}/xlsx"))
    assert load_workbook(io.BytesIO(xlsx)).sheetnames
    assert xlsx == body_of(c.get(reverse("reports:annual_xlsx", args=[job["id"]])))


def test_annual_report_refusals(world, other_world):
    c = client_for(world.coordinator)
    r = c.post(f"{API}/annual", {"year": 2024, "format": "docx"}, content_type="application/json")
    assert r.status_code == 422 and r.json()["field"] == "format"
    r = c.post(f"{API}/annual", {"year": 2099}, content_type="application/json")
    assert r.status_code == 400 and r.json()["field"] == "year"
    r = client_for(world.employee).post(
        f"{API}/annual", {"year": 2024}, content_type="application/json"
    )
    assert r.status_code == 403
    job = ReportJob.objects.get(
        pk=c.post(
            f"{API}/annual", {"year": 2024, "format": "pdf"}, content_type="application/json"
        ).json()["id"]
    )
    assert client_for(other_world.coordinator).get(f"{API}/annual/{job.pk}").status_code == 404
    assert client_for(other_world.coordinator).get(f"{API}/annual/{job.pk}/pdf").status_code == 404
    # A PDF-only job has no workbook.
    assert c.get(f"{API}/annual/{job.pk}/xlsx").status_code == 404


# --- settings -----------------------------------------------------------------------------------


def test_settings_are_read_and_saved_together(world):
    c = client_for(world.coordinator)
    r = c.put(
        f"{API}/settings",
        {"unused_warning_percent": 30, "later_months": 12, "survey_reminder_days": 14},
        content_type="application/json",
    )
    assert r.status_code == 200, r.content
    assert unused_warning_percent(organisation=world.org) == 30
    assert followup_settings(organisation=world.org).later_months == 12
    assert c.get(f"{API}/settings").json() == r.json()
    r = c.put(
        f"{API}/settings",
        {"unused_warning_percent": 140, "later_months": 12, "survey_reminder_days": 14},
        content_type="application/json",
    )
    assert r.status_code == 422 and r.json()["field"] == "unused_warning_percent"
    assert client_for(world.union_rep).get(f"{API}/settings").status_code == 403


# --- exports and the plan against its outcome ---------------------------------------------------


@pytest.mark.parametrize(
    "api, page",
    [
        ("/exports/cases.csv?status=completed", "reports:export_cases_csv"),
        ("/exports/cases.xlsx?q=Kurs", "reports:export_cases_xlsx"),
        ("/exports/decisions.csv?year=2024&outcome=approved", "reports:export_decisions_csv"),
        ("/exports/decisions.xlsx", "reports:export_decisions_xlsx"),
    ],
)
def test_exports_are_the_pages_files(world, scenario, api, page):
    c = client_for(world.coordinator)
    r = c.get(API + api)
    assert r.status_code == 200, r.content
    query = api.partition("?")[2].replace("status=", "status=")
    expected = body_of(c.get(reverse(page) + ("?" + query if query else "")))
    if api.partition("?")[0].endswith(".csv"):
        assert body_of(r) == expected
    else:
        rows = list(load_workbook(io.BytesIO(body_of(r))).worksheets[0].values)
        assert rows == list(load_workbook(io.BytesIO(expected)).worksheets[0].values)


def test_ledger_export_is_the_pages_file_and_refuses_another_organisation(
    world, other_world, scenario
):
    c = client_for(world.coordinator)
    url = f"{API}/exports/ledger/{scenario.p1.pk}.csv"
    page = reverse("reports:export_ledger_csv", args=[scenario.p1.pk])
    assert body_of(c.get(url)) == body_of(c.get(page))
    assert body_of(c.get(url + "?kind=release")) == body_of(c.get(page + "?kind=release"))
    r = c.get(url + "?kind=bribe")
    assert r.status_code == 422 and r.json()["field"] == "kind"
    assert client_for(other_world.coordinator).get(url).status_code == 404
    assert client_for(world.employee).get(url).status_code == 403
    xlsx = c.get(f"{API}/exports/ledger/{scenario.p1.pk}.xlsx")
    assert load_workbook(io.BytesIO(body_of(xlsx))).worksheets[0]["A1"].value


def test_an_employee_exports_only_their_own_cases(world, scenario):
    rows = body_of(client_for(world.colleague).get(f"{API}/exports/cases.csv")).decode()
    assert "Coachning B" in rows and "Kurs A" not in rows


def test_a_formula_in_a_title_is_neutralised_in_the_export(world):
    from tests.reporting import new_case

    new_case(world, world.employee, title="=1+2", amount_ore=100)
    text = body_of(client_for(world.coordinator).get(f"{API}/exports/cases.csv")).decode()
    assert "'=1+2" in text


def test_plan_against_actual(world, other_world):
    plan = _plan(world)
    c = client_for(world.coordinator)
    r = c.get(f"{API}/plans/{plan.pk}/actual")
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["plan_id"] == plan.pk and body["plan_title"] == "Omställningsplan"
    assert body["total"]["planned_ore"] == sum(a["planned_ore"] for a in body["areas"])
    xlsx = body_of(c.get(f"{API}/plans/{plan.pk}/actual.xlsx"))
    page = body_of(c.get(reverse("reports_plan:plan_actual_xlsx", args=[plan.pk])))
    assert list(load_workbook(io.BytesIO(xlsx)).worksheets[0].values) == list(
        load_workbook(io.BytesIO(page)).worksheets[0].values
    )
    assert (
        client_for(other_world.coordinator).get(f"{API}/plans/{plan.pk}/actual").status_code == 404
    )
    assert client_for(world.employee).get(f"{API}/plans/{plan.pk}/actual").status_code == 403
    r = c.get(f"{API}/plans/{2**63}/actual.xlsx")
    assert r.status_code == 422 and r.json()["field"] == "plan_id"


@pytest.mark.parametrize("path", ["/exports/cases.csv", "/exports/decisions.xlsx"])
def test_a_session_export_needs_a_recent_sign_in_like_the_page(world, path):
    c = client_for(world.coordinator)
    c.get("/")
    age_session(c, at=STALE)
    r = c.get(API + path)
    assert r.status_code == 403 and r.json()["code"] == "reauth_required"
    age_session(c, at=60)
    assert c.get(API + path).status_code == 200
