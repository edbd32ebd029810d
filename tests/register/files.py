"""Export files as HR and payroll systems write them, built in memory for the tests, and a
helper that uploads them and runs the preview the way the task queue does."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook

from lom.register.models import ImportRun
from lom.register.services import UploadedExport, import_upload

UNIT_HEADER = ["Enhetskod", "Enhetsnamn", "Överordnad enhet", "Chef"]
EMPLOYEE_HEADER = [
    "Anst.nr",
    "Förnamn",
    "Efternamn",
    "E-post",
    "Enhet",
    "SSYK",
    "Befattning",
    "Anst.datum",
    "Slutdatum",
    "Syss.grad",
    "Födelseår",
    "Kön",
    "Anställningsform",
]
MONTH_HEADER = ["Anst.nr", "Månad", "Timmar/vecka", "Bruttolön"]
PAYROLL_HEADER = ["År", "Lönesumma"]

UNITS = [
    ["M", "Myndigheten", "", "1001"],
    ["A", "Avdelning A", "M", "1002"],
    ["B", "Avdelning B", "M", ""],
]


def person(number: str, first: str, last: str, unit: str = "A", **over: Any) -> list[Any]:
    row = {
        "Anst.nr": number,
        "Förnamn": first,
        "Efternamn": last,
        "E-post": f"{first.lower()}@example.org",
        "Enhet": unit,
        "SSYK": "2423",
        "Befattning": "Handläggare",
        "Anst.datum": "2015-03-01",
        "Slutdatum": "",
        "Syss.grad": "100",
        "Födelseår": "1980",
        "Kön": "K",
        "Anställningsform": "Tillsvidare",
    } | over
    return [row[h] for h in EMPLOYEE_HEADER]


PEOPLE = [
    person("1001", "Greta", "Generaldirektör", "M"),
    person("1002", "Ada", "Avdelningschef", "A", **{"Kön": "Kvinna"}),
    person("1003", "Bo", "Berg", "B", **{"Kön": "M", "Syss.grad": "75,5"}),
]


def csv_bytes(
    rows: Sequence[Sequence[Any]], *, sep: str = ";", encoding: str = "utf-8", bom: bool = False
) -> bytes:
    buf = io.StringIO()
    csv.writer(buf, delimiter=sep).writerows(rows)
    text = buf.getvalue()
    return ("\ufeff" if bom else "").encode("utf-8") + text.encode(encoding)


def xlsx_bytes(rows: Sequence[Sequence[Any]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    for row in rows:
        ws.append(list(row))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def units_file(rows=UNITS, header=UNIT_HEADER, **kw: Any) -> UploadedExport:
    return UploadedExport("units", "enheter.csv", csv_bytes([header, *rows]), **kw)


def employees_file(rows=PEOPLE, header=EMPLOYEE_HEADER, **kw: Any) -> UploadedExport:
    return UploadedExport("employees", "personal.csv", csv_bytes([header, *rows]), **kw)


def months_file(rows, header=MONTH_HEADER, **kw: Any) -> UploadedExport:
    return UploadedExport("months", "manader.csv", csv_bytes([header, *rows]), **kw)


def payroll_file(rows, header=PAYROLL_HEADER, **kw: Any) -> UploadedExport:
    return UploadedExport("payroll", "lonesumma.csv", csv_bytes([header, *rows]), **kw)


def previewed(capture, world, files: list[UploadedExport], **kw: Any) -> ImportRun:
    """Upload the files as the world's admin; the preview runs on commit (the queue runs a
    task at once in the tests). Returns the run as the preview left it."""
    with capture(execute=True):
        run = import_upload(actor=world.admin, organisation=world.org, files=files, **kw)
    run.refresh_from_db()
    return run


def messages(run: ImportRun) -> list[tuple[str, int, str, str]]:
    return [(e["kind"], e["line"], e["column"], e["message"]) for e in run.errors]
