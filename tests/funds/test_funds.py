from datetime import date

import pytest

from lom.agreements.models import ContributionRate
from lom.common.errors import DomainError
from lom.funds.models import EntryKind, FundPeriod, LedgerEntry
from lom.funds.selectors import Balance, fund_balance, fund_forecast
from lom.funds.services import fund_period_close, fund_period_create
from tests.factories import approve, make_case


def test_payroll_times_rate_allocation_comes_from_rate_data(world):
    rate = ContributionRate.objects.get(percent="0.200")
    period = fund_period_create(
        actor=world.admin,
        organisation=world.org,
        name="LOM 2040",
        start=date(2040, 1, 1),
        end=date(2040, 12, 31),
        method=FundPeriod.Method.PAYROLL_RATE,
        payroll_ore=500_000_000_00,
        rate=rate,
    )
    assert fund_balance(period=period).allocated == 1_000_000_00  # 0.2 % of 500 MSEK


def test_overlapping_period_is_refused(world):
    with pytest.raises(DomainError) as exc:
        fund_period_create(
            actor=world.admin,
            organisation=world.org,
            name="dubbel",
            start=world.period.start,
            end=world.period.end,
            method=FundPeriod.Method.FIXED_POT,
            fixed_amount_ore=100,
        )
    assert exc.value.field == "start"


def test_closing_carries_remaining_into_the_next_period(world):
    make_case_and_approve = approve(world, make_case(world, amount_ore=300_000_00))
    assert make_case_and_approve.status == "approved"
    nxt = fund_period_create(
        actor=world.admin,
        organisation=world.org,
        name="Nästa",
        start=date(2090, 1, 1),
        end=date(2090, 12, 31),
        method=FundPeriod.Method.FIXED_POT,
        fixed_amount_ore=50_000_00,
        previous=world.period,
        carry_over=True,
    )
    assert fund_balance(period=world.period).remaining == 700_000_00  # nothing moved yet
    moved = fund_period_close(actor=world.admin, period=world.period).carried_ore
    assert moved == 700_000_00
    assert fund_balance(period=world.period).remaining == 0
    assert fund_balance(period=nxt).carried_over == 700_000_00
    assert fund_balance(period=nxt).remaining == 750_000_00


def test_balance_follows_the_ledger_through_the_whole_cycle(world):
    from lom.cases import services

    coord = world.actor(world.coordinator)
    case = approve(world, make_case(world, amount_ore=100_000_00), amount_ore=80_000_00)
    b = fund_balance(period=world.period)
    assert (b.committed, b.spent, b.remaining) == (80_000_00, 0, 920_000_00)

    case = services.case_transition(actor=coord, case=case, name="start")
    services.case_record_expense(actor=coord, case=case, amount_ore=30_000_00)
    b = fund_balance(period=world.period)
    assert (b.committed, b.spent, b.remaining) == (50_000_00, 30_000_00, 920_000_00)

    services.case_transition(actor=coord, case=case, name="complete")
    b = fund_balance(period=world.period)
    # The lower actual cost releases the difference back to the fund.
    assert (b.committed, b.spent, b.remaining) == (0, 30_000_00, 970_000_00)
    kinds = list(
        LedgerEntry.objects.filter(case=case).order_by("id").values_list("kind", "amount_ore")
    )
    assert kinds == [
        (EntryKind.COMMITMENT, 80_000_00),
        (EntryKind.EXPENSE, 30_000_00),
        (EntryKind.RELEASE, 50_000_00),
    ]


def test_forecast_projects_unused_money_at_current_pace():
    period = FundPeriod(start=date(2026, 1, 1), end=date(2026, 12, 31))
    bal = Balance(allocated=1_000_000, carried_over=0, commitments=200_000, releases=0, spent=0)
    # 73 of 365 days gone (20 %), 20 % used: at this pace everything is used.
    f = fund_forecast(period=period, balance=bal, today=date(2026, 3, 14), warning_percent=20)
    assert f.elapsed_days == 73
    assert f.projected_unused == 0
    # Half the year gone, 10 % used: 80 % will be left.
    bal = Balance(allocated=1_000_000, carried_over=0, commitments=100_000, releases=0, spent=0)
    f = fund_forecast(period=period, balance=bal, today=date(2026, 7, 2), warning_percent=20)
    assert f.unused_percent == 80
    assert f.warning is True
    # Before the period starts there is no projection.
    before = fund_forecast(period=period, balance=bal, today=date(2025, 12, 1), warning_percent=20)
    assert before.projected_unused is None


def test_forecast_says_when_money_runs_out_at_a_fast_pace():
    period = FundPeriod(start=date(2026, 1, 1), end=date(2026, 12, 31))
    bal = Balance(allocated=1_000_000, carried_over=0, commitments=600_000, releases=0, spent=0)
    f = fund_forecast(period=period, balance=bal, today=date(2026, 3, 31), warning_percent=20)
    assert f.projected_unused == 0
    assert f.runs_out_on is not None and f.runs_out_on < period.end


def test_ledger_audit_event_names_the_case_by_id(world):
    from lom.common.models import AuditEvent

    case = approve(world, make_case(world, amount_ore=100_000_00), amount_ore=80_000_00)
    event = AuditEvent.objects.get(action=f"ledger.{EntryKind.COMMITMENT}")
    assert event.case_id == case.pk
    entry = LedgerEntry.objects.get(kind=EntryKind.COMMITMENT)
    assert entry.case_id == case.pk
