"""A small world with something of every kind the integrity check reads: signed minutes (a
sealed PDF), a case with its attachment, a commitment and an expense in the ledger, and a fund
whose round is split into pots. Built through the services; also run in a subprocess by the
backup and restore test (`python -c "...; build()"`)."""

from dataclasses import dataclass
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from lom.cases import services as case_services
from lom.cases.models import Attachment, Case
from lom.decisions import services as dec
from lom.decisions.models import Meeting
from tests.factories import World, approve, make_case, make_fund, make_world, open_and_allocate

# Every user of make_world has this password (tests.factories.UserFactory).
PASSWORD = "pw"


@dataclass
class IntegrityWorld:
    world: World
    meeting: Meeting
    case: Case
    attachment: Attachment


def build(slug: str = "hel") -> IntegrityWorld:
    w = make_world(slug)
    coord = w.actor(w.coordinator)
    case = approve(w, make_case(w, amount_ore=30_000_00))
    case = case_services.case_record_expense(
        actor=coord, case=case, amount_ore=12_000_00, memo="Faktura"
    )
    attachment = case_services.case_attachment_add(
        actor=w.actor(w.employee),
        case=case,
        upload=SimpleUploadedFile("kursplan.pdf", b"%PDF-1.4 kursplan", "application/pdf"),
    )
    meeting = dec.meeting_create(
        actor=coord,
        title="Partssamverkan",
        starts_at=timezone.now() - timedelta(hours=1),
        attendee_ids=[w.union_rep.pk],
    )
    dec.meeting_sign(actor=coord, meeting=meeting)  # the chair, then the union's adjuster
    meeting = dec.meeting_sign(actor=w.actor(w.union_rep), meeting=meeting)
    other = make_world(f"{slug}-b")
    fund = make_fund(f"{slug}-fond", members=[w.org, other.org])
    fund.alfa, fund.beta = w, other  # the names open_and_allocate reads
    open_and_allocate(fund)
    return IntegrityWorld(world=w, meeting=meeting, case=case, attachment=attachment)
