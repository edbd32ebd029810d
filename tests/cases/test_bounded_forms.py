"""Bounded input through the forms: a refused value is shown next to its field, what was typed
is kept, and nothing is saved."""

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from lom.agreements.models import MeasureType
from lom.cases.models import Case
from tests.factories import make_case

TOO_BIG = 2**63


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def start_data(**overrides) -> dict:
    data = {
        "title": "Karriärcoachning",
        "kind": "individual",
        "participant_count": 1,
        "measure_types": [MeasureType.objects.get(code="coaching").pk],
        "purpose": "move",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("overrides", "field", "typed"),
    [
        ({"title": "R" * 201}, "title", "R" * 201),
        ({"participant_count": str(TOO_BIG)}, "participant_count", str(TOO_BIG)),
        ({"purpose": "world_domination"}, "purpose", "Karriärcoachning"),
        ({"kind": "group", "unit": "999999999"}, "unit", "Karriärcoachning"),
    ],
)
def test_start_step_refuses_out_of_bounds_input(world, overrides, field, typed):
    r = client_for(world.manager).post(reverse("cases:create"), start_data(**overrides))
    assert r.status_code == 400
    assert field in r.context["form"].errors
    assert typed in r.content.decode()
    assert not Case.objects.exists()


def test_start_step_refuses_another_organisations_unit(world, other_world):
    r = client_for(world.manager).post(
        reverse("cases:create"), start_data(kind="group", unit=str(other_world.unit_a.pk))
    )
    assert r.status_code == 400 and "unit" in r.context["form"].errors
    assert not Case.objects.exists()


def test_details_step_refuses_a_too_long_description_and_keeps_it(world):
    case = make_case(world, submit=False)
    long_text = "Lång beskrivning " + "x" * 10_000
    r = client_for(world.employee).post(
        reverse("cases:edit", args=[case.pk, "details"]),
        {
            "business_need": "Behov",
            "description": long_text,
            "start_date": date.today().isoformat(),
            "end_date": date.today().isoformat(),
        },
    )
    assert r.status_code == 400
    assert "description" in r.context["form"].errors
    assert long_text in r.content.decode()
    case.refresh_from_db()
    assert case.description == "Kurs på deltid."


def test_a_ten_megabyte_post_is_a_400_not_a_500(world):
    case = make_case(world, submit=False)
    r = client_for(world.employee).post(
        reverse("cases:edit", args=[case.pk, "details"]),
        {"business_need": "Behov", "description": "x" * 10_000_000},
    )
    assert r.status_code == 400
    case.refresh_from_db()
    assert case.description == "Kurs på deltid."


def test_costs_step_refuses_a_cost_of_two_to_the_63_ore(world):
    case = make_case(world, submit=False, amount_ore=20_000_00)
    huge_kronor = str(TOO_BIG // 100)
    r = client_for(world.employee).post(
        reverse("cases:edit", args=[case.pk, "costs"]),
        {
            "cost-TOTAL_FORMS": 1,
            "cost-INITIAL_FORMS": 0,
            "cost-MIN_NUM_FORMS": 0,
            "cost-MAX_NUM_FORMS": 30,
            "cost-0-kind": "travel",
            "cost-0-description": "Tåg",
            "cost-0-amount": huge_kronor,
        },
    )
    assert r.status_code == 400
    assert "amount" in r.context["formset"].forms[0].errors
    assert huge_kronor in r.content.decode()
    case.refresh_from_db()
    assert case.requested_ore == 20_000_00
