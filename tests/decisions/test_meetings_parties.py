"""Joint meetings that stand up: every party of the agreement is recorded present (with its
representative, perhaps a substitute) or absent; a decision needs the parties the agreement's
quorum demands; the granted amount shows with each decision."""

import re

import pytest
from django.test import Client

from lom.agreements.models import DecisionModel, Quorum
from lom.cases.models import Decision, Status
from lom.common.errors import DomainError
from lom.common.models import AuditEvent
from lom.decisions import services as dec
from lom.decisions.models import MeetingParty
from lom.decisions.services import PartyAttendance
from lom.organisations.models import Role
from lom.organisations.services import membership_grant
from tests.decisions.api_helpers import Api
from tests.decisions.meeting_helpers import (
    agree_all,
    in_review,
    joint_body,
    meeting_with,
    set_quorum,
)
from tests.factories import UserFactory


@pytest.fixture
def body(db):
    return joint_body()


def _parties(meeting) -> dict[str, tuple[bool, int | None]]:
    return {
        p.name: (p.present, p.representative_id)
        for p in MeetingParty.objects.filter(meeting=meeting).select_related("union")
    }


def test_every_party_of_the_agreement_is_recorded_present_or_absent(body):
    b, w = body, body.w
    meeting = meeting_with(b, w.union_rep)
    assert _parties(meeting) == {
        "Arbetsgivaren": (True, w.coordinator.pk),
        "Saco-S": (True, w.union_rep.pk),
        "Kommunal": (False, None),
        "Vision": (False, None),
    }


def test_only_the_employer_present_cannot_approve_and_nothing_changes(body):
    """The issue's reproduction: a 'joint' meeting with only the employer present."""
    b, w = body, body.w
    case = in_review(w, amount_ore=30_000_00)
    meeting = meeting_with(b)
    item = dec.meeting_add_case(actor=b.coord, meeting=meeting, case=case)
    agree_all(b, item)
    with pytest.raises(DomainError) as exc:
        dec.item_decide(actor=b.coord, item=item, outcome="approved", reason="Bra", amount_ore=1)
    assert exc.value.field == "outcome"
    assert str(exc.value.message) == (
        "Kommunal, Saco-S, Vision är inte närvarande; beslutet kräver alla parter enligt avtalet."
    )
    # Through the API: 400 naming the field and the rule; through the page: the same refusal.
    r = Api(w.coordinator).post(
        f"/items/{item.pk}/decision", {"outcome": "rejected", "reason": "Nej"}
    )
    assert r.status_code == 400 and r.json()["field"] == "outcome"
    assert "beslutet kräver alla parter enligt avtalet" in r.json()["detail"]
    page = Client()
    page.force_login(w.coordinator)
    r = page.post(
        f"/decisions/items/{item.pk}/decide/",
        {f"i{item.pk}-outcome": "approved", f"i{item.pk}-reason": "Bra", f"i{item.pk}-amount": ""},
        follow=True,
    )
    assert "beslutet kräver alla parter enligt avtalet" in r.content.decode()
    case.refresh_from_db()
    item.refresh_from_db()
    assert case.status == Status.IN_REVIEW and item.outcome == ""
    assert not Decision.objects.filter(case=case).exists()
    # A deferral needs no quorum.
    dec.item_decide(actor=b.coord, item=item, outcome="deferred", reason="Parterna saknas.")


def test_all_parties_present_decide(body):
    b, w = body, body.w
    case = in_review(w, amount_ore=30_000_00)
    meeting = meeting_with(b, w.union_rep, b.kommunal_rep, b.vision_rep)
    item = dec.meeting_add_case(actor=b.coord, meeting=meeting, case=case)
    agree_all(b, item)
    dec.item_decide(
        actor=b.coord, item=item, outcome="approved", reason="Eniga.", amount_ore=20_000_00
    )
    case.refresh_from_db()
    assert case.status == Status.APPROVED


@pytest.mark.parametrize(
    ("quorum", "present", "ok"),
    [
        (Quorum.EMPLOYER_AND_MAJORITY, ["saco"], False),
        (Quorum.EMPLOYER_AND_MAJORITY, ["saco", "kommunal"], True),
        (Quorum.EMPLOYER_AND_ONE, [], False),
        (Quorum.EMPLOYER_AND_ONE, ["vision"], True),
        (Quorum.ALL_PARTIES, ["saco", "kommunal"], False),
    ],
)
def test_the_quorum_of_the_agreement(body, quorum, present, ok):
    b, w = body, body.w
    set_quorum(b, quorum)
    reps = {"saco": w.union_rep, "kommunal": b.kommunal_rep, "vision": b.vision_rep}
    case = in_review(w)
    meeting = meeting_with(b, *[reps[p] for p in present])
    item = dec.meeting_add_case(actor=b.coord, meeting=meeting, case=case)
    agree_all(b, item)
    if ok:
        dec.item_decide(actor=b.coord, item=item, outcome="approved", reason="Ja.")
        return
    with pytest.raises(DomainError) as exc:
        dec.item_decide(actor=b.coord, item=item, outcome="rejected", reason="Nej.")
    rule = {
        Quorum.EMPLOYER_AND_MAJORITY: "en majoritet av de fackliga parterna",
        Quorum.EMPLOYER_AND_ONE: "minst en facklig part",
        Quorum.ALL_PARTIES: "alla parter",
    }[quorum]
    assert rule in str(exc.value.message) and "inte närvarande" in str(exc.value.message)


def test_the_employer_must_be_present_even_when_hr_decides(db):
    b = joint_body("hr", decision_model=DecisionModel.HR_DECIDES)
    w = b.w
    case = in_review(w)
    meeting = meeting_with(b)  # no union party present: HR decides, the meeting consults
    item = dec.meeting_add_case(actor=b.coord, meeting=meeting, case=case)
    dec.meeting_set_attendance(
        actor=b.coord, meeting=meeting, parties=[PartyAttendance(union_id=None, present=False)]
    )
    with pytest.raises(DomainError) as exc:
        dec.item_decide(actor=b.coord, item=item, outcome="approved", reason="Ja.")
    assert "Arbetsgivaren är inte närvarande" in str(exc.value.message)
    dec.meeting_set_attendance(
        actor=b.coord,
        meeting=meeting,
        parties=[
            PartyAttendance(union_id=None, present=True, representative_id=w.decision_maker.pk)
        ],
    )
    agree_all(b, item)
    dec.item_decide(actor=b.coord, item=item, outcome="approved", reason="Ja.")
    case.refresh_from_db()
    assert case.status == Status.APPROVED


def test_attendance_records_representatives_substitutes_and_absence(body):
    b, w = body, body.w
    substitute = UserFactory(username="kommunal-ersattare", first_name="Eva", last_name="Ersätt")
    membership_grant(
        actor=None, organisation=w.org, user=substitute, role=Role.UNION_REP, union=b.kommunal
    )
    meeting = meeting_with(b, w.union_rep)
    dec.meeting_set_attendance(
        actor=b.coord,
        meeting=meeting,
        parties=[
            PartyAttendance(
                union_id=b.kommunal.pk,
                present=True,
                representative_id=substitute.pk,
                substitute=True,
            ),
            PartyAttendance(union_id=w.union.pk, present=False),
        ],
    )
    kommunal = meeting.parties.get(union=b.kommunal)
    assert kommunal.present and kommunal.substitute and kommunal.representative == substitute
    # The substitute is now an attendee of the meeting; the absent party's attendee is absent.
    assert meeting.attendees.get(user=substitute).present
    assert not meeting.attendees.get(user=w.union_rep).present
    saco = meeting.parties.get(union=w.union)
    assert not saco.present and saco.representative is None
    assert AuditEvent.objects.filter(action="meeting.attendance", target_id=meeting.pk).exists()
    # Refusals: a party present without a representative; someone who does not represent it.
    for given, field in [
        (PartyAttendance(union_id=b.vision.pk, present=True), "representative"),
        (
            PartyAttendance(union_id=b.vision.pk, present=True, representative_id=substitute.pk),
            "representative",
        ),
    ]:
        with pytest.raises(DomainError) as exc:
            dec.meeting_set_attendance(actor=b.coord, meeting=meeting, parties=[given])
        assert exc.value.field == field
    assert not meeting.parties.get(union=b.vision).present


def test_attendance_through_the_page_and_the_api(body):
    b, w = body, body.w
    meeting = meeting_with(b, w.union_rep)
    page = Client()
    page.force_login(w.coordinator)
    body_html = page.get(f"/decisions/meetings/{meeting.pk}/").content.decode()
    assert f'name="u{b.kommunal.pk}-present"' in body_html
    # Present without a representative: the form comes back (400) with what was typed.
    r = page.post(
        f"/decisions/meetings/{meeting.pk}/attendance/",
        {
            "employer-present": "on",
            "employer-representative": str(w.coordinator.pk),
            f"u{w.union.pk}-present": "on",
            f"u{w.union.pk}-representative": str(w.union_rep.pk),
            f"u{b.kommunal.pk}-present": "on",
            f"u{b.kommunal.pk}-substitute": "on",
        },
    )
    assert r.status_code == 400
    html = r.content.decode()
    assert "Ange vem som företräder Kommunal" in html and "error-summary" in html
    # What was typed is kept: the substitute box stays ticked.
    (box,) = re.findall(rf'<input[^>]*name="u{b.kommunal.pk}-substitute"[^>]*>', html)
    assert "checked" in box
    assert not meeting.parties.get(union=b.kommunal).present
    r = page.post(
        f"/decisions/meetings/{meeting.pk}/attendance/",
        {
            "employer-present": "on",
            "employer-representative": str(w.coordinator.pk),
            f"u{b.kommunal.pk}-present": "on",
            f"u{b.kommunal.pk}-representative": str(b.kommunal_rep.pk),
            f"u{b.kommunal.pk}-substitute": "on",
        },
    )
    assert r.status_code == 302
    kommunal = meeting.parties.get(union=b.kommunal)
    assert kommunal.present and kommunal.substitute
    assert not meeting.parties.get(union=w.union).present
    html = page.get(f"/decisions/meetings/{meeting.pk}/").content.decode()
    assert "ersättare" in html
    # The API: the same service; a refused party names the field.
    api = Api(w.coordinator)
    r = api.put(
        f"/meetings/{meeting.pk}/attendance",
        {"parties": [{"union_id": b.vision.pk, "present": True}]},
    )
    assert r.status_code == 400 and r.json()["field"] == "representative"
    r = api.put(
        f"/meetings/{meeting.pk}/attendance",
        {
            "parties": [
                {
                    "union_id": b.vision.pk,
                    "present": True,
                    "representative_id": b.vision_rep.pk,
                    "substitute": True,
                }
            ]
        },
    )
    assert r.status_code == 200
    vision = next(p for p in r.json()["parties"] if p["party"] == "Vision")
    assert vision["present"] and vision["substitute"]
    assert vision["representative_id"] == b.vision_rep.pk
    assert vision["adjuster_id"] == b.vision_rep.pk
    # A union representative reads the meeting but records no attendance.
    r = Api(w.union_rep).put(
        f"/meetings/{meeting.pk}/attendance",
        {"parties": [{"union_id": b.vision.pk, "present": False}]},
    )
    assert r.status_code == 403


def test_the_granted_amount_shows_with_the_decision(body):
    b, w = body, body.w
    case = in_review(w, amount_ore=30_000_00)
    meeting = meeting_with(b, w.union_rep, b.kommunal_rep, b.vision_rep)
    item = dec.meeting_add_case(actor=b.coord, meeting=meeting, case=case)
    agree_all(b, item)
    dec.item_decide(
        actor=b.coord, item=item, outcome="approved", reason="Eniga.", amount_ore=12_345_00
    )
    page = Client()
    page.force_login(w.union_rep)
    html = page.get(f"/decisions/meetings/{meeting.pk}/").content.decode()
    assert "beviljat belopp" in html and "12\xa0345" in html.replace("&nbsp;", "\xa0")
    r = Api(w.auditor).get(f"/meetings/{meeting.pk}")
    assert r.json()["agenda"][0]["granted_ore"] == 12_345_00
