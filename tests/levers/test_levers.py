"""The four levers of a fund period, on a built organisation."""

from datetime import timedelta

import pytest
from django.utils import timezone

from lom.cases.models import Case
from lom.levers.effects import expected_effect_kr
from lom.levers.selectors.campaigns import conversion_for
from lom.levers.selectors.levers import nudge_all_link, period_levers
from lom.library.models import LibraryEntry, ParticipantsBand
from lom.organisations.models import Unit
from lom.organisations.services import unit_create
from tests.factories import make_case, make_completed_case, publish_library_entry
from tests.levers.builders import approved_plan, reached_world, staff

pytestmark = pytest.mark.django_db


def _items(levers, key):
    return {(i.dimension, i.label): i for i in levers.lever(key).items}


def test_the_forecast_warns_and_the_under_reached_groups_are_the_ones_without_money(world):
    reached_world(world)
    levers = period_levers(period=world.period)
    assert levers.forecast.warning
    items = _items(levers, "under_reached")
    assert set(items) == {
        ("unit", "Enhet B"),
        ("occupational_group", "Vårdare"),
        ("gender", "Man"),
        ("age_band", "30–39 år"),
    }
    carers = items[("occupational_group", "Vårdare")]
    assert carers.value == "Vårdare" and carers.people == 6
    # 6 staff of 14: 42.9 % of the 100 000 kr granted is the shortfall (the cap).
    assert carers.cap_kr == 42_900
    # The grant side comes from the five approved cases of 20 000 kr (history), the apply rate
    # is the default (no earlier campaign): 6 × 3 % × 100 % × 20 000 kr.
    conversion = conversion_for(organisation=world.org)
    assert (conversion.grant_source, conversion.apply_source) == ("history", "default")
    assert carers.effect_kr == expected_effect_kr(people=6, conversion=conversion) == 3600
    assert items[("unit", "Enhet B")].value == str(world.unit_b.pk)
    assert items[("unit", "Enhet B")].people == 7
    assert items[("gender", "Man")].value == "M"
    assert items[("age_band", "30–39 år")].value == "1"
    assert "lever=under_reached" in carers.link and "dimension=occupational_group" in carers.link
    assert f"period={world.period.pk}" in carers.link and "effect=3600" in carers.link
    # Ranked by effect: unit B (7 people) before the groups of 6.
    assert levers.lever("under_reached").items[0].label == "Enhet B"


def test_a_group_under_five_or_a_suppressed_cell_is_never_a_lever(world):
    reached_world(world)
    # Four cleaners: under five, so hidden in the figures; the carers' cell is then hidden
    # too (secondary suppression), and neither becomes a lever.
    staff(world, world.unit_b, 4, "stad", occupational_group="Städare")
    items = _items(period_levers(period=world.period), "under_reached")
    groups = {label for dim, label in items if dim == "occupational_group"}
    assert "Städare" not in groups
    assert "Vårdare" not in groups
    assert all(i.people >= 5 and i.detail["staff"] >= 5 for i in items.values())


def test_silent_units_have_five_employees_and_no_application_for_twelve_months(world):
    reached_world(world)
    levers = period_levers(period=world.period)
    silent = levers.lever("silent_units").items
    assert [i.label for i in silent] == ["Enhet B"]
    unit_b = silent[0]
    assert unit_b.detail["staff"] == 7 and unit_b.people == 7
    assert unit_b.detail["manager"] == ""  # names only when asked (coordinators)
    # The unit's own action is a campaign to its staff (its one manager alone would be a
    # campaign to one person, which is refused).
    assert "lever=silent_units" in unit_b.link and "dimension=unit&" in unit_b.link
    assert f"value={world.unit_b.pk}" in unit_b.link and "kind=nudge" not in unit_b.link
    named = period_levers(period=world.period, manager_names=True).lever("silent_units")
    assert named.items[0].detail["manager"] == "Kim Lind"
    # Unit A applied: not silent. An application older than twelve months would not count.
    Case.objects.filter(organisation=world.org).update(
        created_at=timezone.now() - timedelta(days=400)
    )
    labels = {i.label for i in period_levers(period=world.period).lever("silent_units").items}
    assert labels == {"Enhet A", "Enhet B"}


def test_a_draft_is_not_an_application_and_small_units_are_never_silent(world):
    staff(world, world.unit_b, 4, "vard")  # unit B: the colleague + 4 = 5
    make_case(world, world.colleague, submit=False)  # a draft from unit B
    silent = period_levers(period=world.period).lever("silent_units").items
    # Unit A has three employees: too few; unit B's draft does not count.
    assert [i.label for i in silent] == ["Enhet B"]
    make_case(world, world.colleague)  # submitted
    assert period_levers(period=world.period).lever("silent_units").items == []


def test_nudging_every_silent_units_managers_at_once_when_they_are_five(world):
    staff(world, world.unit_a, 5, "a")
    staff(world, world.unit_b, 5, "b")
    # Two silent units, one manager: a nudge would reach one person, so none is offered.
    Unit.objects.filter(pk=world.unit_b.pk).update(manager=world.colleague_rec)
    assert nudge_all_link(period_levers(period=world.period)) == ""
    for i in range(4):
        unit = unit_create(actor=None, organisation=world.org, name=f"Tyst {i}", parent=world.top)
        staff(world, unit, 5, f"t{i}-")
        Unit.objects.filter(pk=unit.pk).update(manager=unit.employees.first())
    levers = period_levers(period=world.period)
    link = nudge_all_link(levers)
    assert "dimension=managers" in link and "kind=nudge" in link
    silent = [int(i.value) for i in levers.lever("silent_units").items]
    assert len(silent) == 6 and world.unit_b.pk in silent
    assert "value=" + "%2C".join(map(str, silent)) in link


def test_unplanned_money_is_what_is_left_minus_what_the_plan_still_earmarks(world):
    reached_world(world)
    approved_plan(world, budget_ore=300_000_00, need="Digital kompetens")
    money = period_levers(period=world.period).unplanned
    # 1 000 000 kr allocated, 100 000 kr granted; the plan earmarks 300 000 kr (none of its
    # need's money granted yet).
    assert money.remaining_kr == 900_000
    assert money.earmarked_kr == 300_000
    assert money.unplanned_kr == 600_000
    assert [(a.name, a.planned_kr, a.left_kr) for a in money.areas] == [
        ("Digitalisering", 300_000, 300_000)
    ]
    assert [(t.name, t.received_kr) for t in money.trend] == [(world.period.name, 0)]
    item = period_levers(period=world.period, round_link="/r/").lever("unplanned").items[0]
    assert item.cap_kr == 600_000 and item.link == "/r/"
    assert item.people == 14  # every employee with an address
    conversion = conversion_for(organisation=world.org)
    assert item.effect_kr == expected_effect_kr(people=14, conversion=conversion, cap_kr=600_000)


def test_without_a_plan_everything_left_is_unplanned(world):
    money = period_levers(period=world.period).unplanned
    assert money.plan is None and money.unplanned_kr == money.remaining_kr == 1_000_000


def test_group_measures_answer_the_plans_needs_for_the_units_that_have_them(world):
    staff(world, world.unit_b, 5, "b")
    done = make_completed_case(world, title="Dataanalys i grupp")
    entry = publish_library_entry(world, done, title="Dataanalys för en hel enhet")
    LibraryEntry.objects.filter(pk=entry.pk).update(participants_band=ParticipantsBand.MEDIUM)
    approved_plan(
        world,
        budget_ore=200_000_00,
        need="Dataanalys i handläggningen",
        target_group="Handläggarna på Enhet B",
    )
    items = period_levers(period=world.period).lever("group_measures").items
    assert [(i.detail["unit"], i.dimension, i.value) for i in items] == [
        ("Enhet B", "unit", str(world.unit_b.pk))
    ]
    item = items[0]
    assert item.detail["entries"] == [(entry.pk, "Dataanalys för en hel enhet")]
    assert f"measure={entry.pk}" in item.link and "lever=group_measures" in item.link
    assert item.cap_kr == 200_000  # what the plan still earmarks for the need's area
    # An entry for one person or a few is not a group measure.
    LibraryEntry.objects.filter(pk=entry.pk).update(participants_band=ParticipantsBand.FEW)
    assert period_levers(period=world.period).lever("group_measures").items == []


def test_levers_rank_by_their_best_item(world):
    reached_world(world)
    levers = period_levers(period=world.period)
    effects = [lev.effect_kr for lev in levers.levers]
    assert effects == sorted(effects, reverse=True)
    assert levers.levers[0].key == "unplanned"  # the whole staff, capped by 900 000 kr
