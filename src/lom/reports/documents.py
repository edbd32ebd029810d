"""The annual report as files: a PDF (WeasyPrint) and an Excel workbook (openpyxl, one sheet
per table). Both render the same `AnnualFigures` the dashboard and the API show."""

import io
import re
from decimal import Decimal
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill

from lom.reports.figures import (
    COUNT,
    DATE,
    DECIMAL,
    MONEY,
    PERCENT,
    SUPPRESSED,
    AnnualFigures,
    Table,
)

MONEY_FORMAT = '#,##0.00 "kr"'
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def xlsx_value(value: Any, kind: str) -> tuple[Any, str | None]:
    """A cell value and its number format: money in kronor, percent as a fraction."""
    if value is SUPPRESSED:
        return _("dolt"), None
    if value is None:
        return None, None
    if kind == MONEY:
        return Decimal(int(value)) / 100, MONEY_FORMAT
    if kind == PERCENT:
        return float(value) / 100, "0.0%"
    if kind == DECIMAL:
        return float(value), "0.0"
    if kind == COUNT:
        return int(value), "0"
    if kind == DATE:
        return value, "yyyy-mm-dd"
    return str(value), None


def sheet_name(title: str, used: set[str]) -> str:
    base = _BAD_SHEET_CHARS.sub("-", title).strip()[:31] or "Blad"
    name, i = base, 2
    while name.lower() in used:
        suffix = f" ({i})"
        name, i = base[: 31 - len(suffix)] + suffix, i + 1
    used.add(name.lower())
    return name


def write_table(wb: Workbook, table: Table, used: set[str]) -> None:
    ws = wb.create_sheet(sheet_name(table.title, used))
    bold = Font(bold=True)
    head_fill = PatternFill("solid", fgColor="F3F5F8")
    for i, col in enumerate(table.columns):
        letter = chr(ord("A") + i) if i < 26 else None
        if letter:
            ws.column_dimensions[letter].width = 40 if i == 0 else max(14, len(col.label) + 2)
    title = WriteOnlyCell(ws, value=table.title)
    title.font = Font(bold=True, size=13)
    ws.append([title])
    header = []
    for col in table.columns:
        c = WriteOnlyCell(ws, value=str(col.label))
        c.font = bold
        c.fill = head_fill
        header.append(c)
    ws.append(header)

    def cells(values: list[Any], *, strong: bool = False) -> list[WriteOnlyCell]:
        out = []
        for v, col in zip(values, table.columns, strict=False):
            value, fmt = xlsx_value(v, col.kind)
            c = WriteOnlyCell(ws, value=value)
            if isinstance(value, str):
                c.data_type = "s"  # never a formula
            if fmt:
                c.number_format = fmt
            if strong:
                c.font = bold
            out.append(c)
        return out

    for i, row in enumerate(table.rows):
        flagged = i < len(table.flagged) and table.flagged[i]
        ws.append(cells(row, strong=flagged))
    if table.total is not None and table.rows:
        ws.append(cells(table.total, strong=True))
    if table.note:
        ws.append([])
        ws.append([table.note])


def annual_report_xlsx(fig: AnnualFigures) -> bytes:
    wb = Workbook(write_only=True)
    used: set[str] = set()
    about = wb.create_sheet(sheet_name(_("Om rapporten"), used))
    about.column_dimensions["A"].width = 30
    about.column_dimensions["B"].width = 60
    for row in [
        [_("Årsrapport om omställningsmedel")],
        [_("Organisation"), fig.organisation.name],
        [_("År"), fig.year],
        [_("Uppgifter per"), timezone.localdate().isoformat()],
        [
            _("Sekretess"),
            _(
                "Antal personer under 5 visas inte (dolt). Belopp i kronor; andelar i procent. "
                "Alla belopp kommer ur fondens huvudbok."
            ),
        ],
    ]:
        about.append(row)
    for table in fig.tables():
        write_table(wb, table, used)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# Laying out thousands of table rows takes WeasyPrint minutes; above this many decisions
# the PDF shows them per month and per measure type, and the workbook lists every one.
PDF_MAX_DECISION_ROWS = 300


def annual_report_html(fig: AnnualFigures) -> str:
    monthly, per_type, listing = fig.decisions
    return render_to_string(
        "reports/annual_pdf.html",
        {
            "fig": fig,
            "generated_on": timezone.localdate(),
            "monthly": monthly,
            "per_type": per_type,
            "listing": listing,
            "list_decisions": len(listing.rows) <= PDF_MAX_DECISION_ROWS,
        },
    )


def annual_report_pdf(fig: AnnualFigures) -> bytes:
    from weasyprint import HTML

    return HTML(string=annual_report_html(fig)).write_pdf()
