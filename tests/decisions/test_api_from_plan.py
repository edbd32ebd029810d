"""Workshop proposals into a draft application or a round, through the decisions API."""

from datetime import date, timedelta

import pytest

from lom.cases.models import Status
from lom.organisations.models import Role, Union
from lom.organisations.services import membership_grant
from tests.decisions.api_helpers import Api
from tests.factories import UserFactory, add_agreement_union, make_world
from tests.planning.test_planning import run_workshop


@pytest.fixture
def w(db):
    w = make_world("plan")
    vision = Union.objects.create(organisation=w.org, name="Vision")
    add_agreement_union(w.org, vision)
    rep2 = UserFactory(username="plan-vision")
    membership_grant(actor=None, organisation=w.org, user=rep2, role=Role.UNION_REP, union=vision)
    w.vision, w.rep2 = vision, rep2
    return w


def test_proposals_become_an_application_and_a_round(w):
    open_ws = run_workshop(w, lock=False)
    ws = run_workshop(w)
    security = ws.proposals.get(title="Säkerhetsutbildning för alla medarbetare")
    mentors = ws.proposals.get(title="Mentorprogram")
    manager, coord = Api(w.manager), Api(w.coordinator)
    # Not before the workshop is locked; not by a participant who is neither author nor lead.
    unlocked = open_ws.proposals.get(title="Mentorprogram")
    assert manager.post(f"/proposals/{unlocked.pk}/case").status_code == 403
    assert Api(w.employee).post(f"/proposals/{security.pk}/case").status_code == 403
    # The author turns it into a draft; a second time the proposal's state refuses it.
    r = manager.post(f"/proposals/{security.pk}/case")
    assert r.status_code == 201, r.content
    security.refresh_from_db()
    assert r.json() == {"proposal_id": security.pk, "case_id": security.case_id}
    assert security.case.status == Status.DRAFT and security.case.created_by == w.manager
    r = manager.post(f"/proposals/{security.pk}/case")
    assert r.status_code == 409 and r.json()["code"] == "already_converted"

    body = {
        "proposal_ids": [mentors.pk],
        "title": "Utvecklingsprojekt 2026",
        "opens_on": date.today().isoformat(),
        "closes_on": (date.today() + timedelta(days=30)).isoformat(),
        "period_id": w.period.pk,
    }
    assert manager.post(f"/workshops/{ws.pk}/round", body).status_code == 403
    r = coord.post(f"/workshops/{ws.pk}/round", body | {"proposal_ids": []})
    assert r.status_code == 422 and r.json()["field"] == "proposal_ids"
    r = coord.post(f"/workshops/{ws.pk}/round", body | {"proposal_ids": [unlocked.pk]})
    assert r.status_code == 400 and r.json()["field"] == "proposal_ids"
    r = coord.post(f"/workshops/{ws.pk}/round", body)
    assert r.status_code == 201, r.content
    assert r.json()["budget_ore"] == 50_000_00 and "Mentorprogram" in r.json()["call_text"]
    assert len(r.json()["criteria"]) == 4
    mentors.refresh_from_db()
    assert mentors.round_id == r.json()["id"]
    # The proposal is in a round now: choosing it again is refused.
    r = coord.post(f"/workshops/{ws.pk}/round", body)
    assert r.status_code == 400 and r.json()["field"] == "proposal_ids"
    # Another organisation finds neither the workshop nor the proposal.
    stranger = Api(make_world("annan").coordinator)
    assert stranger.post(f"/proposals/{mentors.pk}/case").status_code == 404
    assert stranger.post(f"/workshops/{ws.pk}/round", body).status_code == 404
