"""Fairness: who got the money, compared with the workforce (age, gender, occupational group,
unit, length of employment)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lom.funds.models import LedgerEntry
from lom.organisations.models import Employee, Organisation
from lom.reports.figures.cases import (
    GROUP_KINDS,
    department_name,
    funded_cases,
    unit_names,
    year_bounds,
)
from lom.reports.figures.tables import (
    COUNT,
    DECIMAL,
    MONEY,
    PERCENT,
    ChartSpec,
    Column,
    Table,
    breakdown_table,
    group_sums,
    hide,
    hide_few,
    pct,
    suppression_mask,
)

FAR_POINTS = 10.0  # fairness: a share this many percentage points from the staff share ...
FAR_RATIO = 2.0  # ... or less than half / more than double of it (for groups of >= 5 % of staff)
FAR_MIN_STAFF_SHARE = 5.0

AGE_BANDS = [
    (0, 29, gettext_lazy("–29 år")),
    (30, 39, gettext_lazy("30–39 år")),
    (40, 49, gettext_lazy("40–49 år")),
    (50, 59, gettext_lazy("50–59 år")),
]
TENURE_BANDS = [
    (0, 1, gettext_lazy("Under 2 år")),
    (2, 4, gettext_lazy("2–4 år")),
    (5, 9, gettext_lazy("5–9 år")),
    (10, 19, gettext_lazy("10–19 år")),
]


def age_band(age: int) -> tuple[int, str]:
    for i, (lo, hi, label) in enumerate(AGE_BANDS):
        if lo <= age <= hi:
            return i, str(label)
    return len(AGE_BANDS), _("60 år och äldre")


def tenure_band(years: int) -> tuple[int, str]:
    for i, (lo, hi, label) in enumerate(TENURE_BANDS):
        if lo <= years <= hi:
            return i, str(label)
    return len(TENURE_BANDS), _("20 år eller mer")


def full_years(start: date, on: date) -> int:
    return on.year - start.year - ((on.month, on.day) < (start.month, start.day))


@dataclass(frozen=True)
class FairnessResult:
    tables: list[Table]
    staff: int
    recipients: int
    granted: int
    group_cases: int
    group_granted: int


FAIRNESS_COLUMNS = [
    ("staff", gettext_lazy("Anställda"), COUNT),
    ("staff_share", gettext_lazy("Andel av anställda"), PERCENT),
    ("recipients", gettext_lazy("Har fått medel"), COUNT),
    ("recipient_share", gettext_lazy("Andel av dem som fått medel"), PERCENT),
    ("granted", gettext_lazy("Beviljat, netto"), MONEY),
    ("funds_share", gettext_lazy("Andel av medlen"), PERCENT),
    ("difference", gettext_lazy("Skillnad, procentenheter"), DECIMAL),
]

StaffRow = tuple[int, int, str, str, str, date]
Dimension = tuple[str, str, str, Callable[[StaffRow], tuple[Any, str]]]


def is_far(staff_share: float | None, funds_share: float | None) -> bool:
    """The share of the funds lies far from the share of the staff."""
    if staff_share is None or funds_share is None:
        return False
    diff = round(funds_share - staff_share, 1)
    return abs(diff) >= FAR_POINTS or (
        staff_share >= FAR_MIN_STAFF_SHARE
        and (funds_share < staff_share / FAR_RATIO or funds_share > staff_share * FAR_RATIO)
    )


def _dimensions(organisation: Organisation, year: int, on: date) -> list[Dimension]:
    units = unit_names(organisation)
    genders = dict(Employee.Gender.choices)

    def by_unit(r: StaffRow) -> tuple[Any, str]:
        name = department_name(units, r[4])
        return (name, name)

    return [
        ("fairness_age", _("Ålder"), _("Åldersgrupp"), lambda r: age_band(year - r[1])),
        ("fairness_gender", _("Kön"), _("Kön"), lambda r: (r[2], str(genders.get(r[2], r[2])))),
        (
            "fairness_occupation",
            _("Yrkesgrupp"),
            _("Yrkesgrupp"),
            lambda r: (r[3] or "~", r[3] or _("Uppgift saknas")),
        ),
        ("fairness_unit", _("Enhet"), _("Enhet"), by_unit),
        (
            "fairness_tenure",
            _("Anställningstid"),
            _("Anställningstid"),
            lambda r: tenure_band(max(full_years(r[5], on), 0)),
        ),
    ]


def fairness(
    *, organisation: Organisation, year: int, entries: QuerySet[LedgerEntry]
) -> FairnessResult:
    """Recipients are the named applicants of individual measures with money granted (net) in
    the year's ledger entries; the workforce is the active staff employed by the year's end
    (and every recipient). Group measures have no named participants and are reported apart."""
    on = date(year, 12, 31)
    money, infos = funded_cases(entries)
    per_person: dict[int, int] = defaultdict(int)
    group_cases = group_granted = 0
    for cid, m in money.items():
        info = infos.get(cid)
        if info is None:
            continue
        if info.kind in GROUP_KINDS or info.applicant_id is None:
            if m.granted:
                group_cases += 1
                group_granted += m.granted
            continue
        per_person[info.applicant_id] += m.granted
    recipients = {e: a for e, a in per_person.items() if a > 0}
    staff_rows: list[StaffRow] = list(
        Employee.objects.filter(organisation=organisation)
        .filter(Q(active=True, employment_start__lte=on) | Q(pk__in=list(recipients)))
        .values_list(
            "id", "birth_year", "gender", "occupational_group", "unit__path", "employment_start"
        )
    )
    total_staff = len(staff_rows)
    total_recipients = len(recipients)
    total_granted = sum(recipients.values())
    tables = []
    for key, dim, group_label, group_of in _dimensions(organisation, year, on):
        groups = group_sums(
            staff_rows,
            group_of,
            lambda r: (1, int(r[0] in recipients), recipients.get(r[0], 0)),
        )
        ordered = [groups[k] for k in sorted(groups)]
        staff_mask = suppression_mask([g[1] for g in ordered])
        recipient_mask = suppression_mask([g[2] for g in ordered], staff_mask)
        rows, flagged = [], []
        for g, s_hidden, r_hidden in zip(ordered, staff_mask, recipient_mask, strict=True):
            staff_share = pct(g[1], total_staff)
            funds_share = pct(g[3], total_granted)
            diff = (
                round(funds_share - staff_share, 1)
                if staff_share is not None and funds_share is not None
                else None
            )
            rows.append(
                [
                    g[0],
                    hide(g[1], s_hidden),
                    hide(staff_share, s_hidden),
                    hide(g[2], r_hidden),
                    hide(pct(g[2], total_recipients), r_hidden),
                    hide(g[3], r_hidden),
                    hide(funds_share, r_hidden),
                    hide(diff, r_hidden or s_hidden),
                ]
            )
            flagged.append(is_far(staff_share, funds_share) and not (r_hidden or s_hidden))
        tables.append(
            breakdown_table(
                key=key,
                title=_("Vem har fått medel: %(dim)s") % {"dim": dim.lower()},
                group=Column("group", group_label),
                values=FAIRNESS_COLUMNS,
                rows=rows,
                flagged=flagged,
                total=[
                    hide(total_staff, hide_few(total_staff)),
                    100.0 if total_staff else None,
                    hide(total_recipients, hide_few(total_recipients)),
                    100.0 if total_recipients else None,
                    hide(total_granted, hide_few(total_recipients)),
                    100.0 if total_granted else None,
                    None,
                ],
                note=_(
                    "Markerade grupper: andelen av medlen ligger långt från andelen av de "
                    "anställda (minst 10 procentenheter, eller under hälften eller över det "
                    "dubbla). dolt = färre än 5 personer; antalet visas inte."
                ),
                chart=ChartSpec("bar", "group", ("staff_share", "funds_share")),
            )
        )
    return FairnessResult(
        tables, total_staff, total_recipients, total_granted, group_cases, group_granted
    )


def fairness_figures(*, organisation: Organisation, year: int) -> FairnessResult:
    since, until = year_bounds(year)
    entries = LedgerEntry.objects.filter(
        organisation=organisation, created_at__gte=since, created_at__lt=until
    )
    return fairness(organisation=organisation, year=year, entries=entries)
