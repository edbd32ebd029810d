"""Every figure about money is computed here, and nowhere else: whole-period balances from the
running totals `ledger_post` keeps (`PeriodTotals`), figures that need dates (by month, by year,
at a date) from the ledger, which stays the truth (`period_totals_differences` checks)."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.db.models import OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from lom.funds.models import (
    TOTAL_FIELDS,
    AnnualPayroll,
    EntryKind,
    ForecastSettings,
    FundPeriod,
    LedgerEntry,
    PeriodTotals,
)
from lom.organisations.models import Organisation


@dataclass(frozen=True)
class Balance:
    allocated: int
    carried_over: int
    commitments: int
    releases: int
    spent: int

    @property
    def available(self) -> int:
        return self.allocated + self.carried_over

    @property
    def committed(self) -> int:
        """Outstanding commitments: approved but not yet spent or released."""
        return self.commitments - self.releases - self.spent

    @property
    def remaining(self) -> int:
        return self.available - self.committed - self.spent

    @property
    def used(self) -> int:
        return self.committed + self.spent

    def __add__(self, other: "Balance") -> "Balance":
        """Movements add up: the balance at a date is the sum of the movements before it."""
        return Balance(
            self.allocated + other.allocated,
            self.carried_over + other.carried_over,
            self.commitments + other.commitments,
            self.releases + other.releases,
            self.spent + other.spent,
        )


EMPTY_BALANCE = Balance(0, 0, 0, 0, 0)


def _sum(kind: str):
    return Coalesce(Sum("amount_ore", filter=Q(kind=kind)), 0)


BALANCE_AGGREGATES = {
    "allocated": _sum(EntryKind.ALLOCATION),
    "carried_over": _sum(EntryKind.CARRY_OVER),
    "commitments": _sum(EntryKind.COMMITMENT),
    "releases": _sum(EntryKind.RELEASE),
    "spent": _sum(EntryKind.EXPENSE),
}


def _balance(row: Mapping[str, Any]) -> Balance:
    """The Balance of one row of BALANCE_AGGREGATES (or of PeriodTotals: the same names)."""
    return Balance(**{k: int(row[k] or 0) for k in TOTAL_FIELDS})


def fund_balance(*, period: FundPeriod) -> Balance:
    """The period's running totals: one row, read fresh (never from an object in memory).
    A period without totals (none is, the service creates them) reads as empty."""
    row = PeriodTotals.objects.filter(period_id=period.pk).values(*TOTAL_FIELDS).first()
    return EMPTY_BALANCE if row is None else _balance(row)


def fund_periods_with_totals(*, organisation: Organisation) -> QuerySet[FundPeriod]:
    """The organisation's periods with their running totals and the organisation's warning
    threshold read in the same query; read them with `joined_balance` and
    `joined_warning_percent`."""
    own = ForecastSettings.objects.filter(organisation_id=OuterRef("organisation_id")).values(
        "unused_warning_percent"
    )[:1]
    return (
        fund_periods_for_org(organisation=organisation)
        .select_related("totals")
        .annotate(own_warning_percent=Subquery(own))
    )


def joined_warning_percent(period: FundPeriod) -> int:
    """`unused_warning_percent` of the period's organisation, from a period read by
    `fund_periods_with_totals` (any other period reads it afresh)."""
    if not hasattr(period, "own_warning_percent"):
        return unused_warning_percents(organisation_ids=[period.organisation_id])[
            period.organisation_id
        ]
    value = period.own_warning_percent
    return settings.LOM_UNUSED_WARNING_PERCENT if value is None else int(value)


def joined_balance(period: FundPeriod) -> Balance:
    """The balance of a period read by `fund_periods_with_totals` (the totals row came with
    the period, in this request); any other period is read afresh."""
    if not hasattr(period, "own_warning_percent"):  # not read by fund_periods_with_totals
        return fund_balance(period=period)
    try:
        totals = period.totals
    except PeriodTotals.DoesNotExist:
        return EMPTY_BALANCE
    return _balance({k: getattr(totals, k) for k in TOTAL_FIELDS})


def balances_for_periods(*, periods: list[FundPeriod]) -> dict[int, Balance]:
    """Balances of many periods from their running totals, in one query."""
    if not periods:
        return {}
    rows = PeriodTotals.objects.filter(period_id__in=[p.pk for p in periods]).values(
        "period_id", *TOTAL_FIELDS
    )
    out = dict.fromkeys((p.pk for p in periods), EMPTY_BALANCE)
    for row in rows:
        out[int(row["period_id"])] = _balance(row)
    return out


def fund_periods_with_balances(
    *, organisation: Organisation, limit: int
) -> list[tuple[FundPeriod, Balance]]:
    """The organisation's `limit` newest periods with their balances: one query, the running
    totals joined to the periods."""
    periods = FundPeriod.objects.filter(organisation=organisation).select_related("totals")
    out = []
    for p in periods[:limit]:
        try:
            out.append((p, _balance(vars(p.totals))))
        except PeriodTotals.DoesNotExist:
            out.append((p, EMPTY_BALANCE))
    return out


def ledger_balances_for_periods(*, period_ids: list[int] | None = None) -> dict[int, Balance]:
    """The balances the ledger itself sums to (one grouped query over every entry of the
    periods; every period when `period_ids` is None): the truth the running totals are
    checked against. Only periods with entries are in the answer."""
    qs = LedgerEntry.objects.all()  # tenant-scope: a check over the periods it is given, or all
    if period_ids is not None:
        qs = qs.filter(period_id__in=period_ids)
    rows = qs.values("period_id").annotate(**BALANCE_AGGREGATES).order_by("period_id")
    return {int(row["period_id"]): _balance(row) for row in rows}


@dataclass(frozen=True)
class TotalsDifference:
    """A running total that is not what the period's ledger sums to."""

    period_id: int
    field: str  # a Balance field: "allocated", "carried_over", "commitments", ...
    totals: int | None  # None: the period has no totals row at all
    ledger: int

    def __str__(self) -> str:
        said = "no totals row" if self.totals is None else f"the running total is {self.totals}"
        return f"{self.field}: {said}, the ledger sums to {self.ledger}"


def period_totals_differences(*, period_ids: list[int] | None = None) -> list[TotalsDifference]:
    """Every period (or those of `period_ids`) whose running totals differ from its ledger's
    sum, field by field, ordered by period: the periods, their totals, the ledger grouped."""
    periods = FundPeriod.objects.all()  # tenant-scope: the consistency check reads every period
    if period_ids is not None:
        periods = periods.filter(pk__in=period_ids)
    totals = {
        int(row["period_id"]): _balance(row)
        for row in PeriodTotals.objects.filter(period__in=periods).values(
            "period_id", *TOTAL_FIELDS
        )
    }
    summed = ledger_balances_for_periods(period_ids=period_ids)
    out = []
    for pk in sorted(set(periods.values_list("pk", flat=True))):
        kept, truth = totals.get(pk), summed.get(pk, EMPTY_BALANCE)
        for name in TOTAL_FIELDS:
            value, should = getattr(kept or EMPTY_BALANCE, name), getattr(truth, name)
            if value != should:
                out.append(TotalsDifference(pk, name, None if kept is None else value, should))
    return out


@dataclass(frozen=True)
class Forecast:
    """What will be left unused at period end if the pace so far continues."""

    elapsed_days: int
    total_days: int
    projected_use: int | None
    projected_unused: int | None
    unused_percent: int | None
    warning: bool
    runs_out_on: date | None

    @property
    def elapsed_percent(self) -> int:
        return round(100 * self.elapsed_days / self.total_days) if self.total_days else 0


def fund_forecast(
    *, period: FundPeriod, balance: Balance, today: date, warning_percent: int
) -> Forecast:
    """`warning_percent` is the organisation's own threshold (`unused_warning_percent_for`
    below): there is no installation-wide default here, so no warning uses another one."""
    total_days = (period.end - period.start).days + 1
    if today < period.start:
        return Forecast(0, total_days, None, None, None, False, None)
    elapsed = min((today - period.start).days + 1, total_days)
    projected_use = balance.used if elapsed >= total_days else balance.used * total_days // elapsed
    projected_unused = max(balance.available - projected_use, 0)
    unused_percent = (
        round(100 * projected_unused / balance.available) if balance.available > 0 else None
    )
    runs_out_on = None
    if balance.used > 0 and projected_use > balance.available and elapsed < total_days:
        from datetime import timedelta

        days_to_use_all = balance.available * elapsed // balance.used
        runs_out_on = period.start + timedelta(days=max(days_to_use_all - 1, 0))
    warning = unused_percent is not None and unused_percent > warning_percent
    return Forecast(
        elapsed, total_days, projected_use, projected_unused, unused_percent, warning, runs_out_on
    )


def fund_periods_for_org(*, organisation: Organisation) -> QuerySet[FundPeriod]:
    return FundPeriod.objects.filter(organisation=organisation).select_related("rate", "previous")


def fund_period_get(*, organisation: Organisation, pk: int) -> FundPeriod | None:
    return fund_periods_for_org(organisation=organisation).filter(pk=pk).first()


def annual_payroll_for(*, organisation: Organisation, year: int) -> int | None:
    """The payroll (öre) of `year` from the staff register import, if there is one."""
    return (
        AnnualPayroll.objects.filter(organisation=organisation, year=year)
        .values_list("payroll_ore", flat=True)
        .first()
    )


def fund_period_current(*, organisation: Organisation, on: date) -> FundPeriod | None:
    return (
        FundPeriod.objects.filter(organisation=organisation, start__lte=on, end__gte=on)
        .order_by("-start")
        .first()
    )


def ledger_entries(*, period: FundPeriod, kind: str = "") -> QuerySet[LedgerEntry]:
    """The ledger of a period, unordered; `kind` limits it to one kind of entry."""
    qs = LedgerEntry.objects.filter(period=period).select_related("case", "created_by")
    if kind:
        qs = qs.filter(kind=kind)
    return qs


def ledger_page(
    *, period: FundPeriod, before_id: int | None = None, limit: int = 50, kind: str = ""
) -> tuple[list[LedgerEntry], int | None]:
    """Keyset page of the ledger, newest first. Returns the rows and the id to continue from.
    `kind` limits it to one kind of entry (the list's filter, also used by its export)."""
    qs = ledger_entries(period=period, kind=kind)
    if before_id:
        qs = qs.filter(id__lt=before_id)
    rows = list(qs.order_by("-id")[: limit + 1])
    next_id = rows[limit - 1].id if len(rows) > limit else None
    return rows[:limit], next_id


def fund_movements_by_month(*, periods: list[FundPeriod]) -> dict[int, dict[date, Balance]]:
    """Per period, the movements of each calendar month (Stockholm time), keyed by the first
    day of the month. One grouped query. Summed in order they give the balance at each month
    end: the timeline of the dashboard and the annual report."""
    from django.db.models.functions import TruncMonth
    from django.utils import timezone

    if not periods:
        return {}
    tz = timezone.get_default_timezone()
    rows = (
        LedgerEntry.objects.filter(period__in=[p.pk for p in periods])
        .annotate(month=TruncMonth("created_at", tzinfo=tz))
        .values("period_id", "month")
        .annotate(**BALANCE_AGGREGATES)
        .order_by("period_id", "month")
    )
    out: dict[int, dict[date, Balance]] = {p.pk: {} for p in periods}
    for row in rows:
        pid = int(row["period_id"])
        month = row["month"]
        month = month.date() if isinstance(month, datetime) else month
        out[pid][month] = out[pid].get(month, EMPTY_BALANCE) + _balance(row)
    return out


def unused_warning_percent_for(*, organisation: Organisation) -> int:
    """The organisation's threshold for the unused-funds warning, or the installation default
    (LOM_UNUSED_WARNING_PERCENT) when it has set none. Every forecast warning (fund pages,
    dashboard, report, API, fund mode's pot) is computed with this value."""
    value = (
        ForecastSettings.objects.filter(organisation=organisation)
        .values_list("unused_warning_percent", flat=True)
        .first()
    )
    return settings.LOM_UNUSED_WARNING_PERCENT if value is None else int(value)


# The name it had first; the callers outside the fund keep it.
unused_warning_percent = unused_warning_percent_for


def carried_out(*, period: FundPeriod) -> int:
    """What the period has carried over, net, into the period that took its carry-over
    (`carried_to`): the carry-over pairs booked at closing and after it, less reversals."""
    if period.carried_to_id is None:
        return 0
    total = LedgerEntry.objects.filter(
        period=period, kind=EntryKind.CARRY_OVER, linked_period_id=period.carried_to_id
    ).aggregate(s=Sum("amount_ore"))["s"]
    return -int(total or 0)


@dataclass(frozen=True)
class CarryOverLink:
    """Net carry-over between this period and another one: positive = received from it."""

    other: FundPeriod
    amount: int

    @property
    def size(self) -> int:
        return abs(self.amount)


def carry_over_links(*, period: FundPeriod) -> list[CarryOverLink]:
    """The carry-overs booked in the period, net per other period (received and given)."""
    rows = (
        LedgerEntry.objects.filter(
            period=period, kind=EntryKind.CARRY_OVER, linked_period__isnull=False
        )
        .values("linked_period_id")
        .annotate(s=Sum("amount_ore"))
        .order_by("linked_period_id")
    )
    net = {int(r["linked_period_id"]): int(r["s"] or 0) for r in rows}
    others = FundPeriod.objects.in_bulk(list(net))
    return [CarryOverLink(others[pk], amount) for pk, amount in net.items() if amount]


def periods_due_for_closing(*, today: date) -> QuerySet[FundPeriod]:
    """Periods whose end date has passed that are neither closed nor reopened, oldest first
    (a predecessor closes before its successor, so carry-overs run down the chain)."""
    return FundPeriod.objects.filter(  # tenant-scope: the nightly job closes every organisation's
        end__lt=today, closed_at__isnull=True, reopened_at__isnull=True
    ).order_by("start", "id")


def unused_warning_percents(*, organisation_ids: list[int]) -> dict[int, int]:
    """`unused_warning_percent` of many organisations in one query (organisation id ->
    threshold; the installation default for those without their own)."""
    own = dict(
        ForecastSettings.objects.filter(organisation_id__in=organisation_ids).values_list(
            "organisation_id", "unused_warning_percent"
        )
    )
    return {
        pk: int(own[pk]) if pk in own else settings.LOM_UNUSED_WARNING_PERCENT
        for pk in organisation_ids
    }
