"""Files in and out of fund mode go through the one reader and the one writer: the payroll
import is held to the reader's limits, the statistics workbook keeps every text as text."""

from datetime import date
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import load_workbook

from lom.common.files import MAX_ROWS, MAX_UPLOAD_BYTES
from lom.fundmode import services as fs
from lom.fundmode.models import MemberPayroll
from tests.factories import all_met, make_fund, notify_measure, open_and_allocate

FORMULA_TITLE = '=HYPERLINK("http://example.invalid/x","Öppna")'


@pytest.fixture
def fw(world, other_world):
    f = make_fund(members=[world.org, other_world.org])
    f.alfa, f.beta = world, other_world
    return f


def _open_round(f):
    return fs.round_open(
        actor=f.actor(f.admin),
        name="P",
        start=date(2030, 1, 1),
        end=date(2032, 12, 31),
        claim_deadline=date(2034, 6, 30),
        total_ore=750_000_000_00,
    )


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("stor.csv", lambda slug: b"x" * (MAX_UPLOAD_BYTES + 1), "större än 5 MB"),
        (
            "rader.csv",
            lambda slug: f"{slug};1 000\n".encode() * (MAX_ROWS + 1),
            f"fler än {MAX_ROWS} rader",
        ),
        ("utf16.csv", lambda slug: f"{slug};1 000\n".encode("utf-16"), "inte att läsa som text"),
    ],
)
def test_a_payroll_file_over_the_limits_is_refused_at_the_file_field(fw, name, content, message):
    f = fw
    r = _open_round(f)
    c = Client()
    c.force_login(f.admin)
    upload = SimpleUploadedFile(name, content(f.alfa.org.slug))
    resp = c.post(f"/fund/periods/{r.pk}/payroll/import/", {"file": upload})
    assert resp.status_code == 400
    errors = resp.context["import_form"].errors["file"]
    assert any(message in e for e in errors), errors
    assert 'id="id_file_error"' in resp.content.decode()
    assert not MemberPayroll.objects.exists()


def test_a_payroll_file_within_the_limits_is_imported_through_the_page(fw):
    f = fw
    r = _open_round(f)
    c = Client()
    c.force_login(f.admin)
    data = f"organisation;lönesumma\n{f.alfa.org.slug};2 000\n{f.beta.org.slug};1 000,50\n"
    resp = c.post(
        f"/fund/periods/{r.pk}/payroll/import/",
        {"file": SimpleUploadedFile("p.csv", data.encode("cp1252"))},
    )
    assert resp.status_code == 302
    assert dict(MemberPayroll.objects.values_list("member_id", "payroll_ore")) == {
        f.alfa.org.pk: 2_000_00,
        f.beta.org.pk: 1_000_50,
    }


def test_a_measure_titled_like_a_formula_is_text_in_the_statistics_workbook(fw):
    f = fw
    r = open_and_allocate(f)
    n = notify_measure(f, r, title=FORMULA_TITLE)
    fs.fund_decide(
        actor=f.actor(f.officer),
        notification=n,
        outcome="approved",
        answers=all_met(r),
        costs_reasonable=True,
    )
    c = Client()
    c.force_login(f.officer)
    resp = c.get(f"/fund/periods/{r.pk}/statistics.xlsx")
    assert resp.status_code == 200
    wb = load_workbook(BytesIO(resp.content))
    cells = [cell for row in wb["Beviljade insatser"].iter_rows() for cell in row]
    title = next(cell for cell in cells if cell.value == FORMULA_TITLE)
    assert title.data_type == "s"  # a string, not a formula ("f")
    assert not any(cell.data_type == "f" for ws in wb.worksheets for row in ws for cell in row)
