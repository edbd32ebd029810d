"""Survey response rates per measure and per measure type: on the survey results page, in
the API and (from five answers) in the annual report for the parties."""

import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from lom.followup import services
from lom.reports.documents import annual_report_xlsx
from lom.reports.figures import SUPPRESSED, annual_figures
from tests.api_client import token_caller
from tests.followup.test_followup import client_for
from tests.followup.test_participants import complete, group_case, staff

pytestmark = pytest.mark.django_db


def surveyed_group(world, *, listed: int, answering: int):
    people = staff(world, listed)
    case = group_case(world, participants=listed)
    services.survey_participants_save(
        actor=world.actor(world.coordinator), case=case, employee_ids=[p.pk for p in people]
    )
    case = complete(world, case)
    for p in people[:answering]:
        services.survey_answer(
            actor=world.actor(p.user),
            case=case,
            answers=services.SurveyAnswers(
                satisfaction=4, usefulness=4, heard_from="hr", recommend="yes"
            ),
        )
    return case


def _table(tables, key):
    return next(t for t in tables if t.key == key)


def test_the_annual_report_has_the_rate_only_from_five_answers(world):
    surveyed_group(world, listed=6, answering=4)
    today = timezone.localdate()
    fig = annual_figures(organisation=world.org, year=today.year, today=today)
    table = _table(fig.tables(), "survey_response_rates")
    row = table.rows[0]
    assert row[1:] == [1, 6, SUPPRESSED, SUPPRESSED]  # 4 answers: neither count nor rate
    assert table.total_dict()["answered"] is SUPPRESSED
    assert table.total_dict()["rate"] is SUPPRESSED


def test_five_answers_show_in_the_annual_report_and_its_workbook(world):
    case = surveyed_group(world, listed=6, answering=5)
    today = timezone.localdate()
    fig = annual_figures(organisation=world.org, year=today.year, today=today)
    table = _table(fig.tables(), "survey_response_rates")
    assert table.total_dict() == {
        "measure_type": "Totalt",
        "measures": 1,
        "invited": 6,
        "answered": 5,
        "rate": 83.3,
    }
    # The annual report is for the parties: no measure by name.
    assert all(case.title not in str(r) for t in fig.tables() for r in t.rows)
    wb = load_workbook(io.BytesIO(annual_report_xlsx(fig)))
    rows = list(wb["Svarsfrekvens i enkäten"].iter_rows(values_only=True))
    assert any(r[:4] == ("Totalt", 1, 6, 5) and abs(r[4] - 0.833) < 1e-9 for r in rows)


def test_the_survey_page_and_api_show_rates_per_measure(world):
    case = surveyed_group(world, listed=7, answering=5)
    year = timezone.localdate().year
    page = client_for(world.coordinator).get(reverse("reports:surveys") + f"?year={year}")
    html = page.content.decode()
    assert "Svarsfrekvens per insats" in html and case.title in html
    body = token_caller(world.coordinator)("get", f"/api/v1/reports/surveys?year={year}").json()
    by_measure = next(t for t in body["tables"] if t["key"] == "survey_response_rates_by_measure")
    assert by_measure["rows"] == [[f"{case.number} {case.title}", 1, 7, 5, 71.4]]
    # The union's representative reads the rates per measure type, not per measure.
    rep = token_caller(world.union_rep)("get", f"/api/v1/reports/surveys?year={year}").json()
    keys = {t["key"] for t in rep["tables"]}
    assert "survey_response_rates" in keys
    assert "survey_response_rates_by_measure" not in keys
    assert rep["themes"] is None


def test_a_measure_that_asked_few_is_summed_and_hidden(world):
    surveyed_group(world, listed=3, answering=2)
    year = timezone.localdate().year
    body = token_caller(world.coordinator)("get", f"/api/v1/reports/surveys?year={year}").json()
    by_measure = next(t for t in body["tables"] if t["key"] == "survey_response_rates_by_measure")
    assert by_measure["rows"] == [["Insatser med färre än 5 tillfrågade", 1, None, None, None]]
