"""The annual report as files: a PDF (WeasyPrint) and an Excel workbook (openpyxl, one sheet
per table). Both render the same `AnnualFigures` the dashboard and the API show."""

from decimal import Decimal
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Font, PatternFill

from lom.common.files import XlsxBook, xlsx_cell
from lom.common.pdf import html_to_pdf
from lom.reports.charts import has_chart
from lom.reports.extra_sections import extra_section_tables
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
from lom.reports.models import ReportSection

MONEY_FORMAT = '#,##0.00 "kr"'
# The number format of each kind of column: money in kronor, percent as a fraction.
XLSX_FORMATS = {
    MONEY: MONEY_FORMAT,
    PERCENT: "0.0%",
    DECIMAL: "0.0",
    COUNT: "0",
    DATE: "yyyy-mm-dd",
}


def xlsx_value(value: Any, kind: str) -> tuple[Any, str | None]:
    """A cell value and its number format: money in kronor, percent as a fraction."""
    if value is SUPPRESSED:
        return _("dolt"), None
    if value is None:
        return None, None
    if kind == MONEY:
        return Decimal(int(value)) / 100, MONEY_FORMAT
    if kind == PERCENT:
        return float(value) / 100, XLSX_FORMATS[PERCENT]
    if kind == DECIMAL:
        return float(value), XLSX_FORMATS[DECIMAL]
    if kind == COUNT:
        return int(value), XLSX_FORMATS[COUNT]
    if kind == DATE:
        return value, XLSX_FORMATS[DATE]
    return str(value), None


def write_table(book: XlsxBook, table: Table, comment: str = "") -> None:
    """One sheet: the section's comment (if any), the title, the header, the rows (flagged ones
    bold), the total, the note."""
    ws = book.sheet(table.title)
    head_fill = PatternFill("solid", fgColor="F3F5F8")
    for i, col in enumerate(table.columns[:26]):
        letter = chr(ord("A") + i)
        ws.column_dimensions[letter].width = 40 if i == 0 else max(14, len(col.label) + 2)
    header_row = 2
    if comment:
        book.row(ws, [_("Kommentar: %(text)s") % {"text": comment}])
        header_row = 3
    title = xlsx_cell(ws, table.title)
    title.font = Font(bold=True, size=13)
    ws.append([title])
    header = [xlsx_cell(ws, str(col.label), bold=True) for col in table.columns]
    for c in header:
        c.fill = head_fill
    ws.append(header)

    def cells(values: list[Any], *, strong: bool = False) -> list[Any]:
        out = []
        for v, col in zip(values, table.columns, strict=False):
            value, fmt = xlsx_value(v, col.kind)
            out.append(xlsx_cell(ws, value, number_format=fmt, bold=strong))
        return out

    for i, row in enumerate(table.rows):
        flagged = i < len(table.flagged) and table.flagged[i]
        ws.append(cells(row, strong=flagged))
    if table.total is not None and table.rows:
        ws.append(cells(table.total, strong=True))
    if table.note:
        ws.append([])
        book.row(ws, [table.note])
    if has_chart(table):
        add_chart(ws, table, header_row=header_row, after_row=header_row + len(table.rows) + 4)


def add_chart(ws: Any, table: Table, *, header_row: int, after_row: int) -> None:
    """The chart the PDF draws of `table`, as a native Excel chart over the sheet's cells: the
    same value columns, bars across (horizontal) or lines over the rows."""
    spec = table.chart
    assert spec is not None
    first, last = header_row + 1, header_row + len(table.rows)
    chart: BarChart | LineChart
    if spec.kind == "line":
        chart = LineChart()
    else:
        chart = BarChart()
        chart.type = "bar"  # horizontal, as in the PDF
    chart.title = table.title[:255]
    chart.width, chart.height = 24, max(7.5, min(40, 1.2 + 0.6 * len(table.rows)))
    for key in spec.value_keys:
        col = table.index(key) + 1
        chart.add_data(
            Reference(ws, min_col=col, min_row=header_row, max_row=last), titles_from_data=True
        )
    label_col = table.index(spec.label_key) + 1
    chart.set_categories(Reference(ws, min_col=label_col, min_row=first, max_row=last))
    ws.add_chart(chart, f"A{after_row}")


def section_tables(fig: AnnualFigures) -> list[tuple[str, list[Table]]]:
    """The report's sections (codes of `ReportSection`) and their tables, in order."""
    return [
        ("fund", [fig.funds, fig.forecasts, fig.timeline]),
        ("use", list(fig.use)),
        (
            "decisions",
            [*fig.decisions, fig.consultation, fig.objections, fig.late_objections],
        ),
        ("followup", list(fig.outcomes)),
        ("survey", list(fig.survey)),
        ("fairness", list(fig.fairness.tables)),
    ]


def annual_report_xlsx(fig: AnnualFigures, comments: dict[str, str] | None = None) -> bytes:
    """The workbook; `comments` ({section: text}) go on a sheet of their own and above the
    first table of their section."""
    comments = comments or {}
    book = XlsxBook()
    about = book.sheet(_("Om rapporten"))
    about.column_dimensions["A"].width = 30
    about.column_dimensions["B"].width = 60
    about_rows: list[list[Any]] = [
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
    ]
    for row in about_rows:
        book.row(about, row)
    sections = dict(ReportSection.choices)
    if comments:
        sheet = book.sheet(_("Kommentarer"))
        sheet.column_dimensions["A"].width = 30
        sheet.column_dimensions["B"].width = 100
        book.row(sheet, [_("Avsnitt"), _("Kommentar")], bold=True)
        for code, label in sections.items():
            if comments.get(code):
                book.row(sheet, [str(label), comments[code]])
    write_table(book, fig.key_figures)
    for code, tables in section_tables(fig):
        for i, table in enumerate(tables):
            write_table(book, table, comments.get(code, "") if i == 0 else "")
    for _section, tables in extra_section_tables(organisation=fig.organisation, year=fig.year):
        for table in tables:
            write_table(book, table)
    return book.to_bytes()


# Laying out thousands of table rows takes WeasyPrint minutes; above this many decisions
# the PDF shows them per month and per measure type, and the workbook lists every one.
PDF_MAX_DECISION_ROWS = 300


def annual_report_html(fig: AnnualFigures, comments: dict[str, str] | None = None) -> str:
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
            "comments": comments or {},
            "extra": extra_section_tables(organisation=fig.organisation, year=fig.year),
        },
    )


def annual_report_pdf(fig: AnnualFigures, comments: dict[str, str] | None = None) -> bytes:
    return html_to_pdf(annual_report_html(fig, comments))
