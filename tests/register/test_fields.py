"""Column suggestions for the ways HR systems name their columns, the cell parsers, the header
row for the mapping form, and saving a mapping."""

from datetime import date, datetime
from decimal import Decimal

import pytest

from lom.common.errors import DomainError
from lom.register import parsing
from lom.register.fields import FIELDS, suggest_columns
from lom.register.models import ImportRun
from lom.register.selectors import file_headers, mapping_for
from lom.register.services import UploadedExport, mapping_save
from tests.register.files import PEOPLE, csv_bytes, employees_file, previewed, units_file


def test_every_kind_has_its_required_fields():
    required = {k: {f.key for f in fs if f.required} for k, fs in FIELDS.items()}
    assert required == {
        "units": {"code", "name"},
        "employees": {
            "employee_number",
            "first_name",
            "last_name",
            "unit_code",
            "employment_start",
            "birth_year",
            "gender",
        },
        "months": {"employee_number", "month"},
        "payroll": {"year", "payroll"},
    }


def test_suggestions_for_two_export_layouts():
    primula = ["ANSTNR", "Tilltalsnamn", "Efternamn", "Mejl", "Kostnadsställe", "Yrkeskod",
               "Befattning", "Anställd fr.o.m.", "T.o.m.", "Tjänstgöringsgrad", "Födelseår",
               "Kön", "Anst.form", "Skostorlek"]  # fmt: skip
    assert suggest_columns("employees", primula) == {
        "employee_number": "ANSTNR",
        "first_name": "Tilltalsnamn",
        "last_name": "Efternamn",
        "email": "Mejl",
        "unit_code": "Kostnadsställe",
        "ssyk": "Yrkeskod",
        "occupation": "Befattning",
        "employment_start": "Anställd fr.o.m.",
        "employment_end": "T.o.m.",
        "employment_rate": "Tjänstgöringsgrad",
        "birth_year": "Födelseår",
        "gender": "Kön",
        "employment_form": "Anst.form",
    }
    heroma = ["Personalnummer", "Förnamn", "Efternamn", "E-post", "Org.enhet", "SSYK",
              "Anställningens början", "Slutdatum", "Syss.grad", "Födelseår", "Kön"]  # fmt: skip
    suggested = suggest_columns("employees", heroma)
    assert suggested["employee_number"] == "Personalnummer"
    assert suggested["unit_code"] == "Org.enhet"
    assert suggested["employment_start"] == "Anställningens början"
    assert suggest_columns("months", ["AnstId", "Period", "Arbetstid", "Inkomst"]) == {
        "employee_number": "AnstId",
        "month": "Period",
        "hours_per_week": "Arbetstid",
        "income": "Inkomst",
    }
    assert suggest_columns("payroll", [" år ", "LÖNESUMMA"]) == {
        "year": "år",
        "payroll": "LÖNESUMMA",
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-03", date(2026, 3, 1)),
        ("2026-03-17", date(2026, 3, 1)),
        ("202603", date(2026, 3, 1)),
        ("mars 2026", date(2026, 3, 1)),
        ("Okt 2025", date(2025, 10, 1)),
        ("2025 december", date(2025, 12, 1)),
        (datetime(2026, 4, 9), date(2026, 4, 1)),
        (202605, date(2026, 5, 1)),
    ],
)
def test_months(text, expected):
    assert parsing.month(text) == expected


@pytest.mark.parametrize("text", ["2026-13", "2026-02-30", "smörgås 2026", "26-03"])
def test_not_months(text):
    with pytest.raises(parsing.CellError):
        parsing.month(text)


def test_numbers_dates_and_codes():
    assert parsing.number("1 234,50") == Decimal("1234.50")
    assert parsing.number("1.234,50") == Decimal("1234.50")
    assert parsing.number("12\u00a0000 kr") == Decimal("12000")
    assert parsing.ore("45 000,50", max_ore=10**14) == 4_500_050
    assert parsing.a_date("20260301") == date(2026, 3, 1)
    assert parsing.a_date("1.3.2026") == date(2026, 3, 1)
    assert parsing.gender("Kvinna") == "F" and parsing.gender("w") == "F"
    assert parsing.gender("Man") == "M" and parsing.gender("annat") == "X"
    assert parsing.employment_form("Visstid") == "fixed_term"
    assert parsing.employment_form("TILLSVIDARE") == "permanent"
    assert parsing.text(1003.0, max_length=40) == "1003"
    assert parsing.text("-12,5", max_length=40) == "-12,5"
    with pytest.raises(parsing.CellError, match="formel"):
        parsing.text("@SUM(A1)", max_length=40)


def test_file_headers_for_the_mapping_form():
    data = csv_bytes([["Anst.nr", "Förnamn", ""], ["1", "Åsa", ""]], encoding="cp1252")
    assert file_headers(file_name="p.csv", data=data) == ["Anst.nr", "Förnamn"]
    with pytest.raises(DomainError, match="rubrikrad"):
        file_headers(file_name="p.csv", data=b"\r\n")
    with pytest.raises(DomainError, match="gick inte att läsa som text"):
        file_headers(file_name="p.csv", data="a;b".encode("utf-16"))


def test_a_saved_mapping_is_reused_by_the_next_import(world, django_capture_on_commit_callbacks):
    header = ["Nr", "Tilltal", "Släkt", "Enh", "Född", "Kön", "Start"]
    mapping = {
        "employee_number": "Nr",
        "first_name": "Tilltal",
        "last_name": "Släkt",
        "unit_code": "Enh",
        "birth_year": "Född",
        "gender": "Kön",
        "employment_start": "Start",
    }
    mapping_save(actor=world.admin, organisation=world.org, kind="employees", columns=mapping)
    assert mapping_for(organisation=world.org, kind="employees") == mapping
    rows = [["7", "Åsa", "Ås", "M", "1970", "K", "2001-01-01"]]
    run = previewed(
        django_capture_on_commit_callbacks,
        world,
        [units_file([["M", "Myndigheten", "", ""]]), employees_file(rows, header=header)],
    )
    assert run.status == ImportRun.Status.PREVIEWED, run.errors
    assert run.files.get(kind="employees").columns == mapping


def test_a_clean_scheduled_sync_applies_itself(world, django_capture_on_commit_callbacks):
    files = [units_file(), employees_file(PEOPLE)]
    run = previewed(django_capture_on_commit_callbacks, world, files, apply_when_clean=True)
    assert run.status == ImportRun.Status.APPLIED and run.progress == 100
    bad = [UploadedExport("units", "u.csv", csv_bytes([["Enhetskod", "Enhetsnamn"], ["", "X"]]))]
    run = previewed(django_capture_on_commit_callbacks, world, bad, apply_when_clean=True)
    assert run.status == ImportRun.Status.INVALID
