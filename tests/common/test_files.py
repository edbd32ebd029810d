"""The one file writer and the one file reader: formulas never run, uploads are bounded."""

import io
import zipfile

import pytest
from openpyxl import Workbook, load_workbook

from lom.common import files
from lom.common.errors import DomainError

EVIL = '=HYPERLINK("http://example.invalid/x","Öppna")'


def test_csv_neutralises_every_formula_trigger():
    rows = [[EVIL, "+1", "-2", "@SUM(A1)", " =1+1", "\t=1", "vanlig text", 12, None]]
    text = files.csv_bytes(["Titel"] * 9, rows).decode("utf-8")
    assert text.startswith("\ufeffTitel;")
    import csv

    row = next(csv.reader(io.StringIO(text.split("\n", 1)[1]), delimiter=";"))
    assert row[0] == "'" + EVIL
    assert row[1:6] == ["'+1", "'-2", "'@SUM(A1)", "' =1+1", "'\t=1"]
    assert row[6:] == ["vanlig text", "12", ""]


def test_xlsx_keeps_formula_text_as_text_when_opened_again():
    book = files.XlsxBook()
    book.table("Ansökningar", ["Titel", "Belopp"], [[EVIL, 1250.5], ["=1+1", 3]])
    wb = load_workbook(io.BytesIO(book.to_bytes()))
    ws = wb.worksheets[0]
    assert ws["A2"].value == EVIL and ws["A2"].data_type == "s"
    assert ws["A3"].value == "=1+1" and ws["A3"].data_type == "s"
    assert ws["A2"].quotePrefix is True
    assert ws["B2"].value == 1250.5 and ws["B2"].data_type == "n"


def test_sheet_names_are_valid_and_unique():
    used: set[str] = set()
    assert files.sheet_name("Kostnad/deltagare [kr]", used) == "Kostnad-deltagare -kr-"
    a = files.sheet_name("x" * 40, used)
    b = files.sheet_name("x" * 40, used)
    assert len(a) == len(b) == 31 and a != b


def _xlsx(rows) -> bytes:
    wb = Workbook()
    for r in rows:
        wb.active.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_reader_reads_csv_in_both_encodings_and_xlsx():
    assert files.read_table(name="a.csv", data="Namn;Lön\nÅsa;100\n".encode()) == [
        ["Namn", "Lön"],
        ["Åsa", "100"],
    ]
    assert files.read_table(name="a.csv", data="Namn,Lön\nÅsa,100\n".encode("cp1252"))[1] == [
        "Åsa",
        "100",
    ]
    assert files.read_table(name="a.xlsx", data=_xlsx([["Namn", "Lön"], ["Åsa", 100]]))[1] == [
        "Åsa",
        100,
    ]


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("a.csv", b"x" * (files.MAX_UPLOAD_BYTES + 1), "too_large"),
        ("a.pdf", b"%PDF", "type"),
        ("a.csv", "a;b\n".encode("utf-16"), "encoding"),
        ("a.csv", b"a\n" * (files.MAX_ROWS + 1), "too_many_rows"),
        ("a.csv", (";".join(["a"] * (files.MAX_COLUMNS + 1))).encode(), "too_many_columns"),
        ("a.csv", b"a" * (files.MAX_CELL_CHARS + 1), "cell_too_long"),
        ("a.xlsx", b"PK\x03\x04 not a zip", "xlsx"),
    ],
)
def test_reader_refuses_what_it_cannot_hold_with_a_reason_on_the_file_field(name, data, code):
    with pytest.raises(DomainError) as exc:
        files.read_table(name=name, data=data)
    assert exc.value.field == "file" and exc.value.code == code


def test_reader_refuses_an_xlsx_that_unpacks_to_too_much():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/big.xml", b"0" * (files.MAX_XLSX_UNPACKED_BYTES + 1))
    data = buf.getvalue()
    assert len(data) < files.MAX_UPLOAD_BYTES
    with pytest.raises(DomainError) as exc:
        files.read_table(name="bomb.xlsx", data=data)
    assert exc.value.code == "too_large"
