"""Review of fund mode: defects found and fixed (each test failed before its fix)."""

from datetime import timedelta
from itertools import pairwise

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lom.accounts.models import ApiToken
from lom.fundmode import services as fs
from lom.fundmode.models import Claim, FundMembership, MeasureNotification
from lom.organisations.models import Organisation
from tests.factories import all_met, make_fund, notify_measure, open_and_allocate

S = MeasureNotification.Status


@pytest.fixture
def fw(world, other_world):
    f = make_fund(members=[world.org, other_world.org])
    f.alfa, f.beta = world, other_world
    f.round = open_and_allocate(f)
    return f


def client(user):
    c = Client(raise_request_exception=False)
    c.force_login(user)
    return c


def api_headers(user) -> dict:
    _t, raw = ApiToken.issue(user=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_api_notification_list_with_an_out_of_range_round_id_is_a_4xx(fw):
    """A round id beyond the database integer range gave a 500 (OverflowError on SQLite)."""
    c = Client(raise_request_exception=False)
    h = api_headers(fw.alfa.coordinator)
    r = c.get("/api/v1/fund/notifications?round_id=99999999999999999999999", **h)
    assert r.status_code == 422 and r.json()["field"] == "round_id"
    # A period of another fund is not found either, and the own period still lists.
    other = make_fund("annanfond")
    today = timezone.localdate()
    foreign = fs.round_open(
        actor=other.actor(other.admin),
        name="Annan fonds period",
        start=today,
        end=today + timedelta(days=10),
        claim_deadline=today + timedelta(days=20),
        total_ore=1_000_00,
    )
    r = c.get(f"/api/v1/fund/notifications?round_id={foreign.pk}", **h)
    assert r.status_code == 404
    n = notify_measure(fw, fw.round)
    ids = [
        x["id"]
        for x in c.get(f"/api/v1/fund/notifications?round_id={fw.round.pk}", **h).json()["items"]
    ]
    assert ids == [n.pk]


def _edit_data(n, **extra):
    data = {
        "title": n.title,
        "background": "Bakgrund.",
        "need": "Behov.",
        "provider_kind": "own_staff",
        "provider_name": "",
        "planned_start": "2030-01-01",
        "planned_end": "2030-03-01",
        "cost_tuition": "40 000",
        "p-TOTAL_FORMS": "1",
        "p-INITIAL_FORMS": "0",
        "p-0-occupation_code": "",
        "p-0-gender": "",
        "p-0-count": "12",
    }
    data.update(extra)
    return data


ROW_ERROR = "Ange yrkeskod och kön för varje rad med ett antal."


def test_participant_row_error_is_shown_in_the_error_summary_and_at_the_row(fw):
    """A participant row with a count but no occupation code or gender was refused, but the
    message was rendered nowhere: the page only said that something needed fixing."""
    f = fw
    coord = f.alfa.actor(f.alfa.coordinator)
    today = timezone.localdate()
    n = fs.notification_prenotify(
        actor=coord,
        fund_round=f.round,
        title="Handledarutbildning",
        estimated_ore=50_000_00,
        planned_start=today,
        planned_end=today + timedelta(days=30),
    )
    c = client(f.alfa.coordinator)
    r = c.post(f"/fund/notifications/{n.pk}/edit/", _edit_data(n))
    assert r.status_code == 400
    body = r.content.decode()
    summary = body.split('class="error-summary"', 1)[1].split("</div>", 1)[0]
    assert ROW_ERROR in summary
    assert body.count(ROW_ERROR) >= 2  # in the summary and at the row itself
    assert 'value="12"' in body  # what was typed is kept


def test_claim_participant_row_error_is_shown(fw):
    f = fw
    n = notify_measure(f, f.round)
    fs.fund_decide(
        actor=f.actor(f.officer),
        notification=n,
        outcome="approved",
        answers=all_met(f.round),
        costs_reasonable=True,
    )
    c = client(f.alfa.coordinator)
    r = c.post(
        f"/fund/notifications/{n.pk}/claim/",
        {
            "internal_salary": "1 000",
            "p-TOTAL_FORMS": "1",
            "p-INITIAL_FORMS": "0",
            "p-0-occupation_code": "",
            "p-0-gender": "",
            "p-0-count": "7",
        },
    )
    assert r.status_code == 400
    summary = r.content.decode().split('class="error-summary"', 1)[1].split("</div>", 1)[0]
    assert ROW_ERROR in summary
    assert not Claim.objects.exists()


def _grow(f, n_members: int):
    """A second fund period with `n_members` member employers, allocated."""
    admin = f.actor(f.admin)
    for i in range(n_members - 2):
        org = Organisation.objects.create(name=f"Kommun {i}", slug=f"kommun-{i}")
        FundMembership.objects.create(fund=f.fund, member=org)
    start = f.round.claim_deadline + timedelta(days=1)
    r = fs.round_open(
        actor=admin,
        name="Period 2",
        start=start,
        end=start + timedelta(days=100),
        claim_deadline=start + timedelta(days=200),
        total_ore=10**9,
    )
    for m in FundMembership.objects.filter(fund=f.fund):
        fs.payroll_set(actor=admin, fund_round=r, member_id=m.member_id, payroll_ore=1_000_00)
    fs.round_allocate(actor=admin, fund_round=r)
    return r


def _count(c, path, **h) -> int:
    c.get(path, **h)  # warm up: the first API call of a token records its use
    with CaptureQueriesContext(connection) as q:
        r = c.get(path, **h)
    assert r.status_code == 200, path
    return len(q)


def test_period_page_and_pot_api_do_not_query_per_pot(fw):
    """The period page and the API's pot list ran five queries per member employer's pot: a
    fund of 250 members made well over a thousand queries per page view."""
    f = fw
    notify_measure(f, f.round)
    c = client(f.officer)
    h = api_headers(f.officer)
    small_page = _count(c, f"/fund/periods/{f.round.pk}/")
    small_api = _count(c, f"/api/v1/fund/periods/{f.round.pk}/pots", **h)
    big = _grow(f, 9)
    assert _count(c, f"/fund/periods/{big.pk}/") == small_page
    assert _count(c, f"/api/v1/fund/periods/{big.pk}/pots", **h) == small_api


def test_api_notification_list_does_not_query_per_notification(fw):
    f = fw
    h = api_headers(f.officer)
    c = Client()
    notify_measure(f, f.round)
    one = _count(c, "/api/v1/fund/notifications", **h)
    for i in range(4):
        notify_measure(f, f.round, title=f"Insats {i}", cost=10_000_00)
    assert _count(c, "/api/v1/fund/notifications", **h) == one
    rows = c.get("/api/v1/fund/notifications", **h).json()["items"]
    assert {r["cost_ore"] for r in rows} == {100_000_00, 10_000_00}
    assert rows[0]["participants"] == [
        {"occupation_code": "3344", "gender": "F", "count": 8},
        {"occupation_code": "3344", "gender": "M", "count": 2},
        {"occupation_code": "5323", "gender": "F", "count": 3},
    ]


def _heading_levels_after_h1(html: str) -> list[int]:
    import re

    body = html[html.index("<h1") :]
    return [int(x) for x in re.findall(r"<h([1-6])[\s>]", body)]


@pytest.mark.parametrize("who", ["coordinator", "officer"])
def test_pot_page_headings_do_not_skip_a_level(fw, who):
    """The pot page went from its h1 straight to an h3 (the forecast), skipping h2."""
    f = fw
    n = notify_measure(f, f.round)
    user = f.alfa.coordinator if who == "coordinator" else f.officer
    html = client(user).get(f"/fund/pots/{n.pot_id}/").content.decode()
    levels = _heading_levels_after_h1(html)
    assert levels[0] == 1
    assert all(b - a <= 1 for a, b in pairwise(levels)), levels
