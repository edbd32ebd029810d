"""The plan-against-actual workbook keeps a title that looks like a formula as text."""

from datetime import date
from io import BytesIO

from openpyxl import load_workbook

from lom.planning import services as ps
from lom.reports.plan_actual import plan_actual_xlsx, plan_vs_actual

FORMULA = '=HYPERLINK("http://example.invalid/x","Öppna")'


def test_plan_title_with_a_formula_stays_text(world):
    plan = ps.plan_create(
        actor=world.actor(world.coordinator),
        title=FORMULA,
        period_start=date(date.today().year, 1, 1),
        period_end=date(date.today().year, 12, 31),
    )
    book = load_workbook(BytesIO(plan_actual_xlsx(plan_vs_actual(plan=plan))))
    cell = book.worksheets[0]["A1"]
    assert cell.value == f"{FORMULA} (v{plan.version})"
    assert cell.data_type == "s" and cell.quotePrefix
