"""The data-subject export (registerutdrag): JSON and PDF of everything held about one
employee, for the administrator after a recent sign-in, audited and read-logged."""

import io
import json
import shutil
import subprocess
from datetime import timedelta

import pypdf
import pytest

from lom.common.models import AuditEvent, ReadLog
from lom.organisations.access import actor_for
from lom.support import services as support_services
from tests.factories import make_case, make_slot, signed_in
from tests.privacy.helpers import NOTE, REASON, closed_case_with_reason, session_with_note

OTHER_REASON = "Kollegans egna skäl: flytt till annan ort"
OTHER_NOTE = "Kollegans anteckning om studier"


@pytest.fixture
def held(world):
    """The employee's closed case with a reason and a noted session; the colleague's too."""
    case = closed_case_with_reason(world)
    make_case(world, world.colleague, private_reason=OTHER_REASON)
    coach, _booking, _note = session_with_note(world)
    slot = make_slot(coach, world.org, starts_in=timedelta(days=5))
    other = support_services.slot_book(actor=world.actor(world.colleague), slot_id=slot.pk)
    coach_actor = actor_for(user=coach, organisation_id=world.org.pk)
    assert coach_actor is not None
    support_services.note_add(actor=coach_actor, booking=other, text=OTHER_NOTE)
    return case


def _url(world, fmt, employee=None):
    return f"/privacy/subjects/{(employee or world.employee_rec).pk}/export.{fmt}"


def _pdf_text(response) -> str:
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    return " ".join(" ".join((page.extract_text() or "") for page in reader.pages).split())


def test_the_json_holds_the_employees_reason_and_note_and_nothing_of_another(world, held):
    r = signed_in(world.admin).get(_url(world, "json"))
    assert r.status_code == 200
    assert r["Content-Disposition"].startswith("attachment;")
    data = json.loads(r.content)
    body = r.content.decode()
    assert data["format"] == "lom-subject-export/1"
    assert data["employee"]["first_name"] == "Eva"
    assert [c["private_reason"] for c in data["cases"]] == [REASON]
    assert data["cases"][0]["number"] == held.number
    assert data["cases"][0]["requested_ore"] == 20_000_00
    assert "öre" in data["note"]
    assert data["counselling"][0]["notes"][0]["text"] == NOTE
    assert OTHER_REASON not in body and OTHER_NOTE not in body
    assert "password" not in body and "pbkdf2" not in body and "md5$" not in body
    assert data["user_account"]["username"] == world.employee.username
    assert any(a["action"] for a in data["audit_events"])


def test_the_export_is_audited_and_read_logged_one_row_per_case_and_note(world, held):
    second = closed_case_with_reason(world, reason="Ett andra skäl")
    signed_in(world.admin).get(_url(world, "json"))
    rows = ReadLog.objects.filter(channel="export", actor=world.admin)
    assert sorted(
        rows.filter(data_class="case.private_reason").values_list("target_id", flat=True)
    ) == sorted([held.pk, second.pk])
    assert rows.filter(data_class="support.session_note").count() == 1
    assert set(rows.values_list("employee_id", flat=True)) == {world.employee_rec.pk}
    event = AuditEvent.objects.get(action="privacy.subject_export")
    assert event.target_id == world.employee_rec.pk and event.after["format"] == "json"
    # The next export shows the reads of the first: who read their data.
    data = json.loads(signed_in(world.admin).get(_url(world, "json")).content)
    assert {r["data_class"] for r in data["read_log"]} >= {"case.private_reason"}


def test_the_pdf_opens_again_and_names_the_employee_and_the_case(world, held, tmp_path):
    r = signed_in(world.admin).get(_url(world, "pdf"))
    assert r.status_code == 200
    assert r["Content-Type"] == "application/pdf"
    assert r.content.startswith(b"%PDF")
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    path = tmp_path / "utdrag.pdf"
    path.write_bytes(r.content)
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Eva Ek" in text
    assert held.number in text
    assert "Registerutdrag" in text


def test_the_pdfs_history_reads_as_sentences_not_action_codes(world, held):
    r = signed_in(world.admin).get(_url(world, "pdf"))
    assert r.status_code == 200
    text = _pdf_text(r)
    assert "Händelser som gäller dig" in text
    assert "Skickade in ansökan (utkast → inskickad)" in text
    assert "Avslog ansökan" in text
    for code in ("case.submit", "case.create", "case.reject", "case.start_review"):
        assert code not in text
    # The JSON keeps the codes, with the states the sentence is made from.
    data = json.loads(signed_in(world.admin).get(_url(world, "json")).content)
    submit = next(a for a in data["audit_events"] if a["action"] == "case.submit")
    assert (submit["target_type"], submit["status_before"], submit["status_after"]) == (
        "cases.case",
        "draft",
        "submitted",
    )


def test_another_organisations_employee_is_a_404(world, other_world):
    r = signed_in(world.admin).get(_url(world, "json", other_world.employee_rec))
    assert r.status_code == 404
    assert signed_in(world.admin).get(_url(world, "xml")).status_code == 404


@pytest.mark.parametrize("role", ["coordinator", "auditor", "employee"])
def test_a_non_administrator_is_refused(world, role):
    assert signed_in(world.users[role]).get(_url(world, "json")).status_code == 403
    assert signed_in(world.users[role]).get("/privacy/subjects/").status_code == 403


def test_an_old_sign_in_must_confirm_who_they_are_first(world):
    r = signed_in(world.admin, auth_age_seconds=3600 * 24).get(_url(world, "json"))
    assert r.status_code == 302
    assert "reauth" in r.url or "confirm" in r.url
    assert not AuditEvent.objects.filter(action="privacy.subject_export").exists()


def test_the_search_page_finds_the_employee_with_export_links(world):
    r = signed_in(world.admin).get("/privacy/subjects/", {"q": "Eva"})
    assert r.status_code == 200
    html = r.content.decode()
    assert _url(world, "pdf") in html and _url(world, "json") in html
    assert "Kim Lind" not in html


def test_the_pdf_shows_labels_and_kronor_where_the_json_has_codes_and_ore(world, held):
    text = _pdf_text(signed_in(world.admin).get(_url(world, "pdf")))
    assert "Status Avslagen" in text  # the case's status
    assert "Tillsvidare" in text and "Medarbetare" in text  # employment form, role
    assert "Bokad" in text  # the counselling booking
    assert "20 000,00 kr" in text.replace("\xa0", " ")  # the amount applied for
    for code in ("rejected", "permanent", "booked", "employee,", "Sökt belopp (öre)"):
        assert code not in text
    # Each notification is its text, rendered from its code (no empty rows).
    data = json.loads(signed_in(world.admin).get(_url(world, "json")).content)
    assert data["notifications"] and all(n["text"] for n in data["notifications"])
    assert data["notifications"][0]["text"].split()[0] in text
    assert data["cases"][0]["status"] == "rejected" and data["employee"]["gender"] == "F"


def test_the_pdf_is_in_the_readers_language(world, held):
    client = signed_in(world.admin)
    client.cookies["django_language"] = "en"
    r = client.get(_url(world, "pdf"))
    reader = pypdf.PdfReader(io.BytesIO(r.content))
    assert str(reader.trailer["/Root"]["/Lang"]).startswith("en")
    text = _pdf_text(r)
    assert "Status Rejected" in text and "Permanent" in text and "Avslagen" not in text
