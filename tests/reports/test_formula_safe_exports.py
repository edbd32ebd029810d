"""Every file the reports write keeps a title that looks like a formula as text: in CSV the
cell starts with an apostrophe, in Excel it is a string cell (data_type "s")."""

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from lom.cases import services as case_services
from lom.funds.models import FundPeriod
from lom.reports.documents import annual_report_xlsx
from lom.reports.figures import annual_figures
from tests.reporting import build_scenario, new_case

FORMULA = '=HYPERLINK("http://example.invalid/x","Öppna")'
KR = 100


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def csv_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))


def xlsx_cells(content: bytes) -> list:
    wb = load_workbook(io.BytesIO(content))
    return [cell for ws in wb.worksheets for row in ws.iter_rows() for cell in row]


def assert_text_everywhere(cells: list) -> None:
    found = [c for c in cells if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert found, "the formula-like text is in the file"
    for c in found:
        assert c.data_type == "s", (c.coordinate, c.value)
        assert c.value in (FORMULA, "'" + FORMULA) or not c.value.startswith("=")


@pytest.fixture
def formula_case(world):
    """An approved application titled with a formula, with an expense whose memo is one."""
    case = new_case(world, world.employee, title=FORMULA, amount_ore=1000 * KR)
    coord = world.actor(world.coordinator)
    case = case_services.case_transition(actor=coord, case=case, name="start_review")
    case = case_services.case_transition(actor=coord, case=case, name="approve", reason="Ja.")
    case_services.case_record_expense(actor=coord, case=case, amount_ore=100 * KR, memo=FORMULA)
    return case


def test_case_exports_keep_a_formula_title_as_text(world, formula_case):
    c = client_for(world.coordinator)
    rows = csv_rows(c.get(reverse("reports:export_cases_csv")))
    assert next(r for r in rows if r[0] == formula_case.number)[1] == "'" + FORMULA
    assert_text_everywhere(xlsx_cells(c.get(reverse("reports:export_cases_xlsx")).content))


def test_ledger_exports_keep_a_formula_memo_as_text(world, formula_case):
    c = client_for(world.coordinator)
    period = formula_case.period
    rows = csv_rows(c.get(reverse("reports:export_ledger_csv", args=[period.pk])))
    assert "'" + FORMULA in [r[3] for r in rows]
    # Negative amounts stay numbers (no apostrophe in front of a minus sign).
    assert all(not r[4].startswith("'") for r in rows[1:])
    content = c.get(reverse("reports:export_ledger_xlsx", args=[period.pk])).content
    assert_text_everywhere(xlsx_cells(content))


def test_decision_exports_keep_a_formula_title_as_text(world, formula_case):
    c = client_for(world.coordinator)
    rows = csv_rows(c.get(reverse("reports:export_decisions_csv")))
    assert next(r for r in rows if r[1] == formula_case.number)[2] == "'" + FORMULA
    assert_text_everywhere(xlsx_cells(c.get(reverse("reports:export_decisions_xlsx")).content))


def test_annual_workbook_keeps_a_formula_name_as_text(world):
    scenario = build_scenario(world)
    FundPeriod.objects.filter(pk=scenario.p1.pk).update(name=FORMULA)
    fig = annual_figures(organisation=world.org, year=2024, today=scenario.p1.end)
    cells = xlsx_cells(annual_report_xlsx(fig))
    assert_text_everywhere(cells)
    assert any(c.value == FORMULA and c.quotePrefix for c in cells if c.value)
