"""The meetings part of the decisions API: the same services as the pages, with the contract's
statuses (404 for another organisation, 403 for a role, 409 for a state, 422/400 naming the
field)."""

import hashlib
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from lom.cases.models import Status
from lom.decisions import services as dec
from lom.decisions.models import Meeting
from tests.decisions.api_helpers import Api, in_review
from tests.factories import make_world, signed_in


@pytest.fixture
def joint(db):
    from lom.agreements.models import DecisionModel

    return make_world("gemensam", decision_model=DecisionModel.JOINT)


def _planned(w, api: Api, starts_in=timedelta(days=1)) -> dict:
    r = api.post(
        "/meetings",
        {
            "title": "Partssamverkan v.12",
            "starts_at": (timezone.now() + starts_in).isoformat(),
            "place": "Rum 4",
            "attendee_ids": [w.union_rep.pk],
        },
    )
    assert r.status_code == 201, r.content
    return r.json()


def test_a_meeting_from_planning_to_signed_minutes_through_the_api(joint):
    w = joint
    coord, rep = Api(w.coordinator), Api(w.union_rep)
    case = in_review(w, amount_ore=30_000_00, private_reason="Hälsoskäl, hemligt")
    meeting = _planned(w, coord, starts_in=-timedelta(hours=1))
    mid = meeting["id"]
    assert meeting["status"] == "planned" and meeting["agenda"] == []
    assert [c["id"] for c in meeting["ready_cases"]] == [case.pk]
    assert {a["user_id"] for a in meeting["attendees"]} == {w.coordinator.pk, w.union_rep.pk}
    listed = coord.get("/meetings").json()
    assert listed["items"][0]["id"] == mid and listed["next_cursor"] is None

    r = coord.post(f"/meetings/{mid}/agenda", {"fill": True})
    assert r.status_code == 200
    (item,) = r.json()["agenda"]
    assert item["case"]["number"] == case.number and "Hälsoskäl" not in r.content.decode()
    # Attendance: the union party is marked absent, then present again with its representative.
    r = coord.put(
        f"/meetings/{mid}/attendance", {"parties": [{"union_id": w.union.pk, "present": False}]}
    )
    present = {a["user_id"]: a["present"] for a in r.json()["attendees"]}
    assert present == {w.coordinator.pk: True, w.union_rep.pk: False}
    parties = {p["party"]: p["present"] for p in r.json()["parties"]}
    assert parties == {"Arbetsgivaren": True, w.union.name: False}
    r = coord.put(
        f"/meetings/{mid}/attendance",
        {
            "parties": [
                {"union_id": w.union.pk, "present": True, "representative_id": w.union_rep.pk}
            ]
        },
    )
    assert r.status_code == 200, r.content

    # Positions: each party for itself (the representative's own union; the employer).
    r = rep.put(f"/items/{item['id']}/position", {"stance": "agree", "final": True})
    assert r.status_code == 403  # a representative does not speak for the employer
    r = rep.put(
        f"/items/{item['id']}/position",
        {"stance": "agree", "final": True, "union_id": w.union.pk},
    )
    assert r.status_code == 200 and r.json()["party"] == w.union.name
    coord.put(f"/items/{item['id']}/position", {"stance": "agree", "final": True})

    r = coord.post(
        f"/items/{item['id']}/decision",
        {"outcome": "approved", "reason": "Parterna är överens.", "amount_ore": 25_000_00},
    )
    assert r.status_code == 200, r.content
    decided = r.json()
    assert decided["outcome"] == "approved" and decided["decisions"][0]["amount_ore"] == 25_000_00
    assert decided["granted_ore"] == 25_000_00
    assert {p["party"] for p in decided["positions"]} == {w.union.name, "Arbetsgivaren"}
    case.refresh_from_db()
    assert case.status == Status.APPROVED
    # An item is decided once: 409.
    r = coord.post(f"/items/{item['id']}/decision", {"outcome": "deferred", "reason": "x"})
    assert r.status_code == 409 and r.json()["code"] == "state"

    # Adjusting with a token (not bound to a session): the chair, then the union's adjuster,
    # whose adjustment seals the minutes.
    r = coord.post(f"/meetings/{mid}/sign")
    assert r.status_code == 200 and r.json()["status"] == "planned", r.content
    r = rep.post(f"/meetings/{mid}/sign")
    assert r.status_code == 200 and r.json()["status"] == "signed", r.content
    sha = r.json()["minutes_sha256"]
    pdf = Api(w.auditor).get(f"/meetings/{mid}/minutes.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert hashlib.sha256(b"".join(pdf.streaming_content)).hexdigest() == sha
    # The page shows the signed minutes.
    page = Client()
    page.force_login(w.auditor)
    assert "Protokoll justerat" in page.get(f"/decisions/meetings/{mid}/").content.decode()

    # Signed minutes refuse changes with 409; an adjustment is a new, linked meeting.
    r = rep.put(
        f"/items/{item['id']}/position",
        {"stance": "disagree", "reason": "x", "final": True, "union_id": w.union.pk},
    )
    assert r.status_code == 409 and r.json()["code"] == "signed"
    assert coord.post(f"/meetings/{mid}/sign").status_code == 409
    assert coord.post(f"/meetings/{mid}/agenda", {"case_id": in_review(w).pk}).status_code == 409
    r = coord.post(f"/meetings/{mid}/adjust")
    assert r.status_code == 201 and r.json()["adjusts_id"] == mid
    assert r.json()["title"] == "Justering av Partssamverkan v.12"


def test_signing_with_an_old_session_asks_for_a_recent_sign_in(joint):
    w = joint
    meeting = dec.meeting_create(
        actor=w.actor(w.coordinator),
        title="Möte",
        starts_at=timezone.now(),
        attendee_ids=[w.union_rep.pk],
    )
    stale = Api(w.coordinator, signed_in(w.coordinator, auth_age_seconds=24 * 3600))
    for action in ("sign", "adjust"):
        r = stale.post(f"/meetings/{meeting.pk}/{action}")
        assert r.status_code == 403 and r.json()["code"] == "reauth_required"
    stale_rep = Api(w.union_rep, signed_in(w.union_rep, auth_age_seconds=24 * 3600))
    r = stale_rep.post(f"/meetings/{meeting.pk}/sign")
    assert r.status_code == 403 and r.json()["code"] == "reauth_required"
    fresh = Api(w.coordinator, signed_in(w.coordinator))
    assert fresh.post(f"/meetings/{meeting.pk}/sign").status_code == 200
    fresh_rep = Api(w.union_rep, signed_in(w.union_rep))
    assert fresh_rep.post(f"/meetings/{meeting.pk}/sign").json()["status"] == "signed"
    # Adjusting needs signed minutes; the first meeting is now signed, the adjustment is not.
    adj = fresh.post(f"/meetings/{meeting.pk}/adjust").json()
    r = fresh.post(f"/meetings/{adj['id']}/adjust")
    assert r.status_code == 409 and r.json()["code"] == "state"


def test_roles_organisations_and_input(joint):
    w = joint
    coord, emp = Api(w.coordinator), Api(w.employee)
    meeting = _planned(w, coord)
    case = in_review(w)
    item = dec.meeting_add_case(
        actor=w.actor(w.coordinator), meeting=Meeting.objects.get(pk=meeting["id"]), case=case
    )
    # An employee reads no meetings and plans none.
    assert emp.get("/meetings").status_code == 403
    assert emp.get(f"/meetings/{meeting['id']}").status_code == 403
    r = emp.post("/meetings", {"title": "X", "starts_at": timezone.now().isoformat()})
    assert r.status_code == 403
    # A representative may read but not keep the minutes.
    rep = Api(w.union_rep)
    assert rep.get(f"/meetings/{meeting['id']}").status_code == 200
    assert rep.post(f"/meetings/{meeting['id']}/agenda", {"fill": True}).status_code == 403
    assert (
        rep.post(f"/items/{item.pk}/decision", {"outcome": "deferred", "reason": "x"}).status_code
        == 403
    )
    # Another organisation's coordinator finds nothing.
    other = make_world("annan")
    stranger = Api(other.coordinator)
    assert stranger.get(f"/meetings/{meeting['id']}").status_code == 404
    assert stranger.get(f"/meetings/{meeting['id']}/minutes.pdf").status_code == 404
    assert stranger.post(f"/meetings/{meeting['id']}/sign").status_code == 404
    r = stranger.put(f"/items/{item.pk}/position", {"stance": "agree"})
    assert r.status_code == 404
    assert stranger.get("/meetings").json()["items"] == []
    # Input that does not match the schema: 422 naming the field.
    r = coord.post("/meetings", {"title": "", "starts_at": timezone.now().isoformat()})
    assert r.status_code == 422 and r.json()["field"] == "title"
    r = coord.put(f"/items/{item.pk}/position", {"stance": "maybe"})
    assert r.status_code == 422 and r.json()["field"] == "stance"
    # A rule of the domain: 400 naming the field.
    r = coord.put(f"/items/{item.pk}/position", {"stance": "disagree"})
    assert r.status_code == 400 and r.json()["field"] == "reason"
    r = coord.post(f"/meetings/{meeting['id']}/agenda", {})
    assert r.status_code == 400 and r.json()["field"] == "case_id"
    # Approval needs every present party's final position: 400 on the outcome.
    r = coord.post(f"/items/{item.pk}/decision", {"outcome": "approved", "reason": "Ja."})
    assert r.status_code == 400 and r.json()["field"] == "outcome"
    # Signing with an undecided item: the meeting's state refuses it.
    r = coord.post(f"/meetings/{meeting['id']}/sign")
    assert r.status_code == 409
    # A bad cursor names the parameter.
    r = coord.get("/meetings", cursor="zzzz")
    assert r.status_code == 400 and r.json()["field"] == "cursor"


def test_the_api_enums_are_the_models_choices():
    from typing import get_args

    from lom.decisions.api import _common as api
    from lom.decisions.models import AgendaItem, ApplicationRound, Objection, Position

    assert set(get_args(api.MeetingStatus)) == set(Meeting.Status.values)
    assert set(get_args(api.Stance)) == set(Position.Stance.values)
    assert set(get_args(api.ItemOutcome)) == set(AgendaItem.Outcome.values)
    assert set(get_args(api.ObjectionStatus)) == set(Objection.Status.values)
    assert set(get_args(api.RoundStatus)) == set(ApplicationRound.Status.values)
