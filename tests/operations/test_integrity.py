"""manage.py verify_integrity: a good world passes; a tampered sealed PDF, a missing attachment,
a ledger entry without its case and a pot that lost its allocation each fail, named."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError

from lom.fundmode.models import PotEntry, PotEntryKind
from lom.funds.models import EntryKind
from lom.funds.services import ledger_post
from lom.operations.integrity import integrity_report
from tests.operations.integrity_world import build


@pytest.fixture
def good(db):
    return build()


def run(*args: str) -> tuple[int, str]:
    out = StringIO()
    try:
        call_command("verify_integrity", *args, stdout=out)
    except CommandError as exc:
        return exc.returncode, out.getvalue()
    return 0, out.getvalue()


def test_a_good_world_passes_and_says_what_it_checked(good):
    code, out = run()
    assert code == 0, out
    assert out.strip().endswith("Integrity: OK")
    code, out = run("--json")
    result = json.loads(out)
    assert code == 0 and result["ok"] is True and result["problems"] == []
    checked = result["checked"]
    assert checked["sealed_documents"] >= 1
    assert checked["files"] >= 1  # the attachment
    assert checked["fund_periods"] >= 2 and checked["ledger_entries"] >= 4
    assert checked["pots"] == 2 and checked["pot_entries"] == 2


def test_a_tampered_sealed_pdf_fails_naming_the_document(good):
    path = Path(default_storage.path(good.meeting.sealed_file.name))
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01  # one bit of one byte
    path.write_bytes(bytes(data))
    code, out = run()
    assert code == 1
    assert f"[sealed] decisions.Meeting {good.meeting.pk}" in out
    assert good.meeting.sealed_sha256 in out  # the stored checksum it no longer matches
    result = json.loads(run("--json")[1])
    assert result["ok"] is False
    assert [p["subject"] for p in result["problems"]] == [f"decisions.Meeting {good.meeting.pk}"]


def test_a_missing_sealed_file_fails(good):
    default_storage.delete(good.meeting.sealed_file.name)
    code, out = run()
    assert code == 1 and f"decisions.Meeting {good.meeting.pk}" in out and "missing" in out


def test_a_deleted_attachment_file_fails_naming_it(good):
    name = good.attachment.file.name
    default_storage.delete(name)
    code, out = run()
    assert code == 1
    assert f"[file] cases.Attachment {good.attachment.pk}: file: file {name} is missing" in out


def test_a_ledger_entry_without_its_case_and_an_overspent_ledger_fail(good):
    w = good.world
    # What no service writes: an expense booked on no case, more than was ever committed.
    entry = ledger_post(
        period=w.period, kind=EntryKind.EXPENSE, amount_ore=2_000_000_00, actor=None
    )
    report = integrity_report()
    messages = {str(p) for p in report.problems}
    assert f"[ledger] funds.LedgerEntry {entry.pk}: expense entry without its case" in messages
    assert any(
        m.startswith(f"[ledger] funds.FundPeriod {w.period.pk}: committed is negative")
        for m in messages
    )
    assert run()[0] == 1


def test_a_pot_that_lost_its_allocation_fails(good):
    allocation = PotEntry.objects.filter(kind=PotEntryKind.ALLOCATION).order_by("pk").first()
    PotEntry.objects.filter(pk=allocation.pk).delete()
    problems = [str(p) for p in integrity_report().problems]
    assert len(problems) == 1
    assert problems[0].startswith(f"[pot] fundmode.FundRound {allocation.pot.round_id}")
