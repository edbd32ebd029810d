"""Bounded input in the support API: unknown enum values, amounts over the bound and texts
over their length get a 422 naming the field, and nothing is saved."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from lom.accounts.models import ApiToken
from lom.support.models import SessionNote, Slot
from tests.factories import make_coach

HUGE = 2**63


def _api(user) -> tuple[Client, dict]:
    _t, raw = ApiToken.issue(user=user)
    return Client(raise_request_exception=False), {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def _fields(resp) -> set[str]:
    return {e["field"].rsplit(".", 1)[-1] for e in resp.json()["errors"]}


def test_self_check_with_an_income_over_the_bound_is_a_422(world):
    c, h = _api(world.employee)
    body = {"as_of": "2025-06-15", "months": [{"month": "2025-05", "income_ore": HUGE}]}
    resp = c.post("/api/v1/support/eligibility/self-check", body, "application/json", **h)
    assert resp.status_code == 422 and "income_ore" in _fields(resp)


@pytest.mark.parametrize(
    ("extra", "field"),
    [({"mode": "telepathy"}, "mode"), ({"place": "x" * 201}, "place")],
)
def test_a_slot_out_of_bounds_is_a_422_naming_the_field(world, extra, field):
    coach = make_coach(world.org, "gransvagledare")
    c, h = _api(coach)
    body = {
        "starts_at": (timezone.now() + timedelta(days=2)).isoformat(),
        "duration_minutes": 60,
        "mode": "on_site",
        "place": "Rum 1",
    } | extra
    resp = c.post("/api/v1/support/slots", body, "application/json", **h)
    assert resp.status_code == 422 and field in _fields(resp)
    assert not Slot.objects.exists()


def test_a_ten_megabyte_note_is_a_422(world):
    c, h = _api(world.employee)
    body = {"text": "x" * (10 * 1024 * 1024)}
    resp = c.post("/api/v1/support/bookings/1/notes", body, "application/json", **h)
    assert resp.status_code == 422 and "text" in _fields(resp)
    assert not SessionNote.objects.exists()
