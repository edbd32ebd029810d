"""Adjusting the minutes (justering): only once the meeting has started; by the chair and one
adjuster per union party present, each in their own session and in any order; changes are
refused once adjusting has begun (until the coordinator restarts it); the last adjustment
seals, locks and registers the minutes, which list absent parties, substitutes and adjusters."""

from datetime import timedelta

import pytest
from django.test import Client

from lom.agreements.models import Quorum
from lom.common.errors import ConflictError, DomainError, PermissionDeniedError
from lom.common.models import AuditEvent
from lom.decisions import services as dec
from lom.decisions.models import Adjustment
from lom.decisions.services import PartyAttendance
from lom.diarium.models import DocumentKind, RegisteredDocument
from tests.decisions.api_helpers import Api
from tests.decisions.meeting_helpers import (
    agree_all,
    in_review,
    joint_body,
    meeting_with,
    pdf_text,
    set_quorum,
)
from tests.factories import signed_in


@pytest.fixture
def body(db):
    return joint_body("just")


def _decided(b, meeting, outcome="deferred"):
    item = dec.meeting_add_case(actor=b.coord, meeting=meeting, case=in_review(b.w))
    agree_all(b, item)
    dec.item_decide(
        actor=b.coord, item=item, outcome=outcome, reason="Eniga.", amount_ore=12_000_00
    )
    return item


def test_minutes_dated_ahead_are_refused_and_nothing_changes(body):
    b, w = body, body.w
    meeting = meeting_with(b, w.union_rep, starts_in=timedelta(days=6))
    with pytest.raises(ConflictError) as exc:
        dec.meeting_sign(actor=b.coord, meeting=meeting)
    assert "Sammanträdet har inte börjat ännu" in str(exc.value.message)
    r = Api(w.union_rep).post(f"/meetings/{meeting.pk}/sign")
    assert r.status_code == 409 and "inte börjat" in r.json()["detail"]
    page = signed_in(w.coordinator)
    r = page.post(f"/decisions/meetings/{meeting.pk}/sign/", follow=True)
    assert "Sammanträdet har inte börjat ännu" in r.content.decode()
    assert not Adjustment.objects.filter(meeting=meeting).exists()
    meeting.refresh_from_db()
    assert not meeting.is_signed


def test_one_person_alone_cannot_lock_the_minutes(body):
    b, w = body, body.w
    # No union party present: the chair alone is refused.
    alone = meeting_with(b)
    with pytest.raises(ConflictError):
        dec.meeting_sign(actor=b.coord, meeting=alone)
    assert not Adjustment.objects.filter(meeting=alone).exists()
    meeting = meeting_with(b, w.union_rep)
    _decided_item = dec.meeting_add_case(actor=b.coord, meeting=meeting, case=in_review(w))
    dec.item_decide(actor=b.coord, item=_decided_item, outcome="deferred", reason="Senare.")
    meeting = dec.meeting_sign(actor=b.coord, meeting=meeting)
    assert not meeting.is_signed and not meeting.sealed_sha256
    with pytest.raises(ConflictError) as exc:  # adjusting twice counts once
        dec.meeting_sign(actor=b.coord, meeting=meeting)
    assert "redan justerat" in str(exc.value.message)
    meeting.refresh_from_db()
    assert not meeting.is_signed


def test_a_union_adjuster_cannot_adjust_for_another(body):
    b, w = body, body.w
    meeting = meeting_with(b, w.union_rep, b.kommunal_rep)
    _decided(b, meeting)
    # Vision is absent: its representative is nobody's adjuster here.
    with pytest.raises(PermissionDeniedError):
        dec.meeting_sign(actor=b.actor(b.vision_rep), meeting=meeting)
    # A decision maker is not the chair.
    with pytest.raises(PermissionDeniedError):
        dec.meeting_sign(actor=b.actor(w.decision_maker), meeting=meeting)
    r = Api(b.vision_rep).post(f"/meetings/{meeting.pk}/sign")
    assert r.status_code == 403
    assert not Adjustment.objects.filter(meeting=meeting).exists()


def test_a_named_adjuster_adjusts_instead_of_the_representative(body):
    b, w = body, body.w
    from lom.organisations.models import Role
    from lom.organisations.services import membership_grant
    from tests.factories import UserFactory

    second = UserFactory(username="saco-justerare")
    membership_grant(
        actor=None, organisation=w.org, user=second, role=Role.UNION_REP, union=w.union
    )
    meeting = meeting_with(b, w.union_rep)
    dec.meeting_set_attendance(
        actor=b.coord,
        meeting=meeting,
        parties=[
            PartyAttendance(
                union_id=w.union.pk,
                present=True,
                representative_id=w.union_rep.pk,
                adjuster_id=second.pk,
            )
        ],
    )
    _decided(b, meeting)
    with pytest.raises(PermissionDeniedError):
        dec.meeting_sign(actor=b.actor(w.union_rep), meeting=meeting)
    dec.meeting_sign(actor=b.actor(second), meeting=meeting)
    assert dec.meeting_sign(actor=b.coord, meeting=meeting).is_signed


def test_any_order_then_sealed_locked_registered_with_parties_and_adjusters(body):
    b, w = body, body.w
    meeting = meeting_with(b, w.union_rep, b.kommunal_rep)
    dec.meeting_set_attendance(
        actor=b.coord,
        meeting=meeting,
        parties=[
            PartyAttendance(
                union_id=b.kommunal.pk,
                present=True,
                representative_id=b.kommunal_rep.pk,
                substitute=True,
            )
        ],
    )
    set_quorum(b, Quorum.EMPLOYER_AND_ONE)  # Vision stays away
    item = _decided(b, meeting, outcome="approved")
    # The union adjusters first, each in their own session (the page, then the API).
    rep_page = signed_in(w.union_rep)
    html = rep_page.get(f"/decisions/meetings/{meeting.pk}/").content.decode()
    assert "Justera protokollet" in html and "ej justerat" in html
    rep_page.post(f"/decisions/meetings/{meeting.pk}/sign/")
    r = Api(b.kommunal_rep, signed_in(b.kommunal_rep)).post(f"/meetings/{meeting.pk}/sign")
    assert r.status_code == 200 and r.json()["status"] == "planned"
    done = {a["role"]: a["adjusted_at"] is not None for a in r.json()["adjusters"]}
    assert done == {
        "Ordförande": False,
        "Justerare för Saco-S": True,
        "Justerare för Kommunal": True,
    }
    # Once adjusting has begun, changes are refused (409) and nothing changes.
    with pytest.raises(ConflictError) as exc:
        dec.meeting_set_attendance(
            actor=b.coord, meeting=meeting, parties=[PartyAttendance(None, present=False)]
        )
    assert exc.value.code == "locked"
    r = Api(w.coordinator).post(f"/meetings/{meeting.pk}/agenda", {"fill": True})
    assert r.status_code == 409
    assert meeting.parties.get(union=None).present
    # The chair last: the minutes are sealed, locked and registered.
    page = signed_in(w.coordinator)
    page.post(f"/decisions/meetings/{meeting.pk}/sign/")
    meeting.refresh_from_db()
    assert meeting.is_signed and meeting.sealed_sha256
    doc = RegisteredDocument.objects.get(kind=DocumentKind.MINUTES, target_id=meeting.pk)
    assert doc.target_type == "decisions.meeting" and doc.secrecy == "public"
    text = pdf_text(meeting.sealed_file.read())
    for expected in (
        "Vision",
        "frånvarande",
        "ersättare",
        "Justerare för Kommunal",
        "Justerare för Saco-S",
        "Ordförande",
        str(w.coordinator),
        str(b.kommunal_rep),
        item.case.number,
        "beviljat belopp",
    ):
        assert expected in text, expected
    assert "ej justerat" not in text
    with pytest.raises(DomainError) as exc:
        dec.position_record(actor=b.coord, item=item, stance="agree", final=True, union=None)
    assert exc.value.code == "signed"


def test_restarting_the_adjusting_opens_the_minutes_again(body):
    b, w = body, body.w
    meeting = meeting_with(b, w.union_rep)
    _decided(b, meeting)
    dec.meeting_sign(actor=b.actor(w.union_rep), meeting=meeting)
    with pytest.raises(PermissionDeniedError):
        dec.meeting_adjusting_restart(actor=b.actor(w.union_rep), meeting=meeting)
    r = Api(w.coordinator).post(f"/meetings/{meeting.pk}/adjusting/restart")
    assert r.status_code == 200
    assert all(a["adjusted_at"] is None for a in r.json()["adjusters"])
    assert AuditEvent.objects.filter(action="meeting.adjusting_restart").exists()
    # Changes are possible again; a second restart has nothing to withdraw.
    dec.meeting_set_attendance(
        actor=b.coord,
        meeting=meeting,
        parties=[
            PartyAttendance(union_id=b.vision.pk, present=True, representative_id=b.vision_rep.pk)
        ],
    )
    r = Api(w.coordinator).post(f"/meetings/{meeting.pk}/adjusting/restart")
    assert r.status_code == 409
    page = Client()
    page.force_login(w.coordinator)
    r = page.post(f"/decisions/meetings/{meeting.pk}/adjusting/restart/", follow=True)
    assert "Ingen har justerat protokollet ännu" in r.content.decode()
