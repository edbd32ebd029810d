"""One action, one transaction: a refused step leaves nothing of the earlier ones behind."""

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from lom.agreements.models import MeasureType
from lom.cases import services as case_services
from lom.cases.models import Case, CostLine
from lom.common.bounds import MAX_AMOUNT_ORE
from lom.common.errors import DomainError
from tests.api.test_bounded_input import bearer, payload
from tests.factories import make_case


def test_api_create_with_one_bad_cost_line_leaves_no_case(world):
    before = Case.objects.count()
    r = Client().post(
        "/api/v1/cases",
        payload(
            cost_lines=[
                {"kind": "course_fee", "amount_ore": 900000},
                {"kind": "travel", "amount_ore": 0},
            ]
        ),
        content_type="application/json",
        **bearer(world.employee),
    )
    assert r.status_code == 400, r.content
    assert r.json()["field"] == "cost_lines"
    assert Case.objects.count() == before


def test_api_create_with_cost_lines_summing_past_the_bound_leaves_no_case(world):
    before = Case.objects.count()
    half = MAX_AMOUNT_ORE // 2 + 1
    r = Client().post(
        "/api/v1/cases",
        payload(
            cost_lines=[
                {"kind": "course_fee", "amount_ore": half},
                {"kind": "travel", "amount_ore": half},
            ]
        ),
        content_type="application/json",
        **bearer(world.employee),
    )
    assert r.status_code == 400, r.content
    assert r.json()["field"] == "cost_lines"
    assert Case.objects.count() == before


def test_case_create_with_cost_lines_is_one_durable_transaction(world):
    actor = world.actor(world.employee)
    mt = MeasureType.objects.get(code="education")
    data = case_services.CaseInput(title="Kurs", kind="individual", measure_type_ids=[mt.pk])
    lines = [case_services.CostLineInput(kind=CostLine.Kind.COURSE_FEE, amount_ore=-5)]
    with pytest.raises(DomainError):
        case_services.case_create(actor=actor, data=data, cost_lines=lines)
    assert not Case.objects.filter(title="Kurs").exists()
    # A durable service refuses to run inside another transaction: composition goes through
    # the private helpers, so a mistake shows at once.
    with pytest.raises(RuntimeError), transaction.atomic():
        case_services.case_create(actor=actor, data=data)


def test_edit_costs_refused_keeps_what_was_typed_and_changes_nothing(world):
    case = make_case(world, submit=False, amount_ore=20_000_00)
    c = Client()
    c.force_login(world.employee)
    huge = "600 000 000 000"  # kronor: each line is allowed, the two together are not
    r = c.post(
        reverse("cases:edit", args=[case.pk, "costs"]),
        {
            "cost-TOTAL_FORMS": 2,
            "cost-INITIAL_FORMS": 0,
            "cost-MIN_NUM_FORMS": 0,
            "cost-MAX_NUM_FORMS": 30,
            "cost-0-kind": "course_fee",
            "cost-0-description": "Kursavgift XYZ",
            "cost-0-amount": huge,
            "cost-1-kind": "travel",
            "cost-1-description": "Resor",
            "cost-1-amount": huge,
        },
    )
    assert r.status_code == 400
    body = r.content.decode()
    assert "Kursavgift XYZ" in body and "600 000 000 000" in body
    assert "orimligt stora" in body
    case.refresh_from_db()
    assert case.requested_ore == 20_000_00
    assert list(case.cost_lines.values_list("kind", "amount_ore")) == [("course_fee", 20_000_00)]
