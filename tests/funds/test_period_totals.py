"""Running totals per fund period: `ledger_post` keeps them in step with the ledger through
every kind of movement (approval, expense, release, withdrawal, carry-over out and back,
closing and reopening), balances are read from them in one query whatever the ledger's size,
and the consistency check (selector, integrity drill, management command, daily job) reports a
total that no longer equals the ledger's sum, and repairs it from the ledger."""

import logging
from io import StringIO
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import F

from lom.cases import services as case_services
from lom.common.models import AuditEvent
from lom.funds.models import TOTAL_FIELDS, EntryKind, FundPeriod, LedgerEntry, PeriodTotals
from lom.funds.selectors import (
    EMPTY_BALANCE,
    Balance,
    TotalsDifference,
    balances_for_periods,
    fund_balance,
    ledger_balances_for_periods,
    period_totals_differences,
)
from lom.funds.services import fund_period_close, fund_period_reopen, ledger_post
from lom.funds.tasks import fund_totals_check_task
from lom.operations.integrity import integrity_report
from tests.factories import approve, make_case
from tests.funds.test_period_close import approve_in, successor, withdraw

MIGRATION = "lom.funds.migrations.0007_period_totals"


def assert_totals_equal_ledger(*periods: FundPeriod) -> None:
    assert period_totals_differences() == []
    summed = ledger_balances_for_periods(period_ids=[p.pk for p in periods])
    kept = balances_for_periods(periods=list(periods))
    for p in periods:
        assert fund_balance(period=p) == kept[p.pk] == summed.get(p.pk, EMPTY_BALANCE)


def test_every_kind_of_movement_keeps_the_totals_equal_to_the_ledger(world):
    coord = world.actor(world.coordinator)
    # 1 000 000,00 allocated. A: 400 000,00 approved, 150 000,00 spent, completed (250 000,00
    # released). B: 50 000,00 approved, withdrawn. C: 100 000,00 approved.
    a = approve(world, make_case(world, amount_ore=400_000_00))
    a = case_services.case_record_expense(actor=coord, case=a, amount_ore=150_000_00, memo="F")
    case_services.case_transition(actor=coord, case=a, name="complete")
    withdraw(world, approve(world, make_case(world, amount_ore=50_000_00)))
    c = approve(world, make_case(world, amount_ore=100_000_00))
    nxt = successor(world)
    assert_totals_equal_ledger(world.period, nxt)
    # Closing carries 750 000,00 out; withdrawing C afterwards carries its 100 000,00 after it.
    fund_period_close(actor=world.coordinator, period=world.period)
    withdraw(world, c)
    assert fund_balance(period=nxt).carried_over == 850_000_00
    assert_totals_equal_ledger(world.period, nxt)
    # Reopening books the carry-over back; an approval in the reopened period; closed again.
    world.period.refresh_from_db()
    fund_period_reopen(actor=world.admin, period=world.period, reason="Sent inkommen faktura.")
    assert fund_balance(period=nxt).carried_over == 0
    approve_in(world, make_case(world, amount_ore=30_000_00), world.period)
    world.period.refresh_from_db()
    fund_period_close(actor=world.coordinator, period=world.period)
    assert_totals_equal_ledger(world.period, nxt)
    # The figures by hand: 1 000 000,00 − 150 000,00 spent − 30 000,00 committed = 820 000,00.
    assert fund_balance(period=world.period) == Balance(
        allocated=1_000_000_00,
        carried_over=-820_000_00,
        commitments=580_000_00,
        releases=400_000_00,
        spent=150_000_00,
    )
    assert fund_balance(period=world.period).remaining == 0
    assert fund_balance(period=nxt).remaining == 500_000_00 + 820_000_00
    kinds = set(LedgerEntry.objects.values_list("kind", flat=True))
    assert kinds == {k.value for k in EntryKind}


def test_a_balance_is_one_query_however_long_the_ledger(world, django_assert_num_queries):
    for _ in range(30):
        ledger_post(period=world.period, kind=EntryKind.EXPENSE, amount_ore=1_00, actor=None)
    with django_assert_num_queries(1):
        balance = fund_balance(period=world.period)
    assert balance.spent == 30_00
    with django_assert_num_queries(1):
        balances_for_periods(periods=[world.period])


def test_a_corrupted_total_is_reported_everywhere_and_repaired_from_the_ledger(world, caplog):
    approve(world, make_case(world, amount_ore=40_000_00))
    pk = world.period.pk
    PeriodTotals.objects.filter(period_id=pk).update(commitments=F("commitments") + 7)
    diff = TotalsDifference(pk, "commitments", 40_000_07, 40_000_00)
    assert period_totals_differences() == [diff]
    assert period_totals_differences(period_ids=[pk + 1000]) == []
    # The integrity drill names the period and the field.
    problems = [str(p) for p in integrity_report().problems]
    assert problems == [
        f"[ledger] funds.FundPeriod {pk}: running totals: commitments: the running total is "
        "4000007, the ledger sums to 4000000"
    ]
    # The daily job logs it; the command fails with it, and repairs it with --repair.
    with caplog.at_level(logging.ERROR, logger="lom.funds.tasks"):
        assert fund_totals_check_task.enqueue().return_value == 1
    assert f"fund period {pk}: commitments" in caplog.text
    out = StringIO()
    with pytest.raises(CommandError) as exc:
        call_command("fund_totals_check", stdout=out)
    assert exc.value.returncode == 1
    assert f"funds.FundPeriod {pk}: commitments: the running total is 4000007" in out.getvalue()
    out = StringIO()
    call_command("fund_totals_check", "--repair", stdout=out)
    assert "Repaired the running totals of 1 period(s)" in out.getvalue()
    assert out.getvalue().strip().endswith("Fund totals: OK")
    assert fund_balance(period=world.period).commitments == 40_000_00
    event = AuditEvent.objects.get(action="fund_period.totals_rebuild")
    assert event.before["commitments"] == 40_000_07 and event.after["commitments"] == 40_000_00
    assert period_totals_differences() == [] and integrity_report().ok


def test_a_period_without_totals_reads_empty_and_gets_them_at_its_next_entry(world):
    approve(world, make_case(world, amount_ore=40_000_00))
    PeriodTotals.objects.filter(period=world.period).delete()
    assert fund_balance(period=world.period) == EMPTY_BALANCE
    assert period_totals_differences() == [
        TotalsDifference(world.period.pk, "allocated", None, 1_000_000_00),
        TotalsDifference(world.period.pk, "commitments", None, 40_000_00),
    ]
    ledger_post(period=world.period, kind=EntryKind.EXPENSE, amount_ore=5_00, actor=None)
    assert_totals_equal_ledger(world.period)
    assert fund_balance(period=world.period).spent == 5_00


def test_the_migration_backfills_the_totals_from_the_ledger(world):
    from importlib import import_module

    from django.apps import apps

    approve(world, make_case(world, amount_ore=40_000_00))
    expected = fund_balance(period=world.period)
    PeriodTotals.objects.all().delete()
    import_module(MIGRATION).backfill(apps, SimpleNamespace(connection=connection))
    assert fund_balance(period=world.period) == expected
    assert PeriodTotals.objects.count() == FundPeriod.objects.count()
    assert_totals_equal_ledger(world.period)
    assert set(TOTAL_FIELDS) == {"allocated", "carried_over", "commitments", "releases", "spent"}


def test_the_overview_makes_the_same_few_queries_for_a_long_history(world):
    from datetime import date

    from django.test.utils import CaptureQueriesContext

    from lom.funds.services import fund_period_create
    from tests.factories import signed_in

    client = signed_in(world.coordinator)
    client.get("/funds/")  # warm up the session

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            page = client.get("/funds/")
        assert page.status_code == 200
        return len(ctx.captured_queries)

    few = queries()
    for year in range(2000, 2010):
        fund_period_create(
            actor=world.admin,
            organisation=world.org,
            name=f"LOM {year}",
            start=date(year, 1, 1),
            end=date(year, 12, 31),
            method=FundPeriod.Method.FIXED_POT,
            fixed_amount_ore=100_000_00,
        )
    for _ in range(20):
        approve(world, make_case(world, amount_ore=1_000_00))
    assert queries() == few <= 8
    page = client.get("/funds/").content.decode()
    assert "LOM 2000" in page and "LOM 2009" in page
    assert "980\u00a0000,00\u00a0kr" in page  # the running period's remaining


def test_the_overview_finds_the_current_period_behind_twenty_future_ones(world):
    from datetime import date

    from lom.funds.services import fund_period_create
    from tests.factories import signed_in

    this_year = date.today().year
    for year in range(this_year + 1, this_year + 21):
        fund_period_create(
            actor=world.admin,
            organisation=world.org,
            name=f"Framtid {year}",
            start=date(year, 1, 1),
            end=date(year, 12, 31),
            method=FundPeriod.Method.FIXED_POT,
            fixed_amount_ore=100_000_00,
        )
    page = signed_in(world.coordinator).get("/funds/").content.decode()
    assert world.period.name in page and "Innevarande period" in page
