"""The round from unplanned money: one action, the unplanned amount as its budget frame, the
call prefilled from the plan's needs, audited."""

from datetime import date, timedelta

import pytest

from lom.common.errors import DomainError, PermissionDeniedError
from lom.common.models import AuditEvent
from lom.decisions.models import ApplicationRound
from lom.levers.selectors.levers import period_levers
from lom.levers.services import round_from_unplanned
from tests.factories import make_world
from tests.levers.builders import approved_plan

pytestmark = pytest.mark.django_db
TODAY = date.today()


def _open(world, user=None, **kw):
    return round_from_unplanned(
        actor=world.actor(user or world.coordinator),
        period=world.period,
        title=kw.pop("title", "Utvecklingsprojekt"),
        opens_on=TODAY,
        closes_on=TODAY + timedelta(days=30),
        **kw,
    )


def test_the_round_takes_the_unplanned_amount_and_the_plans_needs(world):
    plan = approved_plan(world, budget_ore=400_000_00, need="Digital kompetens i handläggningen")
    rnd = _open(world)
    assert rnd.budget_ore == 600_000_00  # 1 000 000 kr less the 400 000 kr the plan earmarks
    assert rnd.period == world.period and rnd.status == ApplicationRound.Status.OPEN
    assert "Digital kompetens i handläggningen (Digitalisering)" in rnd.call_text
    assert plan.title in rnd.call_text
    assert rnd.criteria.count() == 4
    event = AuditEvent.objects.get(action="levers.round_from_unplanned")
    assert event.target_id == rnd.pk and event.organisation_id == world.org.pk
    assert event.after["budget_ore"] == 600_000_00 and event.after["plan"] == plan.pk


def test_an_open_rounds_frame_is_no_longer_unplanned(world):
    _open(world, budget_ore=700_000_00)
    money = period_levers(period=world.period).unplanned
    assert money.rounds_kr == 700_000 and money.unplanned_kr == 300_000
    with pytest.raises(DomainError) as exc:
        _open(world, budget_ore=300_000_01)
    assert exc.value.field == "budget"
    assert _open(world).budget_ore == 300_000_00
    with pytest.raises(DomainError):
        _open(world)  # nothing unplanned is left


def test_a_smaller_frame_and_an_own_call_are_kept(world):
    rnd = _open(world, budget_ore=100_000_00, call_text="Vi söker projekt om AI.")
    assert rnd.budget_ore == 100_000_00 and rnd.call_text == "Vi söker projekt om AI."


def test_the_frame_is_never_more_than_the_unplanned_money(world):
    approved_plan(world, budget_ore=400_000_00, need="Digital kompetens")
    with pytest.raises(DomainError) as exc:
        _open(world, budget_ore=600_000_01)
    assert exc.value.field == "budget"
    assert not ApplicationRound.objects.exists()


def test_no_round_when_nothing_is_unplanned(world):
    approved_plan(world, budget_ore=1_000_000_00, need="Digital kompetens")
    with pytest.raises(DomainError) as exc:
        _open(world)
    assert exc.value.field == "budget"


def test_only_the_coordinator_opens_it(world):
    for user in (world.union_rep, world.admin, world.decision_maker, world.employee):
        with pytest.raises(PermissionDeniedError):
            _open(world, user)
    assert not ApplicationRound.objects.exists()


def test_not_for_another_organisations_period(world):
    beta = make_world("beta")
    with pytest.raises(DomainError) as exc:
        round_from_unplanned(
            actor=world.actor(world.coordinator),
            period=beta.period,
            title="X",
            opens_on=TODAY,
            closes_on=TODAY,
        )
    assert exc.value.field == "period"


def test_the_rounds_own_rules_still_apply(world):
    with pytest.raises(DomainError) as exc:
        round_from_unplanned(
            actor=world.actor(world.coordinator),
            period=world.period,
            title="X",
            opens_on=TODAY,
            closes_on=TODAY - timedelta(days=1),
        )
    assert exc.value.field == "closes_on"
