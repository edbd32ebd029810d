"""The follow-up API: the due list as pages, a case's follow-up, recording it (409 when the
case's state refuses), and the participant's own survey (404 for anyone else, 409 the second
time), through the same services as the pages."""

import pytest

from lom.cases import services as case_services
from lom.cases.models import ApplicationKind
from lom.common.bounds import COMMENT_MAX
from lom.followup.models import FollowUp, ParticipantOutcome, SurveyResponse
from tests.api_client import token_caller
from tests.factories import approve, make_case
from tests.followup.test_followup import completed_case
from tests.reporting import new_case

pytestmark = pytest.mark.django_db

BASE = "/api/v1/followup"
END = {"need_met": "yes", "outcome": "new_internal_role", "comment": "Ny roll."}
SURVEY = {
    "satisfaction": 4,
    "usefulness": 5,
    "heard_from": "union",
    "recommend": "yes",
    "free_text": "Bra kurs.",
}


def test_the_due_list_is_paged_and_a_recorded_case_leaves_it(world):
    cases = [completed_case(world, spent=0) for _ in range(3)]
    call = token_caller(world.coordinator)
    first = call("get", f"{BASE}/cases?limit=2")
    assert first.status_code == 200
    body = first.json()
    assert len(body["items"]) == 2 and body["next_cursor"]
    second = call("get", f"{BASE}/cases?limit=2&cursor={body['next_cursor']}").json()
    assert second["next_cursor"] is None
    seen = [i["case_id"] for i in body["items"] + second["items"]]
    assert sorted(seen) == sorted(c.pk for c in cases)
    assert {i["kind"] for i in body["items"]} == {"end"}

    r = call("post", f"{BASE}/cases/{cases[0].pk}/end", END)
    assert r.status_code == 200, r.content
    left = [i["case_id"] for i in call("get", f"{BASE}/cases").json()["items"]]
    assert cases[0].pk not in left and len(left) == 2


def test_the_due_list_is_for_the_readers_of_follow_up(world):
    completed_case(world)
    for user in (world.employee, world.union_rep):
        r = token_caller(user)("get", f"{BASE}/cases")
        assert r.status_code == 403
    assert token_caller(world.auditor)("get", f"{BASE}/cases").status_code == 200
    assert token_caller(world.coordinator)("get", f"{BASE}/cases?cursor=@@").status_code == 422
    r = token_caller(world.coordinator)("get", f"{BASE}/cases?cursor=abc")
    assert r.status_code == 400 and r.json()["field"] == "cursor"


def test_recording_the_end_follow_up_shows_on_the_case(world):
    case = completed_case(world)
    call = token_caller(world.coordinator)
    before = call("get", f"{BASE}/cases/{case.pk}").json()
    assert before["end"] is None and before["can_record"] is True
    assert (before["requested_ore"], before["spent_ore"]) == (2_000_000, 1_500_000)
    assert before["difference_ore"] == -500_000

    r = call("post", f"{BASE}/cases/{case.pk}/end", END)
    assert r.status_code == 200
    end = call("get", f"{BASE}/cases/{case.pk}").json()["end"]
    assert end["need_met"] == "yes" and end["comment"] == "Ny roll."
    assert end["outcomes"] == [
        {"outcome": "new_internal_role", "count": 1, "employee_id": world.employee_rec.pk}
    ]
    # Correcting it (as the page does) replaces the outcome.
    r = call("post", f"{BASE}/cases/{case.pk}/end", {**END, "outcome": "studies"})
    assert r.json()["end"]["outcomes"][0]["outcome"] == "studies"
    assert FollowUp.objects.filter(case=case).count() == 1


def test_recording_refusals(world, other_world):
    case = completed_case(world)
    call = token_caller(world.coordinator)
    # Another organisation's case does not exist here.
    foreign = completed_case(other_world)
    assert call("post", f"{BASE}/cases/{foreign.pk}/end", END).status_code == 404
    assert call("get", f"{BASE}/cases/{foreign.pk}").status_code == 404
    # Only the coordinator records; a decision maker reads.
    r = token_caller(world.decision_maker)("post", f"{BASE}/cases/{case.pk}/end", END)
    assert r.status_code == 403
    assert token_caller(world.decision_maker)("get", f"{BASE}/cases/{case.pk}").status_code == 200
    # The later follow-up before the end one, and a measure not completed: the state refuses.
    r = call("post", f"{BASE}/cases/{case.pk}/later", END)
    assert r.status_code == 409 and r.json()["field"] == "kind"
    running = approve(world, make_case(world))
    r = call("post", f"{BASE}/cases/{running.pk}/end", END)
    assert r.status_code == 409 and "avslutad" in r.json()["detail"]
    # Bad input names the field: an unknown enum (422), a missing outcome (400).
    r = call("post", f"{BASE}/cases/{case.pk}/end", {**END, "need_met": "maybe"})
    assert r.status_code == 422 and r.json()["field"] == "need_met"
    r = call("post", f"{BASE}/cases/{case.pk}/end", {"need_met": "yes"})
    assert r.status_code == 400 and r.json()["field"] == "outcome"
    r = call("post", f"{BASE}/cases/{case.pk}/end", {**END, "comment": "x" * (COMMENT_MAX + 1)})
    assert r.status_code == 422 and r.json()["field"] == "comment"
    assert not FollowUp.objects.exists()


def test_a_group_measure_records_counts_that_add_up(world):
    case = approve(
        world,
        new_case(
            world,
            world.manager,
            title="Gruppkurs",
            amount_ore=3_000_000,
            kind=ApplicationKind.GROUP,
            participants=6,
        ),
    )
    coord = world.actor(world.coordinator)
    case_services.case_transition(actor=coord, case=case, name="complete")
    call = token_caller(world.coordinator)
    counts = [{"outcome": "same_role", "count": 3}, {"outcome": "studies", "count": 2}]
    body = {"need_met": "partly", "outcome_counts": counts}
    r = call("post", f"{BASE}/cases/{case.pk}/end", body)
    assert r.status_code == 400 and r.json()["field"] == "outcome_counts"
    body["outcome_counts"] = [*counts, {"outcome": "studies", "count": 1}]
    r = call("post", f"{BASE}/cases/{case.pk}/end", body)
    assert r.status_code == 200 and r.json()["group"] is True
    rows = dict(
        ParticipantOutcome.objects.filter(followup__case=case).values_list("outcome", "count")
    )
    assert rows == {"same_role": 3, "studies": 3}


def test_the_participant_answers_the_survey_once(world):
    case = completed_case(world)
    call = token_caller(world.employee)
    listed = call("get", f"{BASE}/surveys").json()
    assert [i["survey_id"] for i in listed["items"]] == [case.pk]
    survey = call("get", f"{BASE}/surveys/{case.pk}").json()
    assert (survey["answered"], survey["can_answer"]) == (False, True)

    r = call("post", f"{BASE}/surveys/{case.pk}/answers", SURVEY)
    assert r.status_code == 201 and r.json()["answered"] is True
    answer = SurveyResponse.objects.get()
    assert (answer.satisfaction, answer.free_text) == (4, "Bra kurs.")
    assert call("get", f"{BASE}/surveys").json()["items"] == []
    # Answering twice: the state refuses, nothing more is stored.
    r = call("post", f"{BASE}/surveys/{case.pk}/answers", SURVEY)
    assert r.status_code == 409 and "redan svarat" in r.json()["detail"]
    assert SurveyResponse.objects.count() == 1


def test_only_the_participant_reaches_the_survey(world, other_world):
    case = completed_case(world)
    for user in (world.colleague, world.coordinator, world.manager, other_world.employee):
        call = token_caller(user)
        assert call("get", f"{BASE}/surveys/{case.pk}").status_code == 404
        assert call("post", f"{BASE}/surveys/{case.pk}/answers", SURVEY).status_code == 404
        assert call("get", f"{BASE}/surveys").json()["items"] == []
    call = token_caller(world.employee)
    running = approve(world, make_case(world))
    r = call("post", f"{BASE}/surveys/{running.pk}/answers", SURVEY)
    assert r.status_code == 409 and "avslutad" in r.json()["detail"]
    r = call("post", f"{BASE}/surveys/{case.pk}/answers", {**SURVEY, "satisfaction": 6})
    assert r.status_code == 422 and r.json()["field"] == "satisfaction"
    r = call("post", f"{BASE}/surveys/{case.pk}/answers", {**SURVEY, "recommend": "kanske"})
    assert r.status_code == 422 and r.json()["field"] == "recommend"
    assert not SurveyResponse.objects.exists()
