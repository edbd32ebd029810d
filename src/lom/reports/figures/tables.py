"""What every figure is: a `Table` of columns with a kind, the hidden cell, the suppression
rule, and the one builder of a breakdown (a row per group, a "Totalt" row).

Privacy: counts of *people* (staff, recipients, participants, survey answers) of 1 to 4 are
never shown (`SUPPRESSED`), and when exactly one cell of a breakdown is hidden, the next
smallest is hidden too so the hidden one cannot be worked out from the total. 0 is shown: it
identifies nobody, and "this group got nothing" is the point of the fairness view. Counts of
cases and sums of money are not suppressed: they are visible case by case to the same roles.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, TypeVar

from django.utils.translation import gettext as _

from lom.reports.figures.suppression import MIN_CELL

# The reason of a hidden cell in a table that does not record its reasons (the fairness tables
# do: "primary" or "secondary").
UNSPECIFIED = "unspecified"

TEXT, COUNT, MONEY, PERCENT, DECIMAL, DATE = "text", "count", "money", "percent", "decimal", "date"

T = TypeVar("T")


class _Suppressed:
    """A hidden cell: fewer than five people. Renders as 'dolt', null in JSON."""

    _instance: _Suppressed | None = None

    def __new__(cls):
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "SUPPRESSED"

    def __bool__(self) -> bool:
        return False


SUPPRESSED = _Suppressed()


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = TEXT


@dataclass(frozen=True)
class ChartSpec:
    kind: str  # "bar" or "line"
    label_key: str
    value_keys: tuple[str, ...]


@dataclass
class Table:
    key: str
    title: str
    columns: list[Column]
    rows: list[list[Any]] = field(default_factory=list)
    total: list[Any] | None = None
    note: str = ""
    flagged: list[bool] = field(default_factory=list)
    chart: ChartSpec | None = None
    # why a hidden cell is hidden: (row, column) -> "primary" | "secondary"; the total row's
    # cells by column (tables built with `suppress_family` record every hidden cell).
    reasons: dict[tuple[int, int], str] = field(default_factory=dict)
    total_reasons: dict[int, str] = field(default_factory=dict)

    def index(self, key: str) -> int:
        return next(i for i, c in enumerate(self.columns) if c.key == key)

    def values(self, key: str) -> list[Any]:
        i = self.index(key)
        return [r[i] for r in self.rows]

    def row(self, label: str) -> dict[str, Any]:
        """The row whose first cell is `label`, as {column key: value} (for tests and API)."""
        for r in self.rows:
            if r[0] == label:
                return {c.key: v for c, v in zip(self.columns, r, strict=True)}
        raise KeyError(label)

    def total_dict(self) -> dict[str, Any]:
        return {c.key: v for c, v in zip(self.columns, self.total or [], strict=False)}


# --- small helpers -------------------------------------------------------------------------


def pct(part: int | float, whole: int | float) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def suppression_mask(values: list[int], forced: list[bool] | None = None) -> list[bool]:
    """Which cells of one breakdown to hide: 1-4 (or forced), plus, when exactly one is hidden,
    the smallest other non-zero cell (secondary suppression)."""
    forced = forced or [False] * len(values)
    mask = [bool(f) or 0 < v < MIN_CELL for v, f in zip(values, forced, strict=True)]
    if sum(mask) == 1:
        others = [(v, i) for i, v in enumerate(values) if not mask[i] and v > 0]
        if others:
            mask[min(others)[1]] = True
    return mask


def hide(value: Any, hidden: bool) -> Any:
    return SUPPRESSED if hidden else value


def hide_few(count: int) -> bool:
    """A total count of people that must not be shown (1-4)."""
    return 0 < count < MIN_CELL


# --- the one breakdown builder -------------------------------------------------------------

ColumnSpec = tuple[str, Any, str]  # key, label (lazy or not), kind


def columns(specs: Iterable[ColumnSpec | Column]) -> list[Column]:
    return [c if isinstance(c, Column) else Column(c[0], str(c[1]), c[2]) for c in specs]


def group_sums(
    items: Iterable[T],
    group_of: Callable[[T], tuple[Any, str]],
    amounts: Callable[[T], Sequence[int]],
) -> dict[Any, list[Any]]:
    """{sort key: [label, sum of amounts[0], sum of amounts[1], ...]} over `items`."""
    groups: dict[Any, list[Any]] = {}
    for item in items:
        sort_key, label = group_of(item)
        values = amounts(item)
        g = groups.setdefault(sort_key, [label] + [0] * len(values))
        for i, v in enumerate(values, start=1):
            g[i] += v
    return groups


def group_sums_by_key(
    items: Iterable[T],
    raw_key: Callable[[T], Hashable],
    group_of_key: Callable[[Any], tuple[Any, str]],
    amounts: Callable[[T], Sequence[int]],
) -> dict[Any, list[Any]]:
    """As `group_sums`, in two steps: the amounts are summed per raw key (a field value, cheap
    to read), then each distinct raw key is labelled once by `group_of_key` (labels are
    translated, and costly per row)."""
    by_raw: dict[Hashable, list[int]] = {}
    for item in items:
        values = amounts(item)
        acc = by_raw.get(raw_key(item))
        if acc is None:
            by_raw[raw_key(item)] = list(values)
        else:
            for i, v in enumerate(values):
                acc[i] += v
    return group_sums(by_raw.items(), lambda kv: group_of_key(kv[0]), lambda kv: kv[1])


def sum_columns(rows: Sequence[Sequence[Any]], width: int) -> list[Any]:
    """Column sums of rows[*][1:width+1]."""
    return [sum(r[i] for r in rows) for i in range(1, width + 1)]


def breakdown_table(
    *,
    key: str,
    title: str,
    group: Column,
    values: Iterable[ColumnSpec | Column],
    rows: list[list[Any]],
    total: list[Any] | None = None,
    sum_total: bool = False,
    note: str = "",
    flagged: list[bool] | None = None,
    chart: ChartSpec | None = None,
    reasons: dict[tuple[int, int], str] | None = None,
    total_reasons: dict[int, str] | None = None,
) -> Table:
    """A breakdown: the group column, then the value columns, a row per group; the total row is
    `total` (after the label "Totalt"), or the column sums when `sum_total`."""
    cols = [group, *columns(values)]
    if sum_total:
        total = sum_columns(rows, len(cols) - 1)
    return Table(
        key=key,
        title=title,
        columns=cols,
        rows=rows,
        total=[_("Totalt"), *total] if total is not None else None,
        note=note,
        flagged=flagged or [],
        chart=chart,
        reasons=reasons or {},
        total_reasons=total_reasons or {},
    )


# --- JSON (the reports API) ----------------------------------------------------------------


def _json_value(v: Any) -> Any:
    if v is SUPPRESSED:
        return None
    if isinstance(v, date | datetime):
        return v.isoformat()
    return v


def reason_of(t: Table, i: int, j: int) -> str | None:
    """Why cell (i, j) of the rows is hidden ("primary" / "secondary"), None when shown."""
    if t.rows[i][j] is not SUPPRESSED:
        return None
    return t.reasons.get((i, j), UNSPECIFIED)


def total_reason_of(t: Table, j: int) -> str | None:
    if t.total is None or t.total[j] is not SUPPRESSED:
        return None
    return t.total_reasons.get(j, UNSPECIFIED)


def table_json(t: Table) -> dict[str, Any]:
    return {
        "key": t.key,
        "title": t.title,
        "columns": [{"key": c.key, "label": c.label, "kind": c.kind} for c in t.columns],
        "rows": [[_json_value(v) for v in r] for r in t.rows],
        "suppressed": [
            [i, j] for i, r in enumerate(t.rows) for j, v in enumerate(r) if v is SUPPRESSED
        ],
        "suppressed_reasons": [
            [reason_of(t, i, j) for j in range(len(r))] for i, r in enumerate(t.rows)
        ],
        "total": [_json_value(v) for v in t.total] if t.total is not None else None,
        "total_suppressed": (
            [total_reason_of(t, j) for j in range(len(t.total))] if t.total is not None else None
        ),
        "flagged": [i for i, f in enumerate(t.flagged) if f],
        "note": t.note,
    }
