"""GET /api/v1/funds/periods/{id}/levers and POST .../levers/round: the same answers as the
pages, 4xx naming the field, another organisation's period a 404, the union representative
reads but does not act."""

from datetime import date, timedelta

import pytest

from lom.decisions.models import ApplicationRound
from tests.api_client import error_field, token_caller
from tests.factories import make_world
from tests.levers.builders import approved_plan, reached_world

pytestmark = pytest.mark.django_db
TODAY = date.today()


def _url(period, tail=""):
    return f"/api/v1/funds/periods/{period.pk}/levers{tail}"


def _round(**kw):
    return {
        "title": "Utvecklingsprojekt",
        "opens_on": TODAY.isoformat(),
        "closes_on": (TODAY + timedelta(days=30)).isoformat(),
    } | kw


def test_the_levers_with_their_effects_and_the_conversion_used(world):
    reached_world(world)
    approved_plan(world, budget_ore=300_000_00, need="Digital kompetens")
    body = token_caller(world.coordinator)("get", _url(world.period)).json()
    assert body["period_id"] == world.period.pk and body["forecast"]["warning"] is True
    assert body["conversion"] == {
        "apply_rate": 0.03,
        "apply_source": "default",
        "campaigns": 0,
        # The five approved cases of 20 000 kr are enough history for the grant side.
        "approval_rate": 1.0,
        "average_grant_kr": 20000,
        "grant_source": "history",
        "decided_cases": 5,
    }
    levers = {lev["key"]: lev for lev in body["levers"]}
    assert set(levers) == {"under_reached", "silent_units", "unplanned", "group_measures"}
    effects = [lev["effect_kr"] for lev in body["levers"]]
    assert effects == sorted(effects, reverse=True)
    carers = next(i for i in levers["under_reached"]["items"] if i["value"] == "Vårdare")
    assert carers["dimension"] == "occupational_group" and carers["effect_kr"] == 3600
    assert carers["staff"] == 6 and carers["funds_share"] == 0.0
    silent = levers["silent_units"]["items"][0]
    assert silent["value"] == str(world.unit_b.pk) and silent["manager"] == "Kim Lind"
    assert body["unplanned"]["unplanned_kr"] == 600_000
    assert body["unplanned"]["areas"][0]["planned_kr"] == 300_000
    assert body["unplanned"]["carry_over"][0]["period_id"] == world.period.pk
    assert body["campaigns"] == []


def test_the_union_representative_reads_without_the_managers_names(world):
    reached_world(world)
    call = token_caller(world.union_rep)
    body = call("get", _url(world.period)).json()
    silent = next(lev for lev in body["levers"] if lev["key"] == "silent_units")
    assert silent["items"][0]["manager"] == ""
    response = call("post", _url(world.period, "/round"), _round())
    assert response.status_code == 403
    assert not ApplicationRound.objects.exists()


def test_other_roles_are_refused_and_another_organisation_is_not_found(world):
    for user in (world.employee, world.auditor, world.decision_maker):
        assert token_caller(user)("get", _url(world.period)).status_code == 403
    beta = make_world("beta")
    call = token_caller(world.coordinator)
    assert call("get", _url(beta.period)).status_code == 404
    assert call("post", _url(beta.period, "/round"), _round()).status_code == 404


def test_the_round_action(world):
    approved_plan(world, budget_ore=400_000_00, need="Digital kompetens")
    response = token_caller(world.coordinator)("post", _url(world.period, "/round"), _round())
    assert response.status_code == 201, response.content
    body = response.json()
    rnd = ApplicationRound.objects.get()
    assert body["id"] == rnd.pk and rnd.budget_ore == 600_000_00
    assert "Digital kompetens" in body["call_text"]


def test_a_refused_round_names_the_field(world):
    call = token_caller(world.coordinator)
    response = call("post", _url(world.period, "/round"), _round(budget_ore=1_000_000_01))
    assert response.status_code == 400 and error_field(response) == "budget_ore"
    response = call("post", _url(world.period, "/round"), _round(title=""))
    assert response.status_code == 422 and error_field(response) == "title"
    response = call(
        "post", _url(world.period, "/round"), _round(closes_on=(TODAY - timedelta(1)).isoformat())
    )
    assert response.status_code == 400 and error_field(response) == "closes_on"
    assert not ApplicationRound.objects.exists()
