"""The register fields each export file kind carries, and how HR and payroll systems name
their columns (Primula, Heroma, Palasso and others), so a first import can suggest a mapping.

Pure: no database, no settings."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class FieldSpec:
    key: str
    label: str
    required: bool
    synonyms: tuple[str, ...] = ()


def _f(key: str, label, required: bool, *synonyms: str) -> FieldSpec:
    return FieldSpec(key, label, required, synonyms)


_NUMBER = (
    "Anställningsnummer",
    "Anst.nr",
    "Anstnr",
    "Anst nr",
    "Anställningsnr",
    "Personalnummer",
    "Personalnr",
    "AnstId",
    "Anst.id",
    "Anställnings-id",
    "Medarbetarnummer",
    "Employee number",
    "Employee id",
    "EmployeeNumber",
)

FIELDS: dict[str, tuple[FieldSpec, ...]] = {
    "units": (
        _f(
            "code",
            _("Enhetskod"),
            True,
            "Enhetskod",
            "Kod",
            "Enhet",
            "Enhetsnr",
            "Org.enhet",
            "Organisationsenhet",
            "Kostnadsställe",
            "Kstl",
            "Unit code",
            "Unit id",
            "Code",
        ),
        _f(
            "name",
            _("Enhetens namn"),
            True,
            "Namn",
            "Enhetsnamn",
            "Benämning",
            "Enhetens namn",
            "Org.enhet namn",
            "Kostnadsställe namn",
            "Name",
            "Unit name",
        ),
        _f(
            "parent_code",
            _("Överordnad enhet (kod)"),
            False,
            "Överordnad enhet",
            "Överordnad",
            "Överordnad kod",
            "Överordnad enhetskod",
            "Moderenhet",
            "Parent",
            "Parent code",
            "Ingår i",
        ),
        _f(
            "manager_number",
            _("Chefens anställningsnummer"),
            False,
            "Chef",
            "Chefens anst.nr",
            "Chef anst.nr",
            "Chef anstnr",
            "Chefens anställningsnummer",
            "Chef personalnummer",
            "Chefsnummer",
            "Manager",
            "Manager number",
            "Manager id",
        ),
    ),
    "employees": (
        _f("employee_number", _("Anställningsnummer"), True, *_NUMBER),
        _f("first_name", _("Förnamn"), True, "Förnamn", "Tilltalsnamn", "First name", "Given name"),
        _f(
            "last_name",
            _("Efternamn"),
            True,
            "Efternamn",
            "Släktnamn",
            "Last name",
            "Family name",
            "Surname",
        ),
        _f(
            "email",
            _("E-post"),
            False,
            "E-post",
            "Epost",
            "E-postadress",
            "Mejl",
            "Mail",
            "E-mail",
            "Email",
        ),
        _f(
            "unit_code",
            _("Enhetskod"),
            True,
            "Enhetskod",
            "Enhet",
            "Org.enhet",
            "Organisationsenhet",
            "Kostnadsställe",
            "Kstl",
            "Avdelning",
            "Unit",
            "Unit code",
        ),
        _f("ssyk", _("Yrkeskod (SSYK)"), False, "SSYK", "SSYK 2012", "SSYK-kod", "Yrkeskod"),
        _f(
            "occupation",
            _("Yrkesgrupp"),
            False,
            "Befattning",
            "Yrkesgrupp",
            "Yrke",
            "Titel",
            "Befattningsbenämning",
            "Occupation",
            "Job title",
        ),
        _f(
            "employment_start",
            _("Anställd från"),
            True,
            "Anställd fr.o.m.",
            "Anst.datum",
            "Anställningsdatum",
            "Anställningens början",
            "Anställd från",
            "Startdatum",
            "Fr.o.m.",
            "From",
            "Start date",
        ),
        _f(
            "employment_end",
            _("Anställd till"),
            False,
            "Anställd t.o.m.",
            "Slutdatum",
            "T.o.m.",
            "Anställningens slut",
            "Anställd till",
            "To",
            "End date",
        ),
        _f(
            "employment_rate",
            _("Sysselsättningsgrad (procent)"),
            False,
            "Syss.grad",
            "Sysselsättningsgrad",
            "Tjänstgöringsgrad",
            "Tjg.grad",
            "Omfattning",
            "Employment rate",
            "FTE",
        ),
        _f(
            "birth_year",
            _("Födelseår"),
            True,
            "Födelseår",
            "Född",
            "Födelse år",
            "Birth year",
            "Year of birth",
        ),
        _f("gender", _("Kön"), True, "Kön", "Juridiskt kön", "Gender", "Sex"),
        _f(
            "employment_form",
            _("Anställningsform"),
            False,
            "Anställningsform",
            "Anst.form",
            "Anställningstyp",
            "Employment form",
            "Employment type",
        ),
    ),
    "months": (
        _f("employee_number", _("Anställningsnummer"), True, *_NUMBER),
        _f(
            "month",
            _("Månad"),
            True,
            "Månad",
            "Period",
            "Löneperiod",
            "Lönemånad",
            "Redovisningsperiod",
            "Month",
        ),
        _f(
            "hours_per_week",
            _("Timmar per vecka"),
            False,
            "Timmar/vecka",
            "Timmar per vecka",
            "Tim/v",
            "Arbetstid",
            "Veckoarbetstid",
            "Hours per week",
            "Hours",
        ),
        _f(
            "income",
            _("Inkomst (kr)"),
            False,
            "Inkomst",
            "Lön",
            "Bruttolön",
            "Månadslön",
            "Utbetald lön",
            "Income",
            "Salary",
            "Gross pay",
        ),
    ),
    "payroll": (
        _f("year", _("År"), True, "År", "Lönesummeår", "Inkomstår", "Year"),
        _f(
            "payroll",
            _("Lönesumma (kr)"),
            True,
            "Lönesumma",
            "Lönesumma kr",
            "Total lön",
            "Lönekostnad",
            "Payroll",
        ),
    ),
}


def spec(kind: str, key: str) -> FieldSpec:
    return next(f for f in FIELDS[kind] if f.key == key)


def norm(header: object) -> str:
    """A header as compared: lower case, letters and digits only (so "Anst.nr", "ANST NR" and
    "anst_nr" are one)."""
    return re.sub(r"[\W_]+", "", str(header or "").casefold())


def header_row(row: Iterable[object]) -> list[str]:
    """A file's first row as header texts (trailing empty cells dropped)."""
    headers = [str(c).strip() if c is not None else "" for c in row]
    while headers and not headers[-1]:
        headers.pop()
    return headers


def suggest_columns(kind: str, headers: Iterable[object]) -> dict[str, str]:
    """{field_key: header} for each field one of the file's headers names (its key, label or a
    synonym), each header used once, earlier synonyms winning."""
    by_norm: dict[str, str] = {}
    for h in headers:
        text = str(h or "").strip()
        if text and norm(text) not in by_norm:
            by_norm[norm(text)] = text
    taken: set[str] = set()
    out: dict[str, str] = {}
    for field in FIELDS.get(kind, ()):
        for name in (field.key, str(field.label), *field.synonyms):
            header = by_norm.get(norm(name))
            if header is not None and header not in taken:
                out[field.key] = header
                taken.add(header)
                break
    return out


def mapping_complete(  # pure: a check of a mapping against a file's headers
    *, kind: str, headers: list[str], columns: dict[str, str]
) -> bool:
    """Whether `columns` names a header of the file for every required field and only headers
    the file has."""
    present = set(headers)
    if any(h not in present for h in columns.values()):
        return False
    return all(columns.get(spec.key) for spec in FIELDS[kind] if spec.required)
