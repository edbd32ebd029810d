"""Reading employment data files (CSV or XLSX) into raw rows. Validation against the
organisation's employees happens in `services.employment_import`."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime

from django.utils.translation import gettext as _

from lom.common.errors import DomainError

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 50_000

# Accepted column names (lower case, spaces and hyphens as underscores) per field.
COLUMNS = {
    "employee_id": ("medarbetar_id", "medarbetare_id", "employee_id", "id"),
    "email": ("epost", "e_post", "email", "e_mail"),
    "month": ("månad", "manad", "month"),
    "hours": ("timmar_per_vecka", "timmar", "hours_per_week", "hours"),
    "income": ("inkomst_kr", "inkomst", "månadsinkomst", "income_kr", "income"),
}
TEMPLATE_HEADER = ["medarbetar_id", "epost", "månad", "timmar_per_vecka", "inkomst_kr"]


@dataclass(frozen=True)
class RawRow:
    number: int  # row number in the file, header = 1
    employee_id: str
    email: str
    month: object
    hours: object
    income: object


def _norm(name: object) -> str:
    return str(name or "").strip().lower().replace(" ", "_").replace("-", "_")


def _map_header(header: list[object]) -> dict[str, int]:
    names = [_norm(h) for h in header]
    found: dict[str, int] = {}
    for key, aliases in COLUMNS.items():
        for i, n in enumerate(names):
            if n in aliases:
                found[key] = i
                break
    missing = [k for k in ("month", "hours", "income") if k not in found]
    if missing or ("employee_id" not in found and "email" not in found):
        raise DomainError(
            _(
                "Filen saknar kolumner. Första raden ska ha rubrikerna: %(cols)s "
                "(medarbetar_id eller epost räcker för att hitta medarbetaren)."
            )
            % {"cols": ", ".join(TEMPLATE_HEADER)},
            field="file",
            code="header",
        )
    return found


def _rows(table: list[list[object]]) -> list[RawRow]:
    if not table:
        raise DomainError(_("Filen är tom."), field="file", code="empty")
    cols = _map_header(table[0])
    out = []
    for number, row in enumerate(table[1:], start=2):
        if not any(str(v or "").strip() for v in row):
            continue

        def cell(key: str, row=row) -> object:
            i = cols.get(key)
            return row[i] if i is not None and i < len(row) else ""

        out.append(
            RawRow(
                number=number,
                employee_id=str(cell("employee_id") or "").strip(),
                email=str(cell("email") or "").strip(),
                month=cell("month"),
                hours=cell("hours"),
                income=cell("income"),
            )
        )
        if len(out) > MAX_ROWS:
            raise DomainError(
                _("Filen har fler än %(n)s rader. Dela upp den.") % {"n": MAX_ROWS},
                field="file",
                code="too_many",
            )
    if not out:
        raise DomainError(_("Filen har inga rader med uppgifter."), field="file", code="empty")
    return out


def _decode(data: bytes) -> str:
    for enc in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise DomainError(_("Filen gick inte att läsa som text."), field="file", code="encoding")


def read_csv(data: bytes) -> list[RawRow]:
    text = _decode(data)
    first = text.splitlines()[0] if text else ""
    delimiter = max((";", ",", "\t"), key=first.count) if first else ";"
    table = [list(r) for r in csv.reader(io.StringIO(text), delimiter=delimiter)]
    return _rows(table)


def read_xlsx(data: bytes) -> list[RawRow]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise DomainError(
            _("Filen gick inte att läsa som Excel (xlsx)."), field="file", code="xlsx"
        ) from exc
    ws = wb.worksheets[0]
    table = [list(r) for r in ws.iter_rows(values_only=True)]
    wb.close()
    return _rows(table)


def read_upload(name: str, data: bytes) -> list[RawRow]:
    if len(data) > MAX_BYTES:
        raise DomainError(_("Filen är större än 5 MB."), field="file", code="too_large")
    if name.lower().endswith(".xlsx"):
        return read_xlsx(data)
    if name.lower().endswith((".csv", ".txt")):
        return read_csv(data)
    raise DomainError(
        _("Ladda upp en CSV-fil eller en Excel-fil (xlsx)."), field="file", code="type"
    )


def parse_month(value: object) -> date | None:
    """'2025-03', '2025-03-01', '2025/03', an Excel date: the first of that month, or None."""
    if isinstance(value, datetime):
        return value.date().replace(day=1)
    if isinstance(value, date):
        return value.replace(day=1)
    text = str(value or "").strip().replace("/", "-")
    parts = text.split("-")
    if len(parts) in (2, 3) and parts[0].isdigit() and parts[1].isdigit():
        try:
            year, month = int(parts[0]), int(parts[1])
            if len(parts) == 3:
                date(year, month, int(parts[2]))  # the day must exist too
            if 1900 <= year <= 2200:
                return date(year, month, 1)
        except ValueError:
            return None
    return None
