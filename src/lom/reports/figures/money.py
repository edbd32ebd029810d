"""Where the money went (by measure type, purpose, unit, individual or group), the fund month
by month, and the fund periods of a year. Money comes from the fund ledger through
lom.funds.selectors (the `Balance` type and its rules)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lom.cases.models import Purpose
from lom.funds.models import FundPeriod
from lom.funds.selectors import EMPTY_BALANCE, Balance, fund_balance, fund_forecast
from lom.organisations.models import Organisation
from lom.reports.figures.cases import (
    GROUP_KINDS,
    FundedCase,
    department_name,
    kind_label,
    measure_type_names,
    month_start,
    months_between,
    purpose_label,
    unit_names,
)
from lom.reports.figures.tables import (
    COUNT,
    MONEY,
    PERCENT,
    TEXT,
    ChartSpec,
    Column,
    Table,
    breakdown_table,
    columns,
    group_sums_by_key,
    pct,
    sum_columns,
)

# --- use of the funds: by measure type, purpose, unit, individual or group --------------------


USE_COLUMNS = (
    ("cases", gettext_lazy("Ärenden"), COUNT),
    ("participants", gettext_lazy("Deltagare"), COUNT),
    ("granted", gettext_lazy("Beviljat, netto"), MONEY),
    ("spent", gettext_lazy("Förbrukat"), MONEY),
    ("share", gettext_lazy("Andel av beviljat"), PERCENT),
)


def _use_table(
    key: str,
    title: str,
    group_label: str,
    funded: list[FundedCase],
    raw_key: Callable[[FundedCase], Any],
    group_of_key: Callable[[Any], tuple[Any, str]],
    *,
    by_value: bool = True,
) -> Table:
    groups = group_sums_by_key(
        funded,
        raw_key,
        group_of_key,
        lambda c: (1, c.participant_count, c.money.granted, c.money.spent),
    )
    if by_value:
        rows = sorted(groups.values(), key=lambda g: (-g[3], g[0]))
    else:
        rows = [groups[k] for k in sorted(groups)]
    sums = sum_columns(rows, 4)
    return breakdown_table(
        key=key,
        title=title,
        group=Column("group", group_label),
        values=USE_COLUMNS,
        rows=[[*g, pct(g[3], sums[2])] for g in rows],
        total=[*sums, 100.0 if sums[2] else None],
        chart=ChartSpec("bar", "group", ("granted", "spent")),
    )


def use_tables(*, organisation: Organisation, cases: list[FundedCase]) -> list[Table]:
    """Where the money went, from the cases with money in a ledger scope (`funded_cases`).
    'Beviljat, netto' is commitments minus releases (what is still reserved plus what is
    spent); summed over a breakdown it equals `Balance.used` of the same ledger entries. Cases
    (and their participants) count when money was granted or spent on them in the scope; a
    case whose whole grant was released counts for nothing."""
    funded = [c for c in cases if c.money.granted or c.money.spent]
    names = measure_type_names()
    units = unit_names(organisation)

    def by_type(type_id: int | None) -> tuple[Any, str]:
        return (names.get(type_id, ""), names.get(type_id, ""))

    def by_purpose(purpose: str) -> tuple[Any, str]:
        order = Purpose.values.index(purpose) if purpose in Purpose.values else 99
        return (order, purpose_label(purpose))

    def by_unit(unit_path: str) -> tuple[Any, str]:
        name = department_name(units, unit_path, or_path=True)
        return (name, name)

    def by_kind(kind: str) -> tuple[Any, str]:
        return (int(kind in GROUP_KINDS), kind_label(kind))

    return [
        _use_table(
            "use_by_measure_type",
            _("Användning per insatstyp"),
            _("Insatstyp"),
            funded,
            lambda c: c.measure_type_id,
            by_type,
        ),
        _use_table(
            "use_by_purpose",
            _("Användning per syfte"),
            _("Syfte"),
            funded,
            lambda c: c.purpose,
            by_purpose,
            by_value=False,
        ),
        _use_table(
            "use_by_unit",
            _("Användning per enhet"),
            _("Enhet"),
            funded,
            lambda c: c.unit_path,
            by_unit,
        ),
        _use_table(
            "use_by_kind",
            _("Enskilda insatser och gruppinsatser"),
            _("Typ av insats"),
            funded,
            lambda c: c.kind,
            by_kind,
            by_value=False,
        ),
    ]


# --- the fund over time ----------------------------------------------------------------------


TIMELINE_COLUMNS = [
    ("month", gettext_lazy("Månad"), TEXT),
    ("available", gettext_lazy("Tilldelat och överfört"), MONEY),
    ("committed", gettext_lazy("Reserverat"), MONEY),
    ("spent", gettext_lazy("Förbrukat"), MONEY),
    ("remaining", gettext_lazy("Kvar att besluta om"), MONEY),
]


def timeline_table(
    *, movements: Iterable[dict[date, Balance]], first: date, last: date, title: str
) -> tuple[Table, Balance]:
    """Balances at each month end from `first` to `last`, summed over the given periods'
    monthly movements (movements before `first` make the opening balance)."""
    merged: dict[date, Balance] = defaultdict(lambda: EMPTY_BALANCE)
    for per_period in movements:
        for month, bal in per_period.items():
            merged[month] = merged[month] + bal
    first = month_start(first)
    running = EMPTY_BALANCE
    for month, bal in merged.items():
        if month < first:
            running = running + bal
    rows = []
    for month in months_between(first, last):
        running = running + merged.get(month, EMPTY_BALANCE)
        rows.append(
            [
                f"{month:%Y-%m}",
                running.available,
                running.committed,
                running.spent,
                running.remaining,
            ]
        )
    table = Table(
        key="timeline",
        title=title,
        columns=columns(TIMELINE_COLUMNS),
        rows=rows,
        note=_("Ställning vid varje månads slut, beräknad ur fondens huvudbok."),
        chart=ChartSpec("line", "month", ("available", "committed", "spent", "remaining")),
    )
    return table, running


# --- the fund periods of a year --------------------------------------------------------------


FUNDS_COLUMNS = [
    ("period", gettext_lazy("Fondperiod"), TEXT),
    ("opening_remaining", gettext_lazy("Kvar vid årets början"), MONEY),
    ("allocated", gettext_lazy("Tilldelat under året"), MONEY),
    ("carried_over", gettext_lazy("Överfört under året"), MONEY),
    ("granted", gettext_lazy("Beviljat netto under året"), MONEY),
    ("spent", gettext_lazy("Förbrukat under året"), MONEY),
    ("closing_committed", gettext_lazy("Reserverat vid årets slut"), MONEY),
    ("closing_remaining", gettext_lazy("Kvar vid årets slut"), MONEY),
]


def funds_table(
    *, year: int, periods: list[FundPeriod], movements: dict[int, dict[date, Balance]]
) -> tuple[Table, Balance]:
    """Each period's opening balance, the year's movements and the closing balance; also the
    year's movements of all periods together."""
    first_month = date(year, 1, 1)
    fund_rows, opening_total, year_total = [], EMPTY_BALANCE, EMPTY_BALANCE
    for p in periods:
        opening = year_moves = EMPTY_BALANCE
        for month, bal in movements[p.pk].items():
            if month < first_month:
                opening = opening + bal
            elif month.year == year:
                year_moves = year_moves + bal
        opening_total, year_total = opening_total + opening, year_total + year_moves
        fund_rows.append((p.name, opening, year_moves))

    def fund_row(opening: Balance, moves: Balance) -> list[Any]:
        closing = opening + moves
        return [
            opening.remaining,
            moves.allocated,
            moves.carried_over,
            moves.commitments - moves.releases,
            moves.spent,
            closing.committed,
            closing.remaining,
        ]

    table = breakdown_table(
        key="funds",
        title=_("Fondperioderna under året"),
        group=columns(FUNDS_COLUMNS[:1])[0],
        values=FUNDS_COLUMNS[1:],
        rows=[[name, *fund_row(o, m)] for name, o, m in fund_rows],
        total=fund_row(opening_total, year_total),
        note=_(
            "Ur fondens huvudbok: kvar = tilldelat + överfört − reserverat − förbrukat. "
            "Överföringar mellan perioder tar ut varandra i totalen."
        ),
    )
    return table, year_total


def forecast_table(*, periods: list[FundPeriod], today: date, threshold: int) -> Table:
    """The forecast at period end of each period running today."""
    rows = []
    for p in periods:
        if p.start <= today <= p.end:
            f = fund_forecast(
                period=p, balance=fund_balance(period=p), today=today, warning_percent=threshold
            )
            rows.append(
                [
                    p.name,
                    f.elapsed_percent,
                    f.projected_unused,
                    f.unused_percent,
                    _("Ja") if f.warning else _("Nej"),
                ]
            )
    return Table(
        key="forecast",
        title=_("Prognos vid periodens slut"),
        columns=[
            Column("period", _("Fondperiod")),
            Column("elapsed", _("Andel av perioden som gått"), PERCENT),
            Column("projected_unused", _("Outnyttjat vid periodens slut i nuvarande takt"), MONEY),
            Column("unused_percent", _("Outnyttjad andel"), PERCENT),
            Column("warning", _("Över varningsgränsen")),
        ],
        rows=rows,
        note=_("Varningsgräns: %(p)d %% outnyttjat.") % {"p": threshold},
    )
