"""Review of individual support: defects found and fixed (each test failed before its fix)."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from lom.accounts.models import ApiToken
from lom.common.errors import DomainError
from lom.support import services
from lom.support.models import Slot
from tests.factories import make_coach, make_fund


def api_headers(user) -> dict:
    _t, raw = ApiToken.issue(user=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_rules_page_with_a_non_numeric_digit_year_is_not_a_500(world):
    """`?year=²` passed str.isdigit() and then failed in the integer lookup: a 500."""
    f = make_fund(members=[world.org])
    c = Client(raise_request_exception=False)
    c.force_login(f.admin)
    for year in ("²", "٣", "99999999999999999999"):
        r = c.get("/support/eligibility/rules/", {"year": year})
        assert r.status_code == 200, year
    r = c.get("/support/eligibility/rules/", {"year": "2025"})
    assert r.status_code == 200 and 'value="2025"' in r.content.decode()


def test_api_self_check_with_year_zero_is_a_400(world):
    """A month '0000-01' matched the pattern and then failed in date(): a 500."""
    c = Client(raise_request_exception=False)
    r = c.post(
        "/api/v1/support/eligibility/self-check",
        {"as_of": "2025-06-15", "months": [{"month": "0000-01", "hours_per_week": 40}]},
        content_type="application/json",
        **api_headers(world.employee),
    )
    assert r.status_code == 400 and r.json()["field"] == "months"


def test_api_check_list_with_an_out_of_range_employee_id_is_a_4xx(world, other_world):
    """`employee_id` beyond the database integer range gave a 500 (OverflowError on SQLite)."""
    c = Client(raise_request_exception=False)
    h = api_headers(world.coordinator)
    r = c.get("/api/v1/support/eligibility-checks?employee_id=99999999999999999999999", **h)
    assert r.status_code == 422 and r.json()["field"] == "employee_id"
    # Another organisation's employee is not found either; the own one lists.
    r = c.get(f"/api/v1/support/eligibility-checks?employee_id={other_world.employee_rec.pk}", **h)
    assert r.status_code == 404
    r = c.get(f"/api/v1/support/eligibility-checks?employee_id={world.employee_rec.pk}", **h)
    assert r.status_code == 200 and r.json()["items"] == []


def test_slot_far_in_the_future_is_refused_not_a_500(world):
    """A start at 9999-12-31 overflowed when the end time was computed: a 500 via the API.
    The schema now bounds the years a moment may name, so it is refused before the service."""
    f = make_fund(members=[world.org])
    coach = make_coach(f.fund)
    c = Client(raise_request_exception=False)
    r = c.post(
        "/api/v1/support/slots",
        {"starts_at": "9999-12-31T23:59:00+00:00", "mode": "online", "video_link": "https://v.se"},
        content_type="application/json",
        **api_headers(coach),
    )
    assert r.status_code == 422 and r.json()["field"] == "starts_at"
    assert not Slot.objects.exists()


@pytest.mark.parametrize(
    "link", ["javascript:alert(document.cookie)", "data:text/html,<b>x</b>", "inte en länk"]
)
def test_video_link_must_be_a_web_address_in_the_service(world, link):
    """Only the HTML form checked the video link: through the API a coach could publish a
    `javascript:` link that the booking page then rendered as the employee's link."""
    f = make_fund(members=[world.org])
    coach = make_coach(f.fund)
    c = Client(raise_request_exception=False)
    r = c.post(
        "/api/v1/support/slots",
        {"starts_at": "2031-01-01T10:00:00+01:00", "mode": "online", "video_link": link},
        content_type="application/json",
        **api_headers(coach),
    )
    assert r.status_code == 400 and r.json()["field"] == "video_link"
    from lom.organisations.access import actor_for

    with pytest.raises(DomainError):
        services.slot_create(
            actor=actor_for(user=coach, organisation_id=f.fund.pk),
            starts_at=timezone.now() + timedelta(days=2),
            duration_minutes=60,
            mode="online",
            video_link=link,
        )
    assert not Slot.objects.exists()
    # A real web address still works.
    r = c.post(
        "/api/v1/support/slots",
        {
            "starts_at": "2031-01-01T10:00:00+01:00",
            "mode": "online",
            "video_link": "https://video.example.org/rum-1",
        },
        content_type="application/json",
        **api_headers(coach),
    )
    assert r.status_code == 201
