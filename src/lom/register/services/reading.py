"""Reading one export file of a run into checked rows: the file streamed through
`lom.common.files.iter_table`, the header matched to the run's column mapping, each mapped cell
parsed into a register value. Row errors name the file kind, the line and the column; nothing
here touches the database."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lom.common.bounds import MAX_AMOUNT_ORE
from lom.common.errors import DomainError
from lom.common.files import MAX_XLSX_UNPACKED_BYTES, iter_table
from lom.register import parsing as p
from lom.register.fields import FIELDS, FieldSpec, header_row, norm, suggest_columns
from lom.support.services import MAX_HOURS_PER_WEEK

KEYS = {"units": "code", "employees": "employee_number"}
STORED_MAX = 5_000  # errors and changes kept on the run (the counts are complete)


class Issues:
    """Every error of a run: the first STORED_MAX kept as dicts, all of them counted."""

    def __init__(self) -> None:
        self.stored: list[dict[str, Any]] = []
        self.count = 0
        self.per_kind: dict[str, int] = {}

    def add(self, kind: str, line: int, column: str, message: str) -> None:
        self.count += 1
        self.per_kind[kind] = self.per_kind.get(kind, 0) + 1
        if len(self.stored) < STORED_MAX:
            self.stored.append(
                {"kind": kind, "line": line, "column": column, "message": str(message)}
            )


@dataclass
class FileRows:
    """The checked rows of one file: (line, {field_key: value}) for each row without error."""

    kind: str
    mapped: frozenset[str] = frozenset()
    columns: dict[str, str] = field(default_factory=dict)  # field key -> header in the file
    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    # The key (unit code, employee number) of every row whose key cell could be read, also of
    # rows with other errors: a row's error is not repeated as "not found" in another file.
    keys: set[str] = field(default_factory=set)
    ignored: list[str] = field(default_factory=list)
    row_count: int = 0
    broken: bool = False  # a file error: the file as a whole could not be read


BIRTH_YEAR = gettext_lazy("Födelseåret")
RATE = gettext_lazy("Sysselsättningsgraden")
HOURS = gettext_lazy("Timmar per vecka")
YEAR = gettext_lazy("Året")


def _cell_parsers(today: date) -> dict[str, dict[str, Callable[[Any], Any]]]:
    def email(v: Any) -> str:
        out = p.text(v, max_length=254)
        if out:
            try:
                validate_email(out)
            except ValidationError as exc:
                raise p.CellError(_("%(v)s är ingen e-postadress.") % {"v": out[:60]}) from exc
        return out

    def birth_year(v: Any) -> int | None:
        return p.whole(v, low=today.year - 100, high=today.year - 14, label=BIRTH_YEAR)

    def rate(v: Any) -> Decimal | None:
        return p.bounded(v, low=Decimal(0), high=Decimal(100), places=2, label=RATE)

    def hours(v: Any) -> Decimal | None:
        return p.bounded(v, low=Decimal(0), high=MAX_HOURS_PER_WEEK, places=1, label=HOURS)

    def code(v: Any) -> str:
        # Interned: a months file names each employee on twelve rows.
        return sys.intern(p.text(v, max_length=40))

    def money(v: Any) -> int | None:
        return p.ore(v, max_ore=MAX_AMOUNT_ORE)

    return {
        "units": {
            "code": code,
            "name": lambda v: p.text(v, max_length=200),
            "parent_code": code,
            "manager_number": code,
        },
        "employees": {
            "employee_number": code,
            "first_name": lambda v: p.text(v, max_length=100),
            "last_name": lambda v: p.text(v, max_length=100),
            "email": email,
            "unit_code": code,
            "ssyk": p.ssyk,
            "occupation": lambda v: p.text(v, max_length=100),
            "employment_start": p.a_date,
            "employment_end": p.a_date,
            "employment_rate": rate,
            "birth_year": birth_year,
            "gender": p.gender,
            "employment_form": p.employment_form,
        },
        "months": {
            "employee_number": code,
            "month": p.month,
            "hours_per_week": hours,
            "income": money,
        },
        "payroll": {
            "year": lambda v: p.whole(v, low=2000, high=2100, label=YEAR),
            "payroll": money,
        },
    }


def _row_rules(kind: str, values: dict[str, Any], today: date) -> list[tuple[str, str]]:
    """Checks across the cells of one row: (field key, message)."""
    out: list[tuple[str, str]] = []
    if kind == "employees":
        start, end = values.get("employment_start"), values.get("employment_end")
        if start and end and end < start:
            out.append(("employment_end", _("Slutdatum ligger före startdatum.")))
        if start and start > today + timedelta(days=366):
            out.append(("employment_start", _("Startdatum ligger mer än ett år fram i tiden.")))
    if kind == "months" and values.get("hours_per_week") is None and values.get("income") is None:
        out.append(("hours_per_week", _("Ange timmar per vecka eller inkomst.")))
    return out


def resolve_columns(
    kind: str, headers: list[str], columns: dict[str, str]
) -> tuple[dict[str, int], list[tuple[str, str]]]:  # pure: the header matched
    """{field_key: column index} for the mapping, and the file errors: (column, message) for a
    required field without a column or a mapped column the file does not have."""
    index: dict[str, int] = {}
    for i, h in enumerate(headers):
        index.setdefault(norm(h), i)
    found: dict[str, int] = {}
    problems: list[tuple[str, str]] = []
    for spec in FIELDS[kind]:
        header = (columns.get(spec.key) or "").strip()
        if header:
            if norm(header) in index:
                found[spec.key] = index[norm(header)]
            else:
                problems.append(
                    (
                        header,
                        _("Kolumnen %(col)s (för %(field)s) finns inte i filen.")
                        % {"col": header, "field": spec.label},
                    )
                )
        elif spec.required:
            problems.append(
                (
                    str(spec.label),
                    _("Ingen kolumn i filen är vald för %(field)s.") % {"field": spec.label},
                )
            )
    if kind == "months" and not {"hours_per_week", "income"} & set(columns):
        problems.append(
            (
                _("Timmar per vecka"),
                _("Välj en kolumn för timmar per vecka eller för inkomst."),
            )
        )
    return found, problems


def read_file(
    *,
    kind: str,
    file_name: str,
    data: bytes,
    columns: dict[str, str],
    max_rows: int,
    issues: Issues,
    today: date,
    tick: Callable[[int], None] | None = None,
) -> FileRows:  # pure: reads a file
    """The checked rows of one file. A file error (unreadable, a missing column, too many rows)
    is recorded with line 0 and marks the file broken; the rows read before a row limit are
    still checked so the admin sees their errors too."""
    out = FileRows(kind=kind)
    specs: dict[str, FieldSpec] = {s.key: s for s in FIELDS[kind]}
    parsers = _cell_parsers(today)[kind]
    rows = iter_table(
        data=data,
        name=file_name,
        max_rows=max_rows,
        max_unpacked_bytes=max(MAX_XLSX_UNPACKED_BYTES, 20 * len(data)),
    )
    try:
        first = next(rows, None)
        if first is None:
            raise DomainError(_("Filen är tom."), field="file")
        headers = header_row(first)
        found, problems = resolve_columns(kind, headers, columns or suggest_columns(kind, headers))
        for column, message in problems:
            issues.add(kind, 0, column, message)
        if problems:
            out.broken = True
            return out
        out.columns = {key: headers[i] for key, i in found.items()}
        out.mapped = frozenset(found)
        used = set(found.values())
        out.ignored = [h for i, h in enumerate(headers) if h and i not in used]
        items = list(found.items())
        for line, row in enumerate(rows, start=2):
            out.row_count += 1
            if tick is not None and out.row_count % 5_000 == 0:
                tick(out.row_count)
            if not any(c not in (None, "") for c in row):
                continue  # an empty line
            values: dict[str, Any] = {}
            bad = False
            for key, i in items:
                cell = row[i] if i < len(row) else None
                try:
                    value = parsers[key](cell)
                except p.CellError as exc:
                    issues.add(kind, line, headers[i], exc.message)
                    bad = True
                    continue
                if specs[key].required and value in (None, ""):
                    issues.add(kind, line, headers[i], _("Värde saknas."))
                    bad = True
                values[key] = value
            if values.get(KEYS.get(kind, "")):
                out.keys.add(values[KEYS[kind]])
            if not bad:
                for key, message in _row_rules(kind, values, today):
                    issues.add(kind, line, out.columns.get(key, key), message)
                    bad = True
            if not bad:
                out.rows.append((line, values))
    except DomainError as exc:
        issues.add(kind, 0, "", str(exc.message))
        out.broken = True
    return out
