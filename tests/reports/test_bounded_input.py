"""The reports API and settings hold their input to bounds: a 4xx naming the field, never a
500 (an id past a 64-bit column, a year of five digits, an unknown value)."""

import pytest
from django.test import Client

from lom.common.errors import DomainError
from lom.reports import services as report_services


def api_client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.mark.parametrize(
    "url, field",
    [
        (f"/api/v1/reports/periods/{2**63}/figures", "period_id"),
        (f"/api/v1/reports/periods/{10**30}/figures", "period_id"),
        ("/api/v1/reports/periods/0/figures", "period_id"),
        ("/api/v1/reports/periods/abc/figures", "period_id"),
        ("/api/v1/reports/annual/100000/figures", "year"),
        ("/api/v1/reports/annual/-1/figures", "year"),
        ("/api/v1/reports/fairness/abc", "year"),
        (f"/api/v1/reports/fairness/{2**70}", "year"),
    ],
)
def test_malformed_path_values_are_422_naming_the_field(world, url, field):
    r = api_client(world.coordinator).get(url)
    assert r.status_code == 422, r.content
    assert field in r.content.decode()


def test_a_year_outside_the_reports_is_refused_naming_the_year(world):
    c = api_client(world.coordinator)
    # Outside the schema's bounds: 422; inside them but not yet reportable: 400.
    for url in ("/api/v1/reports/annual/1999/figures", "/api/v1/reports/fairness/9999"):
        r = c.get(url)
        assert r.status_code == 422 and r.json()["field"] == "year"
    for url in ("/api/v1/reports/annual/2099/figures", "/api/v1/reports/fairness/2099"):
        r = c.get(url)
        assert r.status_code == 400 and r.json()["field"] == "year"


def test_the_responses_are_typed(world):
    c = api_client(world.coordinator)
    body = c.get("/api/v1/reports/fairness/2025").json()
    assert set(body) == {"year", "staff", "recipients", "tables"}
    schema = c.get("/api/v1/openapi.json").json()
    for path in (
        "/api/v1/reports/periods/{period_id}/figures",
        "/api/v1/reports/annual/{year}/figures",
        "/api/v1/reports/fairness/{year}",
    ):
        ok = schema["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]
        assert "$ref" in ok["schema"], path


def test_a_warning_threshold_out_of_range_is_refused(world):
    for value in (101, -1, 2**63):
        with pytest.raises(DomainError) as err:
            report_services.report_settings_save(
                actor=world.actor(world.coordinator), unused_warning_percent=value
            )
        assert err.value.field == "unused_warning_percent"
