"""The basic condition for individual support at the end of employment, as a pure function.

No database: it takes month records and the thresholds of the year and returns the verdict
with its reasoning month by month, so the same answer can be shown to the employee (self-check),
to the coordinator (recorded check) and through the API.

The rule: the person must have been employed in at least `months_required` (12) of the last
`window_months` (24) calendar months, counted back from the month in which the employment ends
(the date of the check), that month included. A month counts when the average working time that
month was at least `min_hours_per_week` (16) hours a week OR the income that month was at least
the minimum monthly income. A month without data does not count.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _

from lom.common.money import format_ore

# Reason codes of a month line.
HOURS = "hours"  # counted: enough hours
INCOME = "income"  # counted: enough income (hours too low)
BOTH = "both"  # counted: both enough
BELOW = "below"  # not counted: neither threshold reached
MISSING = "missing"  # not counted: no data for the month
OUTSIDE = "outside"  # not counted: the month lies outside the window


@dataclass(frozen=True)
class MonthRecord:
    month: date  # any day of the month
    hours_per_week: Decimal | None
    income_ore: int | None


@dataclass(frozen=True)
class Thresholds:
    year: int
    months_required: int = 12
    window_months: int = 24
    min_hours_per_week: Decimal = Decimal(16)
    min_monthly_income_ore: int = 18_575_00
    confirmed: bool = True


@dataclass(frozen=True)
class MonthLine:
    month: date
    counted: bool
    reason: str
    hours_per_week: Decimal | None
    income_ore: int | None
    explanation: str


@dataclass(frozen=True)
class EligibilityResult:
    eligible: bool
    as_of: date
    window_start: date
    window_end: date
    counted_months: int
    months_required: int
    thresholds: Thresholds
    lines: list[MonthLine]  # every month of the window, oldest first
    outside: list[MonthLine] = field(default_factory=list)  # given months outside the window
    conclusion: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def missing_months(self) -> int:
        return max(self.months_required - self.counted_months, 0)

    def as_json(self) -> dict:
        return {
            "eligible": self.eligible,
            "as_of": self.as_of.isoformat(),
            "window_start": self.window_start.isoformat(),
            "window_end": self.window_end.isoformat(),
            "counted_months": self.counted_months,
            "months_required": self.months_required,
            "rule": {
                "year": self.thresholds.year,
                "months_required": self.thresholds.months_required,
                "window_months": self.thresholds.window_months,
                "min_hours_per_week": str(self.thresholds.min_hours_per_week),
                "min_monthly_income_ore": self.thresholds.min_monthly_income_ore,
                "confirmed": self.thresholds.confirmed,
            },
            "months": [_line_json(line) for line in self.lines],
            "outside_window": [_line_json(line) for line in self.outside],
            "conclusion": self.conclusion,
            "notes": self.notes,
        }


def _line_json(line: MonthLine) -> dict:
    return {
        "month": line.month.strftime("%Y-%m"),
        "counted": line.counted,
        "reason": line.reason,
        "hours_per_week": None if line.hours_per_week is None else str(line.hours_per_week),
        "income_ore": line.income_ore,
        "explanation": line.explanation,
    }


def first_of_month(d: date) -> date:
    return d.replace(day=1)


def add_months(d: date, n: int) -> date:
    """The first day of the month `n` months from `d`'s month (n may be negative)."""
    index = d.year * 12 + (d.month - 1) + n
    return date(index // 12, index % 12 + 1, 1)


def window_months(as_of: date, length: int) -> list[date]:
    """The `length` calendar months ending with the month of `as_of`, oldest first."""
    last = first_of_month(as_of)
    return [add_months(last, -i) for i in range(length - 1, -1, -1)]


def _hours_text(h: Decimal) -> str:
    return f"{h:.1f}".replace(".", ",")


def _judge(record: MonthRecord | None, t: Thresholds) -> tuple[bool, str, str]:
    if record is None or (record.hours_per_week is None and record.income_ore is None):
        return False, MISSING, _("Inga uppgifter om anställning den här månaden.")
    hours_ok = record.hours_per_week is not None and record.hours_per_week >= t.min_hours_per_week
    income_ok = record.income_ore is not None and record.income_ore >= t.min_monthly_income_ore
    values = {
        "h": _hours_text(record.hours_per_week) if record.hours_per_week is not None else "–",
        "min_h": _hours_text(t.min_hours_per_week),
        "i": format_ore(record.income_ore),
        "min_i": format_ore(t.min_monthly_income_ore),
    }
    if hours_ok and income_ok:
        return (
            True,
            BOTH,
            _("Räknas: %(h)s timmar i veckan (minst %(min_h)s) och %(i)s (minst %(min_i)s).")
            % values,
        )
    if hours_ok:
        return (
            True,
            HOURS,
            _("Räknas: %(h)s timmar i veckan i genomsnitt, minst %(min_h)s krävs.") % values,
        )
    if income_ok:
        return (
            True,
            INCOME,
            _(
                "Räknas: inkomsten %(i)s når lägsta månadsinkomst %(min_i)s "
                "(arbetstiden %(h)s timmar i veckan är under %(min_h)s)."
            )
            % values,
        )
    return (
        False,
        BELOW,
        _(
            "Räknas inte: %(h)s timmar i veckan är under %(min_h)s och inkomsten %(i)s "
            "är under %(min_i)s."
        )
        % values,
    )


def check_eligibility(
    *, records: list[MonthRecord], thresholds: Thresholds, as_of: date
) -> EligibilityResult:
    """The verdict and its reasoning. Two records for the same month are an error."""
    by_month: dict[date, MonthRecord] = {}
    for r in records:
        key = first_of_month(r.month)
        if key in by_month:
            raise ValueError(f"two records for {key:%Y-%m}")
        by_month[key] = r
    months = window_months(as_of, thresholds.window_months)
    in_window = set(months)
    lines = []
    for m in months:
        rec = by_month.get(m)
        ok, reason, text = _judge(rec, thresholds)
        lines.append(
            MonthLine(
                month=m,
                counted=ok,
                reason=reason,
                hours_per_week=rec.hours_per_week if rec else None,
                income_ore=rec.income_ore if rec else None,
                explanation=text,
            )
        )
    outside = [
        MonthLine(
            month=m,
            counted=False,
            reason=OUTSIDE,
            hours_per_week=r.hours_per_week,
            income_ore=r.income_ore,
            explanation=_("Räknas inte: månaden ligger utanför de %(n)s månader som prövas.")
            % {"n": thresholds.window_months},
        )
        for m, r in sorted(by_month.items())
        if m not in in_window
    ]
    counted = sum(1 for line in lines if line.counted)
    eligible = counted >= thresholds.months_required
    values = {
        "c": counted,
        "n": thresholds.window_months,
        "req": thresholds.months_required,
        "miss": thresholds.months_required - counted,
    }
    if eligible:
        conclusion = (
            _(
                "Grundvillkoret är uppfyllt: %(c)s av de senaste %(n)s månaderna räknas, "
                "och minst %(req)s krävs."
            )
            % values
        )
    else:
        conclusion = (
            _(
                "Grundvillkoret är inte uppfyllt: %(c)s av de senaste %(n)s månaderna räknas, "
                "men minst %(req)s krävs. Det saknas %(miss)s månader."
            )
            % values
        )
    notes = []
    if not thresholds.confirmed:
        notes.append(
            _(
                "Gränsvärdena för %(y)s är inte bekräftade mot avtalet och kan ändras. "
                "Resultatet är preliminärt."
            )
            % {"y": thresholds.year}
        )
    return EligibilityResult(
        eligible=eligible,
        as_of=as_of,
        window_start=months[0],
        window_end=months[-1],
        counted_months=counted,
        months_required=thresholds.months_required,
        thresholds=thresholds,
        lines=lines,
        outside=outside,
        conclusion=conclusion,
        notes=notes,
    )
