"""The one way files leave and enter LOM: tables to CSV or Excel, and tables read from an upload.

Every export goes through `csv_response`, `csv_bytes` or `XlsxBook`, which neutralise text that a
spreadsheet would run as a formula (CSV/formula injection: a title such as
`=HYPERLINK("http://…")` must stay text). Every import goes through `read_table`, which holds
the upload to a size, a row count, a column count and an encoding before anything parses it.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.http import HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from lom.common.errors import DomainError

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"

# What makes a spreadsheet treat a cell as a formula (OWASP's list), also after leading blanks.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "|")


def is_formula_like(text: str) -> bool:
    return text[:1] in FORMULA_TRIGGERS or text.lstrip()[:1] in FORMULA_TRIGGERS


def neutralise(value: Any) -> Any:
    """A cell value that no spreadsheet runs: text that looks like a formula gets a leading
    apostrophe (which Excel and LibreOffice read as "this is text"); other values pass."""
    if isinstance(value, str) and value and is_formula_like(value):
        return "'" + value
    return value


# --- writing ----------------------------------------------------------------------------------


def _csv_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("ja") if value else _("nej")
    if isinstance(value, Decimal | float):
        return f"{value}".replace(".", ",")
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(neutralise(str(value)))


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_rows(header: Sequence[Any], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    """Lines of a CSV file the way Swedish Excel opens it: UTF-8 with a byte-order mark,
    semicolons, decimal comma, every text neutralised."""
    writer = csv.writer(_Echo(), delimiter=";")
    yield "\ufeff" + writer.writerow([_csv_text(h) for h in header])
    for row in rows:
        yield writer.writerow([_csv_text(v) for v in row])


def csv_bytes(header: Sequence[Any], rows: Iterable[Sequence[Any]]) -> bytes:
    return "".join(csv_rows(header, rows)).encode("utf-8")


def csv_response(filename: str, header: Sequence[Any], rows: Iterable[Sequence[Any]]):
    """A streamed CSV download (bounded memory for any number of rows)."""
    response = StreamingHttpResponse(csv_rows(header, rows), content_type=CSV_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@dataclass(frozen=True)
class XlsxColumn:
    title: str
    number_format: str | None = None  # e.g. '#,##0.00 "kr"', "0.0%", "yyyy-mm-dd"
    width: float | None = None


def xlsx_cell(
    ws: WriteOnlyWorksheet, value: Any, *, number_format: str | None = None, bold: bool = False
) -> WriteOnlyCell:
    """One cell. Text is always stored as text (never as a formula, whatever it starts with)
    and marked with Excel's quote prefix when it looks like one, so an edit keeps it text."""
    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
        if value and is_formula_like(value):
            cell.quotePrefix = True
    if number_format and not isinstance(value, str):
        cell.number_format = number_format
    if bold:
        cell.font = Font(bold=True)
    return cell


class XlsxBook:
    """A write-only workbook (bounded memory) whose cells are all safe."""

    def __init__(self) -> None:
        self.wb = Workbook(write_only=True)
        self._names: set[str] = set()

    def sheet(self, title: str) -> WriteOnlyWorksheet:
        return self.wb.create_sheet(title=sheet_name(title, self._names))

    def table(
        self,
        title: str,
        columns: Sequence[XlsxColumn | str],
        rows: Iterable[Sequence[Any]],
        *,
        heading: str | None = None,
    ) -> WriteOnlyWorksheet:
        ws = self.sheet(title)
        cols = [c if isinstance(c, XlsxColumn) else XlsxColumn(c) for c in columns]
        for i, c in enumerate(cols):
            if c.width:
                ws.column_dimensions[chr(ord("A") + i) if i < 26 else "A"].width = c.width
        if heading:
            ws.append([xlsx_cell(ws, heading, bold=True)])
        ws.append([xlsx_cell(ws, c.title, bold=True) for c in cols])
        for row in rows:
            ws.append(
                [
                    xlsx_cell(ws, v, number_format=cols[i].number_format if i < len(cols) else None)
                    for i, v in enumerate(row)
                ]
            )
        return ws

    def row(
        self,
        ws: WriteOnlyWorksheet,
        values: Sequence[Any],
        *,
        bold: bool = False,
        formats: Sequence[str | None] = (),
    ) -> None:
        ws.append(
            [
                xlsx_cell(ws, v, number_format=formats[i] if i < len(formats) else None, bold=bold)
                for i, v in enumerate(values)
            ]
        )

    def to_bytes(self) -> bytes:
        if not self.wb.worksheets:
            self.sheet(_("Blad"))
        buf = io.BytesIO()
        self.wb.save(buf)
        return buf.getvalue()


def xlsx_response(filename: str, data: bytes) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


_BAD_SHEET_CHARS = str.maketrans({c: "-" for c in "[]:*?/\\"})


def sheet_name(title: str, used: set[str]) -> str:
    """A sheet name Excel accepts (31 characters, none of []:*?/\\), unique in the book."""
    base = title.translate(_BAD_SHEET_CHARS).strip()[:31] or "Blad"
    name, i = base, 2
    while name.lower() in used:
        suffix = f" ({i})"
        name, i = base[: 31 - len(suffix)] + suffix, i + 1
    used.add(name.lower())
    return name


# --- reading ----------------------------------------------------------------------------------

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
MAX_COLUMNS = 60
MAX_CELL_CHARS = 2_000
# An xlsx is a zip: its unpacked size is held too (a small file can unpack to gigabytes).
MAX_XLSX_UNPACKED_BYTES = 100 * 1024 * 1024

Cell = str | int | float | Decimal | date | datetime | None


def _encoding(data: bytes) -> str:
    """The encoding of a text table: UTF-8 (with or without a byte-order mark), else
    Windows-1252. UTF-16 and binary files (NUL bytes) are refused. Checked in chunks, so a large
    file is never held twice as text."""
    unreadable = DomainError(
        _("Filen gick inte att läsa som text. Spara den som CSV (UTF-8) eller som Excel (xlsx)."),
        field="file",
        code="encoding",
    )
    if b"\x00" in data:
        raise unreadable  # UTF-16 or a binary file: not a text table
    decoder = codecs.getincrementaldecoder("utf-8")()
    view, step = memoryview(data), 1 << 20
    try:
        for at in range(0, len(data), step):
            decoder.decode(view[at : at + step], final=at + step >= len(data))
        return "utf-8-sig"
    except UnicodeDecodeError:
        pass
    try:  # cp1252 leaves five bytes undefined: a file holding them is not Windows-1252 text
        for at in range(0, len(data), step):
            bytes(view[at : at + step]).decode("cp1252")
    except UnicodeDecodeError as exc:
        raise unreadable from exc
    return "cp1252"


def _too_many_rows(max_rows: int) -> DomainError:
    return DomainError(
        _("Filen har fler än %(n)d rader. Dela upp den i flera filer.") % {"n": max_rows},
        field="file",
        code="too_many_rows",
    )


def _check_row(row: Sequence[Any]) -> list[Cell]:
    if len(row) > MAX_COLUMNS:
        # Trailing empty columns (common in spreadsheets) are dropped before the check.
        row = list(row)
        while row and row[-1] in (None, ""):
            row.pop()
        if len(row) > MAX_COLUMNS:
            raise DomainError(
                _("Filen har fler än %(n)d kolumner.") % {"n": MAX_COLUMNS},
                field="file",
                code="too_many_columns",
            )
    out: list[Cell] = []
    for v in row:
        if isinstance(v, str) and len(v) > MAX_CELL_CHARS:
            raise DomainError(
                _("En cell i filen har fler än %(n)d tecken.") % {"n": MAX_CELL_CHARS},
                field="file",
                code="cell_too_long",
            )
        out.append(v)
    return out


def _iter_csv(data: bytes) -> Iterator[list[Cell]]:
    text = io.TextIOWrapper(io.BytesIO(data), encoding=_encoding(data), newline="")
    first = text.readline()
    text.seek(0)
    delimiter = max((";", ",", "\t"), key=first.count) if first else ";"
    try:
        for row in csv.reader(text, delimiter=delimiter):
            yield _check_row(row)
    except csv.Error as exc:
        raise DomainError(
            _("Filen gick inte att läsa som CSV: %(e)s") % {"e": exc}, field="file", code="csv"
        ) from exc


def _iter_xlsx(data: bytes, max_unpacked_bytes: int) -> Iterator[list[Cell]]:
    unreadable = DomainError(
        _("Filen gick inte att läsa som Excel (xlsx)."), field="file", code="xlsx"
    )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            unpacked = sum(i.file_size for i in zf.infolist())
    except (zipfile.BadZipFile, ValueError) as exc:
        raise unreadable from exc
    if unpacked > max_unpacked_bytes:
        raise DomainError(
            _("Excel-filen är för stor när den packas upp."), field="file", code="too_large"
        )
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file: the user's file
        raise unreadable from exc
    try:
        if not wb.worksheets:
            return
        rows = wb.worksheets[0].iter_rows(values_only=True)
        while True:
            try:
                row = next(rows)
            except StopIteration:
                return
            except Exception as exc:  # a broken sheet inside a valid zip
                raise unreadable from exc
            yield _check_row(row)
    finally:
        wb.close()


def iter_table(
    *,
    data: bytes,
    name: str,
    max_rows: int = MAX_ROWS,
    max_unpacked_bytes: int = MAX_XLSX_UNPACKED_BYTES,
) -> Iterator[list[Cell]]:
    """The rows of the first sheet of an xlsx or of a CSV/TXT file (`;`, `,` or tab; UTF-8
    with or without BOM, or Windows-1252), one list of cells at a time, so a large file is
    read in bounded memory beyond its bytes. Raises DomainError (field `file`) for another
    type, an unknown encoding, a broken file, more than `max_rows` rows (after yielding those),
    over 60 columns or a cell over 2 000 characters. Empty rows are kept (row numbers in
    messages match the file)."""
    lower = name.lower()
    if lower.endswith(".xlsx"):
        rows = _iter_xlsx(data, max_unpacked_bytes)
    elif lower.endswith((".csv", ".txt")):
        rows = _iter_csv(data)
    else:
        raise DomainError(
            _("Ladda upp en CSV-fil eller en Excel-fil (xlsx)."), field="file", code="type"
        )
    for n, row in enumerate(rows):
        if n >= max_rows:
            raise _too_many_rows(max_rows)
        yield row


def read_table(
    upload: UploadedFile | None = None, *, name: str = "", data: bytes | None = None
) -> list[list[Cell]]:
    """The whole table of an upload (see `iter_table`), held to 5 MB and 20 000 rows."""
    if upload is not None:
        name = upload.name or ""
        if upload.size is not None and upload.size > MAX_UPLOAD_BYTES:
            raise _too_large()
        data = upload.read(MAX_UPLOAD_BYTES + 1)
    if data is None:
        raise DomainError(_("Välj en fil."), field="file", code="required")
    if len(data) > MAX_UPLOAD_BYTES:
        raise _too_large()
    return list(iter_table(data=data, name=name))


def _too_large() -> DomainError:
    return DomainError(
        _("Filen är större än %(m)d MB.") % {"m": MAX_UPLOAD_BYTES // (1024 * 1024)},
        field="file",
        code="too_large",
    )
