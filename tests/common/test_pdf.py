"""Every PDF LOM produces is a tagged PDF (PDF/UA-1): a structure tree in the HTML's reading
order, marked content, the document's language, and a title the reader's window shows."""

import io
from collections.abc import Callable
from datetime import date, timedelta

import pypdf
import pytest
from django.utils import timezone, translation
from pypdf.generic import ArrayObject, BooleanObject, DictionaryObject

from lom.decisions import services as dec
from lom.decisions.minutes import render_minutes_pdf
from lom.planning import services as ps
from lom.planning.documents import render_workshop_pdf
from lom.reports.documents import annual_report_pdf
from lom.reports.figures import annual_figures
from tests.factories import approve, make_case, signed_in


def letter_pdf(world) -> tuple[bytes, str, str]:
    case = approve(world, make_case(world, amount_ore=20_000_00), amount_ore=12_500_00)
    (letter,) = case.letters.all()
    with letter.sealed_file.open("rb") as f:
        return f.read(), "sv", "Beslut om omställningsmedel"


def letter_pdf_en(world) -> tuple[bytes, str, str]:
    world.employee.language = "en"
    world.employee.save(update_fields=["language"])
    data, _, _ = letter_pdf(world)
    return data, "en", "Decision on transition funds"


def minutes_pdf(world) -> tuple[bytes, str, str]:
    meeting = dec.meeting_create(
        actor=world.actor(world.coordinator),
        title="Partssamverkan v.12",
        starts_at=timezone.now() - timedelta(hours=1),
        place="Rum 4",
        attendee_ids=[world.union_rep.pk],
    )
    return render_minutes_pdf(meeting), "sv", "Protokoll: Partssamverkan v.12"


def workshop_pdf(world) -> tuple[bytes, str, str]:
    ws = ps.workshop_create(
        actor=world.actor(world.coordinator),
        title="Vart är vi på väg?",
        held_on=date.today(),
        place="Rum 4",
        participant_ids=[world.union_rep.pk],
    )
    return render_workshop_pdf(ws), "sv", "Omställningsworkshop: Vart är vi på väg?"


def annual_pdf(world) -> tuple[bytes, str, str]:
    with translation.override("en"):
        fig = annual_figures(organisation=world.org, year=2025, today=date(2026, 11, 22))
        data = annual_report_pdf(fig)
    return data, "en", f"Annual report on transition funds 2025 – {world.org.name}"


def subject_pdf(world) -> tuple[bytes, str, str]:
    r = signed_in(world.admin).get(f"/privacy/subjects/{world.employee_rec.pk}/export.pdf")
    assert r.status_code == 200
    rec = world.employee_rec
    return r.content, "sv", f"Registerutdrag – {rec.first_name} {rec.last_name}"


def is_true(value) -> bool:
    return isinstance(value, BooleanObject) and value.value is True


def struct_kinds(node, seen: set[str], depth: int = 0) -> None:
    """The structure types (/H1, /P, /Table ...) under `node`."""
    if depth > 40:
        return
    node = node.get_object()
    if isinstance(node, ArrayObject):
        for child in node:
            struct_kinds(child, seen, depth + 1)
    elif isinstance(node, DictionaryObject):
        if "/S" in node:
            seen.add(str(node["/S"]))
        if "/K" in node:
            struct_kinds(node["/K"], seen, depth + 1)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "produce",
    [letter_pdf, letter_pdf_en, minutes_pdf, workshop_pdf, annual_pdf, subject_pdf],
    ids=["letter", "letter-en", "minutes", "workshop", "annual-report", "subject-export"],
)
def test_the_pdf_is_tagged_with_language_and_title(
    world, produce: Callable[..., tuple[bytes, str, str]]
):
    data, language, title = produce(world)
    reader = pypdf.PdfReader(io.BytesIO(data))
    catalog = reader.trailer["/Root"].get_object()
    # A structure tree with content, and the content marked.
    root = catalog["/StructTreeRoot"].get_object()
    document = root["/K"]
    assert len(document) > 0
    kinds: set[str] = set()
    struct_kinds(root, kinds)
    assert {"/Document", "/H1", "/P"} <= kinds, kinds
    assert is_true(catalog["/MarkInfo"]["/Marked"])
    # The document's language, from <html lang>.
    assert str(catalog["/Lang"]) == language
    # The title, in the document information and in the XMP metadata, shown as window title.
    assert reader.metadata is not None and reader.metadata.title == title
    xmp = reader.xmp_metadata
    assert xmp is not None and title in (xmp.dc_title or {}).values()
    assert is_true(catalog["/ViewerPreferences"]["/DisplayDocTitle"])
