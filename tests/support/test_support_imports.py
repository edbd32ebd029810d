"""The employment data import reads through the one reader: a file over its limits is refused
at the file field and nothing is imported."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from lom.common.errors import DomainError
from lom.common.files import MAX_ROWS, MAX_UPLOAD_BYTES
from lom.support.imports import read_upload
from lom.support.models import EmploymentMonth

HEADER = "medarbetar_id;epost;månad;timmar_per_vecka;inkomst_kr\n"


def _row(world) -> str:
    return f"{world.employee_rec.pk};;2025-05;37,5;31 500\n"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("stor.csv", lambda row: b"x" * (MAX_UPLOAD_BYTES + 1), "större än 5 MB"),
        ("rader.csv", lambda row: (HEADER + row * MAX_ROWS).encode(), f"fler än {MAX_ROWS} rader"),
        ("utf16.csv", lambda row: (HEADER + row).encode("utf-16"), "inte att läsa som text"),
    ],
)
def test_a_file_over_the_limits_is_refused_at_the_file_field(world, name, content, message):
    c = Client()
    c.force_login(world.coordinator)
    upload = SimpleUploadedFile(name, content(_row(world)))
    resp = c.post("/support/eligibility/import/", {"file": upload})
    errors = resp.context["form"].errors["file"]
    assert any(message in e for e in errors), errors
    assert 'id="id_file_error"' in resp.content.decode()
    assert not EmploymentMonth.objects.exists()


def test_the_reader_reads_cp1252_and_refuses_other_types(world):
    rows = read_upload(name="lön.csv", data=(HEADER + _row(world)).encode("cp1252"))
    assert [(r.employee_id, r.month, r.hours) for r in rows] == [
        (str(world.employee_rec.pk), "2025-05", "37,5")
    ]
    with pytest.raises(DomainError) as exc:
        read_upload(name="lön.pdf", data=b"%PDF-1.4")
    assert exc.value.field == "file"
