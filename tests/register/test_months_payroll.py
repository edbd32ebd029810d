"""Monthly employment rows and payroll per year: upserts, formats (XLSX, Windows-1252 CSV with
decimal comma and thousands space), and their row errors."""

from datetime import date, datetime
from decimal import Decimal

import pytest

from lom.funds.models import AnnualPayroll
from lom.register.models import ImportRun
from lom.register.services import UploadedExport, import_apply
from lom.support.models import EmploymentMonth
from tests.register.files import (
    MONTH_HEADER,
    csv_bytes,
    employees_file,
    messages,
    months_file,
    payroll_file,
    previewed,
    units_file,
    xlsx_bytes,
)

S = ImportRun.Status


@pytest.fixture
def staffed(world, django_capture_on_commit_callbacks):
    run = previewed(django_capture_on_commit_callbacks, world, [units_file(), employees_file()])
    return import_apply(actor=world.admin, run=run)


def _months(world):
    return {
        (m.employee.employee_number, m.month): (m.hours_per_week, m.income_ore)
        for m in EmploymentMonth.objects.filter(organisation=world.org).select_related("employee")
    }


def test_months_upsert_by_employee_and_month(world, staffed, django_capture_on_commit_callbacks):
    rows = [
        ["1001", "2026-01", "40", "45 000,50"],
        ["1001", "2026-02-01", "40", "45000"],
        ["1002", "202601", "30,5", ""],
        ["1003", "mars 2026", "", "12 345"],
    ]
    run = previewed(django_capture_on_commit_callbacks, world, [months_file(rows)])
    assert run.status == S.PREVIEWED, run.errors
    assert run.counts["months"]["new"] == 4
    import_apply(actor=world.admin, run=run)
    assert _months(world) == {
        ("1001", date(2026, 1, 1)): (Decimal("40.0"), 4_500_050),
        ("1001", date(2026, 2, 1)): (Decimal("40.0"), 4_500_000),
        ("1002", date(2026, 1, 1)): (Decimal("30.5"), 0),
        ("1003", date(2026, 3, 1)): (Decimal("0.0"), 1_234_500),
    }
    # Again with one change: one row updated, the rest unchanged, nothing new.
    rows[0] = ["1001", "2026-01", "38", "45 000,50"]
    again = previewed(django_capture_on_commit_callbacks, world, [months_file(rows)])
    c = again.counts["months"]
    assert (c["new"], c["changed"], c["unchanged"]) == (0, 1, 3)
    assert again.changes[0]["fields"] == {"hours_per_week": ["40.0", "38.0"]}
    import_apply(actor=world.admin, run=again)
    assert _months(world)[("1001", date(2026, 1, 1))] == (Decimal("38.0"), 4_500_050)
    assert EmploymentMonth.objects.filter(organisation=world.org).count() == 4


def test_month_rows_of_new_employees_in_the_same_run(world, django_capture_on_commit_callbacks):
    rows = [["1003", "2026-01", "40", "30000"]]
    run = previewed(
        django_capture_on_commit_callbacks,
        world,
        [units_file(), employees_file(), months_file(rows)],
    )
    assert run.status == S.PREVIEWED, run.errors
    import_apply(actor=world.admin, run=run)
    assert _months(world) == {("1003", date(2026, 1, 1)): (Decimal("40.0"), 3_000_000)}


def test_month_row_errors(world, staffed, django_capture_on_commit_callbacks):
    rows = [
        ["9999", "2026-01", "40", "1"],
        ["1001", "2026-13", "40", "1"],
        ["1001", "2026-02", "200", "1"],
        ["1001", "2026-03", "40", "-5"],
        ["1001", "2026-04", "", ""],
        ["1002", "2026-01", "40", "1"],
        ["1002", "2026-01-01", "40", "1"],
    ]
    run = previewed(django_capture_on_commit_callbacks, world, [months_file(rows)])
    assert run.status == S.INVALID
    assert messages(run) == [
        ("months", 3, "Månad", "2026-13 är ingen månad (skriv ÅÅÅÅ-MM)."),
        ("months", 4, "Timmar/vecka", "Timmar per vecka ska vara mellan 0 och 168."),
        ("months", 5, "Bruttolön", "Beloppet får inte vara negativt."),
        ("months", 6, "Timmar/vecka", "Ange timmar per vecka eller inkomst."),
        (
            "months",
            2,
            "Anst.nr",
            "Medarbetaren 9999 finns varken i medarbetarfilen eller i registret.",
        ),
        ("months", 8, "Månad", "Samma medarbetare och månad finns redan på rad 7."),
    ]
    assert run.error_count == 6 and run.counts["months"]["errors"] == 6
    assert not EmploymentMonth.objects.filter(organisation=world.org).exists()


def test_payroll_upserts_by_year(world, django_capture_on_commit_callbacks):
    run = previewed(
        django_capture_on_commit_callbacks,
        world,
        [payroll_file([["2025", "310 000 000"], ["2026", "320 500 000,25"]])],
    )
    assert run.status == S.PREVIEWED, run.errors
    import_apply(actor=world.admin, run=run)
    payroll = AnnualPayroll.objects.filter(organisation=world.org)
    assert dict(payroll.values_list("year", "payroll_ore")) == {
        2025: 31_000_000_000,
        2026: 32_050_000_025,
    }
    again = previewed(
        django_capture_on_commit_callbacks,
        world,
        [payroll_file([["2025", "310 000 000"], ["2026", "321 000 000"]])],
    )
    c = again.counts["payroll"]
    assert (c["new"], c["changed"], c["unchanged"]) == (0, 1, 1)
    import_apply(actor=world.admin, run=again)
    assert dict(payroll.values_list("year", "payroll_ore"))[2026] == 32_100_000_000
    assert payroll.count() == 2


def test_negative_payroll_and_duplicate_year_are_row_errors(
    world, django_capture_on_commit_callbacks
):
    rows = [["2025", "-1 000"], ["2026", "1"], ["2026", "2"], ["1850", "3"]]
    run = previewed(django_capture_on_commit_callbacks, world, [payroll_file(rows)])
    assert messages(run) == [
        ("payroll", 2, "Lönesumma", "Beloppet får inte vara negativt."),
        ("payroll", 5, "År", "Året ska vara ett heltal mellan 2000 och 2100."),
        ("payroll", 4, "År", "Året 2026 finns redan på rad 3."),
    ]
    assert not AnnualPayroll.objects.filter(organisation=world.org).exists()


def test_windows_1252_semicolon_csv_with_decimal_comma(
    world, staffed, django_capture_on_commit_callbacks
):
    header = ["Personalnummer", "Löneperiod", "Arbetstid", "Utbetald lön"]
    data = csv_bytes([header, ["1002", "Maj 2026", "37,5", "41\xa0250,75"]], encoding="cp1252")
    run = previewed(
        django_capture_on_commit_callbacks, world, [UploadedExport("months", "lön.csv", data)]
    )
    assert run.status == S.PREVIEWED, run.errors
    import_apply(actor=world.admin, run=run)
    assert _months(world) == {("1002", date(2026, 5, 1)): (Decimal("37.5"), 4_125_075)}


def test_xlsx_with_excel_dates_and_numbers(world, staffed, django_capture_on_commit_callbacks):
    data = xlsx_bytes(
        [MONTH_HEADER, ["1001", datetime(2026, 6, 1), 40, 45000.5], [1003, "2026-07", 20.5, 100]]
    )
    run = previewed(
        django_capture_on_commit_callbacks, world, [UploadedExport("months", "m.xlsx", data)]
    )
    assert run.status == S.PREVIEWED, run.errors
    import_apply(actor=world.admin, run=run)
    assert _months(world) == {
        ("1001", date(2026, 6, 1)): (Decimal("40.0"), 4_500_050),
        ("1003", date(2026, 7, 1)): (Decimal("20.5"), 10_000),
    }
