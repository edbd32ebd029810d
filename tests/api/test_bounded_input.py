"""Bounded input through the API: every refusal is a 4xx naming the field, nothing is saved."""

from datetime import date, timedelta

import pytest
from django.test import Client

from lom.accounts.models import ApiToken
from lom.agreements.models import MeasureType
from lom.cases.models import Case
from lom.common.bounds import MAX_AMOUNT_ORE
from tests.factories import make_case

TOO_BIG = 2**63


def bearer(user) -> dict:
    _t, raw = ApiToken.issue(user=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def payload(**overrides) -> dict:
    mt = MeasureType.objects.get(code="education")
    start = date.today() + timedelta(days=5)
    data = {
        "title": "Högskolekurs",
        "kind": "individual",
        "measure_type_ids": [mt.pk],
        "purpose": "prevent",
        "business_need": "Ny teknik.",
        "description": "7,5 hp.",
        "start_date": start.isoformat(),
        "end_date": (start + timedelta(days=90)).isoformat(),
        "cost_lines": [{"kind": "course_fee", "amount_ore": 900000}],
    }
    data.update(overrides)
    return data


def post_case(world, data, user=None):
    return Client().post(
        "/api/v1/cases", data, content_type="application/json", **bearer(user or world.employee)
    )


def named_fields(response) -> set[str]:
    """The fields a 422 (schema) or 400 (service) answer names."""
    body = response.json()
    if response.status_code == 422:
        return {part for err in body["errors"] for part in err["field"].split(".")}
    return {body.get("field")}


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"cost_lines": [{"kind": "course_fee", "amount_ore": TOO_BIG}]}, "amount_ore"),
        ({"cost_lines": [{"kind": "course_fee", "amount_ore": -1}]}, "amount_ore"),
        ({"cost_lines": [{"kind": "bribe", "amount_ore": 100}]}, "kind"),
        ({"participant_count": TOO_BIG}, "participant_count"),
        ({"description": "x" * 10_000_001}, "description"),
        ({"business_need": "x" * 10_001}, "business_need"),
        ({"title": "x" * 201}, "title"),
        ({"purpose": "world_domination"}, "purpose"),
        ({"kind": "secret"}, "kind"),
        ({"unit_id": TOO_BIG}, "unit_id"),
        ({"measure_type_ids": [TOO_BIG]}, "measure_type_ids"),
    ],
)
def test_out_of_bounds_case_input_is_a_422_naming_the_field(world, overrides, field):
    r = post_case(world, payload(**overrides))
    assert r.status_code == 422, r.content
    assert field in named_fields(r)
    assert not Case.objects.exists()


def test_two_costs_summing_past_the_bound_are_refused(world):
    half = MAX_AMOUNT_ORE // 2 + 1
    r = post_case(
        world,
        payload(
            cost_lines=[
                {"kind": "course_fee", "amount_ore": half},
                {"kind": "travel", "amount_ore": half},
            ]
        ),
    )
    assert r.status_code == 400 and r.json()["field"] == "cost_lines"
    assert not Case.objects.exists()


def test_ids_of_another_organisation_are_refused_naming_the_field(world, other_world):
    group = payload(kind="group", unit_id=other_world.unit_a.pk)
    r = post_case(world, group, user=world.manager)
    assert r.status_code == 400, r.content
    assert r.json()["field"] == "unit_id"
    r = post_case(world, payload(unit_id=other_world.unit_a.pk))
    assert r.status_code == 400 and r.json()["field"] == "unit_id"
    r = post_case(world, payload(applicant_id=other_world.employee_rec.pk), user=world.manager)
    assert r.status_code == 400 and r.json()["field"] == "applicant_id"
    # A measure type the agreement does not list (reference data is shared by all).
    unlisted = MeasureType.objects.exclude(
        pk__in=world.org.agreements.first().measure_types.values("pk")
    ).first()
    if unlisted is not None:
        r = post_case(world, payload(measure_type_ids=[unlisted.pk]))
        assert r.status_code == 400 and r.json()["field"] == "measure_type_ids"
    assert not Case.objects.exists()


def test_malformed_json_is_a_400(world):
    r = Client().post(
        "/api/v1/cases", "{not json", content_type="application/json", **bearer(world.employee)
    )
    assert r.status_code == 400, r.content
    assert not Case.objects.exists()


def test_transition_input_is_bounded(world):
    case = make_case(world)
    c, coord = Client(), bearer(world.coordinator)
    url = f"/api/v1/cases/{case.pk}/transitions"
    r = c.post(url, {"name": "start_review"}, content_type="application/json", **coord)
    assert r.status_code == 200, r.content
    r = c.post(
        url,
        {"name": "approve", "reason": "x" * 5001},
        content_type="application/json",
        **coord,
    )
    assert r.status_code == 422 and "reason" in named_fields(r)
    r = c.post(
        url,
        {"name": "approve", "reason": "ok", "amount_ore": TOO_BIG},
        content_type="application/json",
        **coord,
    )
    assert r.status_code == 422 and "amount_ore" in named_fields(r)
    r = c.post(
        url,
        {"name": "approve", "reason": "ok", "amount_ore": case.requested_ore + 1},
        content_type="application/json",
        **coord,
    )
    assert r.status_code == 400 and r.json()["field"] == "amount_ore"
    case.refresh_from_db()
    assert case.status == "in_review" and case.approved_ore is None


def test_huge_ids_in_the_path_and_query_are_a_4xx(world):
    c, coord = Client(), bearer(world.coordinator)
    for url in (
        f"/api/v1/cases/{TOO_BIG}",
        f"/api/v1/agreements/{TOO_BIG}",
        f"/api/v1/fund-periods/{TOO_BIG}",
        f"/api/v1/fund-periods/{world.period.pk}/ledger?before_id={TOO_BIG}",
        f"/api/v1/cases?unit_id={TOO_BIG}",
        "/api/v1/cases?status=nonsense",
    ):
        assert c.get(url, **coord).status_code == 422, url
    assert c.get("/api/v1/cases?status=", **coord).status_code == 200  # empty: all
