"""Reading employment data files (CSV or XLSX) into raw rows. Validation against the
organisation's employees happens in `services.employment_import`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from lom.common.errors import DomainError
from lom.common.files import Cell, read_table

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


def _map_header(header: list[Cell]) -> dict[str, int]:
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


def _rows(table: list[list[Cell]]) -> list[RawRow]:
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
    if not out:
        raise DomainError(_("Filen har inga rader med uppgifter."), field="file", code="empty")
    return out


def read_upload(
    upload: UploadedFile | None = None, *, name: str = "", data: bytes | None = None
) -> list[RawRow]:
    """The raw rows of an employment data file (CSV or XLSX), read by the one reader
    (`lom.common.files.read_table`: size, row, column and encoding limits, messages on the
    field `file`)."""
    return _rows(read_table(upload, name=name, data=data))


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
