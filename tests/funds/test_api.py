"""Fund periods through the API: pages, the deprecated `before_id`, and setting up a period."""

from datetime import date

from django.test import Client

from lom.accounts.models import ApiToken
from lom.funds.models import FundPeriod, LedgerEntry
from tests.factories import approve, make_case

JSON = "application/json"


def bearer(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(user=user)[1]}"}


def test_paging_through_the_ledger_with_cursors_returns_each_entry_once(world):
    for _ in range(3):
        approve(world, make_case(world, amount_ore=1000))
    c, coord = Client(), bearer(world.coordinator)
    base = f"/api/v1/fund-periods/{world.period.pk}/ledger?limit=2"
    seen, url = [], base
    while url:
        body = c.get(url, **coord).json()
        seen += [e["id"] for e in body["items"]]
        url = f"{base}&cursor={body['next_cursor']}" if body["next_cursor"] else None
    expected = set(LedgerEntry.objects.filter(period=world.period).values_list("id", flat=True))
    assert sorted(seen, reverse=True) == seen and set(seen) == expected and len(seen) == 4


def test_the_deprecated_before_id_still_answers_and_says_so(world):
    approve(world, make_case(world, amount_ore=1000))
    last = LedgerEntry.objects.filter(period=world.period).order_by("-id").first()
    assert last is not None
    r = Client().get(
        f"/api/v1/fund-periods/{world.period.pk}/ledger?before_id={last.pk}",
        **bearer(world.coordinator),
    )
    assert r.status_code == 200 and r["Deprecation"].startswith("@")
    assert [e["id"] for e in r.json()["items"]] == [
        e.pk for e in LedgerEntry.objects.filter(period=world.period, id__lt=last.pk)
    ]


def test_fund_periods_are_a_page_and_closed_to_employees(world, other_world):
    c = Client()
    body = c.get("/api/v1/fund-periods", **bearer(world.coordinator)).json()
    assert [p["id"] for p in body["items"]] == [world.period.pk] and body["next_cursor"] is None
    assert c.get("/api/v1/fund-periods", **bearer(world.employee)).status_code == 403
    other = bearer(other_world.coordinator)
    assert c.get(f"/api/v1/fund-periods/{world.period.pk}", **other).status_code == 404


def test_a_coordinator_sets_up_a_fixed_pot_period(world):
    c = Client()
    data = {
        "name": "LOM 2031",
        "start": "2031-01-01",
        "end": "2031-12-31",
        "method": "fixed_pot",
        "fixed_amount_ore": 500_000_00,
    }
    assert (
        c.post(
            "/api/v1/fund-periods", data, content_type=JSON, **bearer(world.employee)
        ).status_code
        == 403
    )
    r = c.post("/api/v1/fund-periods", data, content_type=JSON, **bearer(world.coordinator))
    assert r.status_code == 201, r.content
    assert r.json()["balance"]["allocated_ore"] == 500_000_00
    period = FundPeriod.objects.get(pk=r.json()["id"])
    assert period.start == date(2031, 1, 1) and period.organisation == world.org
    # The same dates again overlap: refused naming the field; an unknown method is a 422.
    r = c.post("/api/v1/fund-periods", data, content_type=JSON, **bearer(world.coordinator))
    assert r.status_code == 400 and r.json()["field"] == "start"
    r = c.post(
        "/api/v1/fund-periods",
        data | {"method": "lottery"},
        content_type=JSON,
        **bearer(world.coordinator),
    )
    assert r.status_code == 422 and r.json()["field"] == "method"
