"""A member employer with its own fund periods and a pot at a fund sees one reconciliation:
per own period, what the pot granted, what was claimed and paid, and what its own ledger used;
figures computed by hand, to the öre."""

import pytest
from django.test import Client

from lom.accounts.models import ApiToken
from lom.fundmode import services as fs
from lom.fundmode.selectors.figures import member_reconciliation
from lom.funds.models import EntryKind
from lom.funds.services import ledger_post
from tests.factories import all_met, make_fund, notify_measure, open_and_allocate


@pytest.fixture
def fw(world, other_world):
    f = make_fund(members=[world.org, other_world.org])
    f.alfa, f.beta = world, other_world
    f.round = open_and_allocate(f)
    return f


def test_the_pot_and_the_own_ledger_side_by_side(fw):
    f = fw
    period = f.alfa.period
    ledger_post(period=period, kind=EntryKind.COMMITMENT, amount_ore=30_000_01, actor=None)
    ledger_post(period=period, kind=EntryKind.EXPENSE, amount_ore=12_000_00, actor=None)
    n = notify_measure(f, f.round, cost=100_000_00)
    officer, coord = f.actor(f.officer), f.alfa.actor(f.alfa.coordinator)
    fs.fund_decide(
        actor=officer,
        notification=n,
        outcome="approved",
        answers=all_met(f.round),
        costs_reasonable=True,
        amount_ore=80_000_50,
        reason="Litteraturen ingår inte.",
    )
    claim = fs.claim_submit(
        actor=coord,
        notification=n,
        costs={},
        internal_salary_ore=60_000_25,
        participants=[("3344", "F", 2)],
        invoices=[],
    )
    fs.claim_pay(actor=officer, claim=claim)

    rec = member_reconciliation(actor=coord)
    assert rec is not None and len(rec.rows) == 1
    row = rec.rows[0]
    assert (row.start, row.end) == (period.start, period.end)
    assert row.granted_ore == 80_000_50
    assert row.claimed_ore == 60_000_25 and row.paid_ore == 60_000_25
    assert row.ledger_used_ore == 30_000_01  # 18 000,01 reserved + 12 000,00 spent
    assert row.difference_ore == 50_000_49
    assert rec.total.difference_ore == 50_000_49

    c = Client()
    c.force_login(f.alfa.coordinator)
    assert 'href="/fund/reconciliation/"' in c.get("/fund/").content.decode()  # linked from home
    page = c.get("/fund/reconciliation/").content.decode()
    assert "80\xa0000,50" in page and "50\xa0000,49" in page

    _t, raw = ApiToken.issue(user=f.alfa.coordinator)
    r = Client().get("/api/v1/fund/reconciliation", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["linked_to_cases"] is False
    assert body["total"]["granted_ore"] == 80_000_50
    assert body["rows"][0]["ledger_used_ore"] == 30_000_01

    # The fund's own staff have no own ledger to reconcile: not found.
    o = Client()
    o.force_login(f.officer)
    assert o.get("/fund/reconciliation/").status_code == 404
    assert member_reconciliation(actor=officer) is None
