"""Bounded input in planning: too long texts and too large amounts are refused naming the
field, through the services (which the API and loaders use) and the forms; nothing is saved
and nothing answers 500."""

from datetime import date

import pytest
from django.urls import reverse

from lom.common.bounds import MAX_AMOUNT_ORE, NAME_MAX, TEXT_MAX
from lom.common.errors import DomainError
from lom.planning import services as ps
from lom.planning.models import PlannedMeasure, Proposal, Step, TransitionPlan
from tests.planning.test_planning import client_for, new_workshop

TEN_MB = "x" * (10 * 1024 * 1024)


def _draft_plan(w) -> TransitionPlan:
    plan = ps.plan_create(
        actor=w.actor(w.coordinator),
        title="Utkast",
        period_start=date(2026, 1, 1),
        period_end=date(2026, 12, 31),
    )
    ps.plan_area_add(actor=w.actor(w.coordinator), plan=plan, name="Digitalisering")
    return plan


def test_a_201_character_title_and_a_10_mb_text_are_refused_by_the_services(w):
    coord = w.actor(w.coordinator)
    with pytest.raises(DomainError) as exc:
        ps.plan_create(
            actor=coord,
            title="P" * (NAME_MAX + 1),
            period_start=date(2026, 1, 1),
            period_end=date(2026, 12, 31),
        )
    assert exc.value.field == "title"
    with pytest.raises(DomainError) as exc:
        ps.plan_create(
            actor=coord,
            title="Plan",
            period_start=date(2026, 1, 1),
            period_end=date(2026, 12, 31),
            analyses=TEN_MB,
        )
    assert exc.value.field == "analyses"
    assert not TransitionPlan.objects.exists()

    ws = new_workshop(w)
    with pytest.raises(DomainError) as exc:
        ps.workshop_create(actor=coord, title="W", held_on=date.today(), place=TEN_MB)
    assert exc.value.field == "place"
    ps.workshop_set_step(actor=coord, workshop=ws, step=Step.SORT)
    area = ps.area_add(actor=coord, workshop=ws, name="Digitalisering")
    ps.workshop_set_step(actor=coord, workshop=ws, step=Step.IMPACT)
    need = ps.need_add(
        actor=coord,
        workshop=ws,
        area=area,
        consequence="Nya krav.",
        competence_need="Säkerhet",
        likelihood=3,
        impact=3,
    )
    ps.workshop_set_step(actor=coord, workshop=ws, step=Step.PROPOSALS)
    for kwargs, field in (
        ({"description": TEN_MB}, "description"),
        ({"target_group": "m" * (NAME_MAX + 1)}, "target_group"),
        ({"cost_ore": MAX_AMOUNT_ORE + 1}, "cost"),
        ({"cost_ore": 2**63}, "cost"),
    ):
        with pytest.raises(DomainError) as exc:
            ps.proposal_add(actor=coord, workshop=ws, title="F", need_ids=[need.pk], **kwargs)
        assert exc.value.field == field
    assert not Proposal.objects.exists()


def test_measure_budgets_and_their_sum_are_bounded(w):
    coord = w.actor(w.coordinator)
    plan = _draft_plan(w)
    area = plan.areas.get()

    def save(budget: int) -> PlannedMeasure:
        return ps.plan_measure_save(
            actor=coord,
            plan=plan,
            data=ps.MeasureInput(area_id=area.pk, title="Insats", budget_ore=budget),
        )

    with pytest.raises(DomainError) as exc:
        save(MAX_AMOUNT_ORE + 1)
    assert exc.value.field == "budget"
    first = save(MAX_AMOUNT_ORE)
    with pytest.raises(DomainError) as exc:
        save(1)  # the plan's total would pass the bound
    assert exc.value.field == "budget"
    assert list(plan.measures.all()) == [first]


def test_the_forms_refuse_out_of_range_input_and_keep_what_was_typed(w):
    plan = _draft_plan(w)
    area = plan.areas.get()
    c = client_for(w.coordinator)
    r = c.post(
        reverse("planning:plan_measure_create", args=[plan.pk]),
        {"area": area.pk, "title": "Stor insats", "budget": "9" * 20},
    )
    assert r.status_code == 400
    assert "Beloppet är orimligt stort." in r.content.decode()
    assert 'value="Stor insats"' in r.content.decode()
    r = c.post(
        reverse("planning:plan_need_create", args=[plan.pk]),
        {
            "area": area.pk,
            "title": "B" * (NAME_MAX + 1),
            "description": "d" * (TEXT_MAX + 1),
            "priority": 2,
            "source": "other",
        },
    )
    assert r.status_code == 400
    form = r.context["form"]
    assert set(form.errors) == {"title", "description"}
    assert not plan.measures.exists() and not plan.needs.exists()
