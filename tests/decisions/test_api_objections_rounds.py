"""Objections, application rounds and notifications through the decisions API: the same
services as the pages, with the contract's statuses."""

from datetime import date, timedelta

from django.test import Client

from lom.cases import services as cs
from lom.cases.models import ApplicationKind, Status
from lom.decisions.models import ApplicationRound, Objection
from tests.decisions.api_helpers import Api, in_review
from tests.factories import make_case, make_world


def test_an_objection_raised_answered_and_closed(world):
    w = world
    rep, coord = Api(w.union_rep), Api(w.coordinator)
    case = in_review(w)
    r = rep.post("/objections", {"reasons": "Fel bedömning.", "case_id": case.pk})
    assert r.status_code == 201, r.content
    objection = r.json()
    oid = objection["id"]
    assert objection["status"] == "raised" and objection["subject"] == f"Ärende {case.number}"
    assert [e["action"] for e in objection["events"]] == ["objection.raise"]
    listed = coord.get("/objections", status="raised").json()
    assert [o["id"] for o in listed["items"]] == [oid]
    assert coord.get("/objections", status="resolved").json()["items"] == []
    # The union cannot answer for the employer; closing before the answer is a state refusal.
    assert rep.post(f"/objections/{oid}/answer", {"answer": "x"}).status_code == 403
    r = rep.post(f"/objections/{oid}/close", {"outcome": "resolved"})
    assert r.status_code == 409 and r.json()["code"] == "state"
    r = coord.post(f"/objections/{oid}/answer", {"answer": "Vi ser över det."})
    assert r.status_code == 200 and r.json()["status"] == "answered"
    r = coord.post(f"/objections/{oid}/answer", {"answer": "Igen."})
    assert r.status_code == 409
    r = rep.post(f"/objections/{oid}/close", {"outcome": "settled"})
    assert r.status_code == 422 and r.json()["field"] == "outcome"
    r = rep.post(f"/objections/{oid}/close", {"outcome": "resolved", "note": "Löst."})
    assert r.status_code == 200 and r.json()["status"] == "resolved"
    assert Objection.objects.get(pk=oid).closing_note == "Löst."
    # The page shows it closed.
    page = Client()
    page.force_login(w.coordinator)
    assert "Löst lokalt" in page.get(f"/decisions/objections/{oid}/").content.decode()
    # Roles, other organisations, input.
    emp = Api(w.employee)
    assert emp.get("/objections").status_code == 403
    assert emp.get(f"/objections/{oid}").status_code == 403
    assert coord.post("/objections", {"reasons": "x"}).status_code == 403  # not a union's
    r = rep.post("/objections", {"reasons": ""})
    assert r.status_code == 422 and r.json()["field"] == "reasons"
    stranger = Api(make_world("annan").coordinator)
    assert stranger.get(f"/objections/{oid}").status_code == 404
    assert stranger.post(f"/objections/{oid}/answer", {"answer": "x"}).status_code == 404
    assert rep.post("/objections", {"reasons": "x", "decision_id": 999999}).status_code == 404


def _development_project(w):
    case = make_case(w, submit=False, title="Utvecklingsprojekt")
    case.kind = ApplicationKind.DEVELOPMENT_PROJECT
    case.save(update_fields=["kind"])
    return case


def test_a_round_from_call_to_joint_decision(world):
    w = world
    coord, rep, emp = Api(w.coordinator), Api(w.union_rep), Api(w.employee)
    body = {
        "title": "Utvecklingsprojekt 2026",
        "call_text": "Sök medel för utvecklingsprojekt.",
        "opens_on": date.today().isoformat(),
        "closes_on": (date.today() + timedelta(days=30)).isoformat(),
        "budget_ore": 100_000_00,
        "period_id": w.period.pk,
        "criteria": [{"name": "Nytta", "max_score": 5}],
    }
    # Input: the schema (422) and the domain's rules (400), each naming the field.
    r = coord.post("/rounds", body | {"criteria": []})
    assert r.status_code == 422 and r.json()["field"] == "criteria"
    r = coord.post("/rounds", body | {"period_id": 999999})
    assert r.status_code == 400 and r.json()["field"] == "period_id"
    r = coord.post("/rounds", body | {"closes_on": "2001-01-01"})
    assert r.status_code == 400 and r.json()["field"] == "closes_on"
    assert emp.post("/rounds", body).status_code == 403
    r = coord.post("/rounds", body)
    assert r.status_code == 201, r.content
    rnd = r.json()
    rid = rnd["id"]
    assert rnd["status"] == "open" and [c["name"] for c in rnd["criteria"]] == ["Nytta"]
    assert [x["id"] for x in emp.get("/rounds").json()["items"]] == [rid]

    # The applicant joins a development-project draft, submits it; it goes under review.
    case = _development_project(w)
    r = emp.post(f"/rounds/join/{case.pk}", {"round_id": rid})
    assert r.status_code == 200 and r.json() == {"case_id": case.pk, "round_id": rid}
    case = cs.case_transition(actor=w.actor(w.employee), case=case, name="submit")
    cs.case_transition(actor=w.actor(w.coordinator), case=case, name="start_review")

    criterion = rnd["criteria"][0]["id"]
    r = rep.put(f"/rounds/{rid}/scores/{case.pk}", {"criterion_id": criterion, "score": 4})
    assert r.status_code == 200 and r.json()["score"] == 4
    r = rep.put(f"/rounds/{rid}/scores/{case.pk}", {"criterion_id": criterion, "score": 9})
    assert r.status_code == 400 and r.json()["field"] == "score"
    assert (
        emp.put(
            f"/rounds/{rid}/scores/{case.pk}", {"criterion_id": criterion, "score": 1}
        ).status_code
        == 403
    )
    r = rep.put(f"/rounds/{rid}/scores/{case.pk}", {"criterion_id": 999999, "score": 1})
    assert r.status_code == 404
    # Blind: until every assessor has scored, the coordinator sees no one else's score.
    seen = coord.get(f"/rounds/{rid}").json()
    (row,) = seen["applications"]
    assert not seen["revealed"] and row["cells"][0] == {
        "criterion_id": criterion,
        "mean": None,
        "scores": [],
    }
    # The rest score in the matrix (a row at a time); then all see everything side by side.
    r = coord.put(
        f"/rounds/{rid}/matrix/{case.pk}", {"scores": [{"criterion_id": criterion, "score": 99}]}
    )
    assert r.status_code == 400 and r.json()["field"] == f"scores.{criterion}"
    r = coord.put(
        f"/rounds/{rid}/matrix/{case.pk}", {"scores": [{"criterion_id": criterion, "score": 2}]}
    )
    assert (
        r.status_code == 200
        and r.json()["changed"] == 1
        and r.json()["row"]["cells"][0]["mine"] == 2
    )
    dm = Api(w.decision_maker)
    r = dm.put(
        f"/rounds/{rid}/matrix/{case.pk}", {"scores": [{"criterion_id": criterion, "score": 3}]}
    )
    assert r.status_code == 200
    seen = coord.get(f"/rounds/{rid}").json()
    (row,) = seen["applications"]
    assert seen["revealed"] and row["cells"][0]["mean"] == 3.0 and row["total"] == 3.0
    assert {s["assessor_id"] for s in row["cells"][0]["scores"]} == {
        w.union_rep.pk,
        w.coordinator.pk,
        w.decision_maker.pk,
    }
    m = rep.get(f"/rounds/{rid}/matrix").json()
    assert m["revealed"] and m["rows"][0]["cells"][0]["spread"] == 2 and m["rows"][0]["rank"] == 1
    assert emp.get(f"/rounds/{rid}").json()["applications"] == []
    assert emp.get(f"/rounds/{rid}/matrix").status_code == 403

    # The joint decision: within the budget frame, all applications under review.
    r = coord.post(f"/rounds/{rid}/decision", {"decisions": []})
    assert r.status_code == 400
    over = {"case_id": case.pk, "approve": True, "amount_ore": 200_000_00}
    r = coord.post(f"/rounds/{rid}/decision", {"decisions": [over], "reason": "Bra."})
    assert r.status_code == 400 and r.json()["field"] == "amount_ore"
    assert rep.post(f"/rounds/{rid}/decision", {"decisions": []}).status_code == 403
    ok = {"case_id": case.pk, "approve": True, "amount_ore": 15_000_00}
    r = coord.post(f"/rounds/{rid}/decision", {"decisions": [ok], "reason": "Bra projekt."})
    assert r.status_code == 200 and r.json()["status"] == "decided", r.content
    case.refresh_from_db()
    assert case.status == Status.APPROVED
    assert ApplicationRound.objects.get(pk=rid).status == "decided"
    # A decided round refuses scores and decisions: 409.
    r = rep.put(f"/rounds/{rid}/scores/{case.pk}", {"criterion_id": criterion, "score": 2})
    assert r.status_code == 409
    assert coord.post(f"/rounds/{rid}/decision", {"decisions": [ok]}).status_code == 409
    # Joining a decided round: 409; another organisation: 404.
    r = emp.post(f"/rounds/join/{_development_project(w).pk}", {"round_id": rid})
    assert r.status_code == 409
    stranger = Api(make_world("annan").coordinator)
    assert stranger.get(f"/rounds/{rid}").status_code == 404
    assert stranger.post(f"/rounds/{rid}/decision", {"decisions": []}).status_code == 404


def test_notifications_and_their_preferences(world):
    w = world
    rep = Api(w.union_rep)
    rep_user = w.union_rep
    Api(w.union_rep).post("/objections", {"reasons": "Fel."})  # tells the employer
    coord = Api(w.coordinator)
    page = coord.get("/notifications", limit=1).json()
    assert page["items"][0]["kind"] == "objection" and page["items"][0]["read_at"] is None
    assert coord.post("/notifications/read").json()["marked"] >= 1
    assert coord.get("/notifications").json()["items"][0]["read_at"] is not None
    assert rep.get("/notifications").json()["items"] == []
    r = rep.put(
        "/notifications/preferences",
        {"email": [{"kind": "agenda", "email": False}], "digest": True},
    )
    assert r.status_code == 200
    prefs = {p["kind"]: p["email"] for p in r.json()["email"]}
    assert prefs["agenda"] is False and prefs["objection"] is True and r.json()["digest"] is True
    assert rep.get("/notifications/preferences").json() == r.json()
    r = rep.put("/notifications/preferences", {"email": [{"kind": "spam", "email": True}]})
    assert r.status_code == 422 and r.json()["field"] == "email.0.kind"
    # The page shows the choice.
    c = Client()
    c.force_login(rep_user)
    assert c.get("/decisions/notifications/").status_code == 200
