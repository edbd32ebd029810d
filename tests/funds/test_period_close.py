"""Money across periods: carry-over is booked when the old period is closed (by hand or by the
daily job), money released in a closed period follows its carry-over, no approval against a
period that has ended unless it is reopened with a reason, and a contribution rate must be
valid for the period's dates. Every figure is computed by hand, in öre."""

from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from lom.agreements.models import ContributionRate
from lom.cases import services as case_services
from lom.cases.models import Case
from lom.common.errors import DomainError
from lom.common.models import AuditEvent
from lom.funds.models import EntryKind, ForecastSettings, FundPeriod, LedgerEntry, PeriodStatus
from lom.funds.selectors import carried_out, fund_balance, unused_warning_percent_for
from lom.funds.services import (
    fund_period_close,
    fund_period_create,
    fund_period_reopen,
    fund_periods_close_due,
)
from lom.operations.schedule import JOBS
from tests.factories import approve, make_case, make_world, set_agreement_rules
from tests.funds.test_api import JSON, bearer

TODAY = timezone.localdate()


def successor(world, *, year_offset: int = 1, amount: int = 500_000_00, previous=None):
    """Next year's period, set up with carry-over from `previous` (default: the running one)."""
    year = TODAY.year + year_offset
    return fund_period_create(
        actor=world.admin,
        organisation=world.org,
        name=f"LOM {year}",
        start=date(year, 1, 1),
        end=date(year, 12, 31),
        method=FundPeriod.Method.FIXED_POT,
        fixed_amount_ore=amount,
        previous=previous or world.period,
        carry_over=True,
    )


def withdraw(world, case: Case) -> Case:
    return case_services.case_transition(
        actor=world.actor(world.employee), case=case, name="withdraw"
    )


def approve_in(world, case: Case, period: FundPeriod) -> Case:
    coord = world.actor(world.coordinator)
    case = case_services.case_transition(actor=coord, case=case, name="start_review")
    return case_services.case_transition(
        actor=coord, case=case, name="approve", period=period, reason="Bra insats."
    )


def test_setting_up_next_period_moves_nothing_and_the_running_period_still_approves(world):
    # Allocation 1 000 000,00; approved 400 000,00; remaining 600 000,00.
    approve(world, make_case(world, amount_ore=400_000_00))
    nxt = successor(world)
    assert nxt.carry_over_from_previous
    assert fund_balance(period=world.period).remaining == 600_000_00
    assert fund_balance(period=nxt).carried_over == 0
    assert fund_balance(period=nxt).remaining == 500_000_00
    # An approval in the running period (in December as any other month) still works.
    case = approve(world, make_case(world, amount_ore=100_000_00))
    assert case.status == "approved" and case.period_id == world.period.pk
    assert fund_balance(period=world.period).remaining == 500_000_00


def test_closing_books_the_remaining_into_the_successor_and_stops_approvals(world):
    approve(world, make_case(world, amount_ore=400_000_00))
    nxt = successor(world)
    closing = fund_period_close(actor=world.coordinator, period=world.period)
    assert closing.carried_ore == 600_000_00 and closing.carried_to == nxt
    assert "600\xa0000,00\xa0kr" in closing.note and nxt.name in closing.note
    world.period.refresh_from_db()
    assert world.period.closed_by == world.coordinator and world.period.carried_to == nxt
    assert world.period.status(today=TODAY) == PeriodStatus.CLOSED
    assert fund_balance(period=world.period).remaining == 0
    assert fund_balance(period=nxt).carried_over == 600_000_00
    assert fund_balance(period=nxt).remaining == 1_100_000_00
    pair = LedgerEntry.objects.filter(kind=EntryKind.CARRY_OVER).order_by("id")
    assert [(e.period_id, e.amount_ore, e.linked_period_id) for e in pair] == [
        (world.period.pk, -600_000_00, nxt.pk),
        (nxt.pk, 600_000_00, world.period.pk),
    ]
    assert AuditEvent.objects.filter(action="fund_period.close", target_id=world.period.pk).exists()

    # An approval against the closed period is refused and changes nothing.
    case = make_case(world, amount_ore=10_000_00)
    case = case_services.case_transition(
        actor=world.actor(world.coordinator), case=case, name="start_review"
    )
    rows = LedgerEntry.objects.count()
    with pytest.raises(DomainError) as exc:
        case_services.case_transition(
            actor=world.actor(world.coordinator),
            case=case,
            name="approve",
            period=world.period,
            reason="Ja.",
        )
    assert exc.value.field == "period" and exc.value.code == "period_closed"
    assert world.period.name in exc.value.message and "är stängd" in exc.value.message
    assert LedgerEntry.objects.count() == rows
    case.refresh_from_db()
    assert case.status == "in_review" and case.approved_ore is None


def test_closing_twice_is_refused(world):
    fund_period_close(actor=world.coordinator, period=world.period)
    with pytest.raises(DomainError) as exc:
        fund_period_close(actor=world.coordinator, period=world.period)
    assert exc.value.code == "state"


def test_a_withdrawal_after_closing_follows_the_carry_over(world):
    # 1 000 000,00 allocated; 350 000,00 + 50 000,00 approved; 600 000,00 carried at closing;
    # the 50 000,00 case is withdrawn afterwards: the successor gets 600 000,00 + 50 000,00.
    approve(world, make_case(world, amount_ore=350_000_00))
    small = approve(world, make_case(world, amount_ore=50_000_00))
    nxt = successor(world)
    fund_period_close(actor=world.coordinator, period=world.period)
    withdraw(world, small)
    closed = fund_balance(period=world.period)
    assert (closed.committed, closed.remaining) == (350_000_00, 0)
    assert fund_balance(period=nxt).carried_over == 650_000_00
    assert fund_balance(period=nxt).remaining == 1_150_000_00
    world.period.refresh_from_db()
    assert carried_out(period=world.period) == 650_000_00
    follow = LedgerEntry.objects.filter(kind=EntryKind.CARRY_OVER).order_by("id")[2:]
    assert [(e.period_id, e.amount_ore, e.linked_period_id) for e in follow] == [
        (world.period.pk, -50_000_00, nxt.pk),
        (nxt.pk, 50_000_00, world.period.pk),
    ]
    memo = follow[0].memo_shown
    assert follow[0].memo_code == "funds.carried_after_close"
    assert world.period.name in memo and nxt.name in memo


def test_a_lower_actual_cost_after_closing_follows_the_carry_over(world):
    coord = world.actor(world.coordinator)
    case = approve(world, make_case(world, amount_ore=100_000_00))
    case = case_services.case_transition(actor=coord, case=case, name="start")
    case_services.case_record_expense(actor=coord, case=case, amount_ore=70_000_00)
    nxt = successor(world)
    # 1 000 000,00 − 100 000,00 committed (70 000,00 of it spent) = 900 000,00 carried.
    assert fund_period_close(actor=world.coordinator, period=world.period).carried_ore == (
        900_000_00
    )
    case_services.case_transition(actor=coord, case=case, name="complete")
    assert fund_balance(period=world.period).remaining == 0
    assert fund_balance(period=world.period).spent == 70_000_00
    assert fund_balance(period=nxt).carried_over == 930_000_00


def test_released_money_runs_down_a_chain_of_closed_periods(world):
    case = approve(world, make_case(world, amount_ore=100_000_00))
    p2 = successor(world, amount=200_000_00)
    p3 = successor(world, year_offset=2, amount=300_000_00, previous=p2)
    fund_period_close(actor=world.coordinator, period=world.period)  # 900 000,00 into p2
    fund_period_close(actor=world.coordinator, period=p2)  # 1 100 000,00 into p3
    withdraw(world, case)  # 100 000,00 released in the first period
    assert fund_balance(period=world.period).remaining == 0
    assert fund_balance(period=p2).remaining == 0
    assert fund_balance(period=p2).carried_over == 900_000_00 + 100_000_00 - 1_200_000_00
    assert fund_balance(period=p3).carried_over == 1_200_000_00
    assert fund_balance(period=p3).remaining == 1_500_000_00


def test_closing_without_carry_over_in_the_agreement_books_nothing_and_says_so(world):
    approve(world, make_case(world, amount_ore=400_000_00))
    nxt = successor(world)
    set_agreement_rules(world.org, allows_carry_over=False)
    rows = LedgerEntry.objects.count()
    closing = fund_period_close(actor=world.coordinator, period=world.period)
    assert closing.carried_ore == 0 and closing.carried_to is None
    assert "tillåter inte" in closing.note
    assert LedgerEntry.objects.count() == rows
    assert fund_balance(period=world.period).remaining == 600_000_00
    assert fund_balance(period=nxt).carried_over == 0


def test_a_successor_set_up_after_closing_takes_the_carry_over_at_once(world):
    approve(world, make_case(world, amount_ore=400_000_00))
    closing = fund_period_close(actor=world.coordinator, period=world.period)
    assert closing.carried_ore == 0 and "Ingen efterföljande period" in closing.note
    nxt = successor(world)
    assert fund_balance(period=nxt).carried_over == 600_000_00
    assert fund_balance(period=world.period).remaining == 0
    world.period.refresh_from_db()
    assert world.period.carried_to == nxt


@pytest.fixture
def ended(db):
    """A world whose period ended yesterday (not closed yet)."""
    return make_world(
        "ended", period_start=date(TODAY.year - 1, 1, 1), period_end=TODAY - timedelta(days=1)
    )


def test_an_approval_against_an_ended_period_is_refused_until_it_is_reopened(ended):
    case = make_case(ended, amount_ore=10_000_00)
    coord = ended.actor(ended.coordinator)
    case = case_services.case_transition(actor=coord, case=case, name="start_review")
    rows = LedgerEntry.objects.count()
    assert ended.period.status(today=TODAY) == PeriodStatus.ENDED
    with pytest.raises(DomainError) as exc:
        case_services.case_transition(
            actor=coord, case=case, name="approve", period=ended.period, reason="Ja."
        )
    assert exc.value.field == "period" and "slutade" in exc.value.message
    assert ended.period.name in exc.value.message
    assert LedgerEntry.objects.count() == rows

    with pytest.raises(DomainError) as exc:
        fund_period_reopen(actor=ended.admin, period=ended.period, reason="  ")
    assert exc.value.field == "reason"
    fund_period_reopen(actor=ended.admin, period=ended.period, reason="Beslutet fattades 30/12.")
    case = case_services.case_transition(
        actor=coord, case=case, name="approve", period=ended.period, reason="Ja."
    )
    assert case.status == "approved"
    assert fund_balance(period=ended.period).remaining == 990_000_00
    event = AuditEvent.objects.get(action="fund_period.reopen")
    assert event.note == "Beslutet fattades 30/12."


def test_reopening_a_closed_period_books_its_carry_over_back(world):
    approve(world, make_case(world, amount_ore=400_000_00))
    nxt = successor(world)
    fund_period_close(actor=world.coordinator, period=world.period)
    period = fund_period_reopen(actor=world.admin, period=world.period, reason="Sent beslut.")
    assert period.status(today=TODAY) == PeriodStatus.REOPENED
    assert period.closed_at is None and period.carried_to is None
    assert fund_balance(period=world.period).remaining == 600_000_00
    assert fund_balance(period=nxt).carried_over == 0
    assert fund_balance(period=nxt).remaining == 500_000_00
    # Closed again: carried again, exactly once.
    assert fund_period_close(actor=world.admin, period=period).carried_ore == 600_000_00
    assert fund_balance(period=nxt).carried_over == 600_000_00


def test_reopening_is_refused_once_the_successor_has_used_the_carry_over(world):
    approve(world, make_case(world, amount_ore=400_000_00))
    nxt = successor(world)
    fund_period_close(actor=world.coordinator, period=world.period)
    # The successor: 500 000,00 + 600 000,00 = 1 100 000,00; 600 000,00 approved leaves 500 000,00.
    approve_in(world, make_case(world, amount_ore=600_000_00), nxt)
    rows = LedgerEntry.objects.count()
    with pytest.raises(DomainError) as exc:
        fund_period_reopen(actor=world.admin, period=world.period, reason="Sent beslut.")
    assert exc.value.code == "state" and "500\xa0000,00\xa0kr" in exc.value.message
    assert LedgerEntry.objects.count() == rows
    world.period.refresh_from_db()
    assert world.period.closed_at is not None and world.period.reopened_at is None


def test_reopening_an_open_period_is_refused(world):
    with pytest.raises(DomainError) as exc:
        fund_period_reopen(actor=world.admin, period=world.period, reason="Varför inte.")
    assert exc.value.code == "state"


def test_the_daily_job_closes_ended_periods_and_books_their_carry_over(ended):
    nxt = fund_period_create(
        actor=ended.admin,
        organisation=ended.org,
        name="Nästa",
        start=TODAY,
        end=date(TODAY.year + 1, 12, 31),
        method=FundPeriod.Method.FIXED_POT,
        fixed_amount_ore=100_000_00,
        previous=ended.period,
        carry_over=True,
    )
    assert fund_periods_close_due(today=TODAY) == 1
    ended.period.refresh_from_db()
    assert ended.period.closed_at is not None and ended.period.closed_by is None
    assert fund_balance(period=nxt).carried_over == 1_000_000_00
    assert fund_periods_close_due(today=TODAY) == 0  # the running one is not due
    # A reopened period is left open by the job.
    fund_period_reopen(actor=ended.admin, period=ended.period, reason="Sent beslut.")
    assert fund_periods_close_due(today=TODAY) == 0
    assert [j.what for j in JOBS if j.name == "fund_periods_close"] == [
        "lom.funds.tasks.fund_periods_close_task"
    ]


def _payroll_period(**kw):
    return {
        "name": "LOM 2034",
        "start": date(2034, 1, 1),
        "end": date(2034, 12, 31),
        "method": FundPeriod.Method.PAYROLL_RATE,
        "payroll_ore": 500_000_000_00,
        **kw,
    }


def test_a_rate_not_valid_for_the_period_is_refused(world):
    old = ContributionRate.objects.get(percent="0.300")  # 2015–2023
    with pytest.raises(DomainError) as exc:
        fund_period_create(actor=world.admin, organisation=world.org, rate=old, **_payroll_period())
    assert exc.value.field == "rate" and "2023" in exc.value.message
    assert not FundPeriod.objects.filter(name="LOM 2034").exists()
    new = ContributionRate.objects.get(percent="0.200")  # 2024–
    period = fund_period_create(
        actor=world.admin, organisation=world.org, rate=new, **_payroll_period()
    )
    assert fund_balance(period=period).allocated == 1_000_000_00


def test_the_form_and_the_api_refuse_a_rate_not_valid_for_the_period(world):
    old = ContributionRate.objects.get(percent="0.300")
    client = Client()
    client.force_login(world.coordinator)
    r = client.post(
        "/funds/new/",
        {
            "name": "LOM 2034",
            "start": "2034-01-01",
            "end": "2034-12-31",
            "method": "payroll_rate",
            "payroll": "500000000,00",
            "rate": old.pk,
        },
    )
    assert r.status_code in (200, 400)
    form = r.context["form"]
    assert "rate" in form.errors and "2023" in form.errors["rate"][0]
    r = Client().post(
        "/api/v1/fund-periods",
        {
            "name": "LOM 2034",
            "start": "2034-01-01",
            "end": "2034-12-31",
            "method": "payroll_rate",
            "payroll_ore": 500_000_000_00,
            "rate_id": old.pk,
        },
        content_type=JSON,
        **bearer(world.coordinator),
    )
    assert r.status_code == 400 and r.json()["field"] == "rate_id"
    assert not FundPeriod.objects.filter(name="LOM 2034").exists()


def test_close_and_reopen_through_the_api(world):
    approve(world, make_case(world, amount_ore=400_000_00))
    nxt = successor(world)
    c, coord = Client(), bearer(world.coordinator)
    url = f"/api/v1/fund-periods/{world.period.pk}"
    assert Client().post(f"{url}/close", **bearer(world.union_rep)).status_code == 403
    r = c.post(f"{url}/close", **coord)
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["carried_ore"] == 600_000_00 and body["carried_to_id"] == nxt.pk
    assert body["period"]["status"] == "closed"
    assert body["period"]["balance"]["remaining_ore"] == 0
    assert c.post(f"{url}/close", **coord).status_code == 409

    # An approval against the closed period through the cases API: 400, the rule named.
    case = make_case(world, amount_ore=10_000_00)
    case = case_services.case_transition(
        actor=world.actor(world.coordinator), case=case, name="start_review"
    )
    rows = LedgerEntry.objects.count()
    r = c.post(
        f"/api/v1/cases/{case.pk}/transitions",
        {"name": "approve", "period_id": world.period.pk, "reason": "Ja."},
        content_type=JSON,
        **coord,
    )
    assert r.status_code == 400 and "är stängd" in r.json()["detail"]
    assert LedgerEntry.objects.count() == rows

    assert c.post(f"{url}/reopen", {"reason": ""}, content_type=JSON, **coord).status_code == 422
    r = c.post(f"{url}/reopen", {"reason": "Sent beslut."}, content_type=JSON, **coord)
    assert r.status_code == 200 and r.json()["status"] == "reopened"
    assert r.json()["reopen_reason"] == "Sent beslut."
    assert r.json()["balance"]["remaining_ore"] == 600_000_00
    r = c.post(f"{url}/reopen", {"reason": "Igen."}, content_type=JSON, **coord)
    assert r.status_code == 409


def test_the_period_page_shows_the_status_and_closes_and_reopens(world):
    approve(world, make_case(world, amount_ore=400_000_00))
    nxt = successor(world)
    client = Client()
    client.force_login(world.coordinator)
    page = f"/funds/{world.period.pk}/"
    html = client.get(page).content.decode()
    assert "Öppen" in html and "Stäng perioden" in html
    assert "Öppna perioden igen" not in html

    r = client.post(f"/funds/{world.period.pk}/close/", follow=True)
    html = r.content.decode()
    assert "Perioden är stängd" in html and "600\xa0000,00" in html
    assert "Stängd" in html and nxt.name in html and "Bokförda överföringar" in html
    assert "Stäng perioden" not in html and "Öppna perioden igen" in html

    r = client.post(f"/funds/{world.period.pk}/reopen/", {"reason": ""})
    assert r.status_code == 400 and "error-summary" in r.content.decode()
    r = client.post(f"/funds/{world.period.pk}/reopen/", {"reason": "Sent beslut."}, follow=True)
    html = r.content.decode()
    assert "Öppnad igen" in html and "Sent beslut." in html
    world.period.refresh_from_db()
    assert world.period.reopened_by == world.coordinator

    reader = Client()
    reader.force_login(world.union_rep)
    assert "Stäng perioden" not in reader.get(page).content.decode()
    assert reader.post(f"/funds/{world.period.pk}/close/").status_code == 403


def test_warnings_use_the_organisations_own_threshold(world):
    assert unused_warning_percent_for(organisation=world.org) == 20  # installation default
    ForecastSettings.objects.create(organisation=world.org, unused_warning_percent=100)
    assert unused_warning_percent_for(organisation=world.org) == 100
    client = Client()
    client.force_login(world.coordinator)
    # Nothing used this late in the year: far more than 20 % would be left, yet no warning.
    assert "forecast-warning" not in client.get(f"/funds/{world.period.pk}/").content.decode()
    ForecastSettings.objects.filter(organisation=world.org).update(unused_warning_percent=5)
    assert "forecast-warning" in client.get(f"/funds/{world.period.pk}/").content.decode()
