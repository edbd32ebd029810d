"""The sealed document: sealed once with its checksum, served only while the stored file still
matches it, and the two models that use it keep their columns."""

import hashlib
from datetime import date

import pytest
from django.utils import timezone

from lom.common.errors import DomainError
from lom.common.sealed import seal_document, sealed_document_response
from lom.decisions.models import Meeting
from lom.planning.models import Workshop


def _meeting(w) -> Meeting:
    return Meeting.objects.create(
        organisation=w.org,
        title="Partssamverkan",
        starts_at=timezone.now(),
        created_by=w.coordinator,
    )


def test_each_model_keeps_its_own_columns():
    columns = {f.name: f.column for f in Meeting._meta.get_fields() if hasattr(f, "column")}
    assert columns["sealed_file"] == "minutes_pdf"
    assert columns["sealed_sha256"] == "minutes_sha256"
    assert columns["sealed_at"] == "signed_at"
    assert columns["sealed_by"] == "signed_by_id"
    columns = {f.name: f.column for f in Workshop._meta.get_fields() if hasattr(f, "column")}
    assert (columns["sealed_file"], columns["sealed_by"]) == ("result_pdf", "locked_by_id")
    assert Meeting._meta.get_field("sealed_file").upload_to == "minutes/"
    assert Workshop._meta.get_field("sealed_file").upload_to == "workshops/"


def test_seal_stores_the_file_with_its_checksum_once(world):
    meeting = _meeting(world)
    pdf = b"%PDF-1.7 the minutes"
    rendered = []

    def render() -> bytes:
        rendered.append(meeting.sealed_by)  # who sealed is known when the PDF is rendered
        return pdf

    sha = seal_document(meeting, by=world.coordinator, render=render, filename="p.pdf")
    meeting.refresh_from_db()
    assert sha == hashlib.sha256(pdf).hexdigest() == meeting.sealed_sha256
    assert meeting.sealed_file.name.startswith("minutes/")
    assert meeting.sealed_file.read() == pdf
    assert meeting.sealed_by == world.coordinator and meeting.sealed_at is not None
    assert rendered == [world.coordinator]

    with pytest.raises(DomainError):
        seal_document(meeting, by=world.admin, render=lambda: b"%PDF other", filename="q.pdf")
    meeting.refresh_from_db()
    assert meeting.sealed_sha256 == sha and meeting.sealed_by == world.coordinator


def test_serve_checks_the_stored_file_against_its_checksum(world):
    meeting = _meeting(world)
    preview = sealed_document_response(meeting, filename="p.pdf", preview=lambda: b"%PDF draft")
    assert preview.status_code == 200 and preview.content == b"%PDF draft"
    assert 'filename="utkast-p.pdf"' in preview["Content-Disposition"]

    seal_document(meeting, by=world.coordinator, render=lambda: b"%PDF sealed", filename="p.pdf")
    response = sealed_document_response(meeting, filename="p.pdf", preview=lambda: b"unused")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == b"%PDF sealed"
    assert 'filename="p.pdf"' in response["Content-Disposition"]

    # Someone changes the stored file: it is no longer served.
    with open(meeting.sealed_file.path, "wb") as f:
        f.write(b"%PDF tampered")
    broken = sealed_document_response(meeting, filename="p.pdf", preview=lambda: b"unused")
    assert broken.status_code == 409
    assert b"tampered" not in broken.content


def test_a_workshop_seals_through_the_same_function(world):
    ws = Workshop.objects.create(
        organisation=world.org, title="W", held_on=date.today(), created_by=world.coordinator
    )
    seal_document(ws, by=world.coordinator, render=lambda: b"%PDF ws", filename="w.pdf")
    ws.refresh_from_db()
    assert ws.sealed_file.name.startswith("workshops/")
    assert ws.sealed_sha256 == hashlib.sha256(b"%PDF ws").hexdigest()
