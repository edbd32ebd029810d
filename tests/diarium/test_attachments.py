"""Attachments enter the register: at upload to a submitted case, and at submission for those
uploaded to the draft."""

import pytest

from lom.cases import services as case_services
from lom.diarium.models import RegisteredDocument
from tests.factories import make_case, pdf


def attachment_rows(case):
    return list(RegisteredDocument.objects.filter(case_id=case.pk, kind="attachment"))


@pytest.mark.django_db
def test_an_attachment_to_a_submitted_case_is_registered_at_upload(world):
    case = make_case(world)
    att = case_services.case_attachment_add(
        actor=world.actor(world.employee), case=case, upload=pdf("intyg.pdf")
    )
    (row,) = attachment_rows(case)
    assert row.target_type == "cases.attachment" and row.target_id == att.pk
    assert (row.direction, row.secrecy, row.case_number) == ("incoming", "review", case.number)
    assert row.party == str(world.employee) and "intyg.pdf" in row.title
    assert row.registered_by == world.employee


@pytest.mark.django_db
def test_draft_attachments_are_registered_when_the_case_is_submitted(world):
    case = make_case(world, submit=False)
    actor = world.actor(world.employee)
    case_services.case_attachment_add(actor=actor, case=case, upload=pdf("a.pdf"))
    case_services.case_attachment_add(actor=actor, case=case, upload=pdf("b.pdf"))
    assert attachment_rows(case) == []
    case = case_services.case_transition(actor=actor, case=case, name="submit")
    rows = attachment_rows(case)
    assert len(rows) == 2
    assert {r.case_number for r in rows} == {case.number}
    numbers = sorted(r.sequence for r in rows)
    assert numbers == sorted({r.sequence for r in rows})  # each its own number
