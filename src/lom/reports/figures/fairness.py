"""Fairness: who got the money, compared with the workforce (age, gender, occupational group,
unit, length of employment)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lom.organisations.models import Employee, Organisation
from lom.reports.figures.cases import (
    GROUP_KINDS,
    ID_CHUNK,
    FundedCase,
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

# A dimension: table key, name, column label, the Employee field grouped on, and how a value
# of that field becomes a group (sort key, label).
Dimension = tuple[str, str, str, str, Callable[[Any], tuple[Any, str]]]


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

    def by_unit(path: str) -> tuple[Any, str]:
        name = department_name(units, path)
        return (name, name)

    tenure: dict[int, tuple[int, str]] = {}  # full years -> band: labelled once per value

    def by_tenure(start: date) -> tuple[int, str]:
        years = max(full_years(start, on), 0)
        if years not in tenure:
            tenure[years] = tenure_band(years)
        return tenure[years]

    return [
        ("fairness_age", _("Ålder"), _("Åldersgrupp"), "birth_year", lambda y: age_band(year - y)),
        ("fairness_gender", _("Kön"), _("Kön"), "gender", lambda g: (g, str(genders.get(g, g)))),
        (
            "fairness_occupation",
            _("Yrkesgrupp"),
            _("Yrkesgrupp"),
            "occupational_group",
            lambda o: (o or "~", o or _("Uppgift saknas")),
        ),
        ("fairness_unit", _("Enhet"), _("Enhet"), "unit__path", by_unit),
        (
            "fairness_tenure",
            _("Anställningstid"),
            _("Anställningstid"),
            "employment_start",
            by_tenure,
        ),
    ]


def _staff_groups(
    staff: QuerySet[Employee],
    recipients: dict[int, int],
    recipient_rows: list[dict[str, Any]],
    field: str,
    group_of: Callable[[Any], tuple[Any, str]],
) -> dict[Any, list[Any]]:
    """{sort key: [label, staff, recipients, granted]} for one dimension: the staff counted by
    the database per value of `field`, plus the recipients outside that staff; the recipients
    and their money from their own rows."""
    per_value: dict[Any, list[int]] = defaultdict(lambda: [0, 0, 0])
    for value, n in staff.values_list(field).annotate(n=Count("id")).order_by():
        per_value[value][0] += n
    for r in recipient_rows:
        acc = per_value[r[field]]
        acc[0] += 0 if r["in_staff"] else 1
        acc[1] += 1
        acc[2] += recipients[r["id"]]
    return group_sums(per_value.items(), lambda kv: group_of(kv[0]), lambda kv: kv[1])


def fairness(*, organisation: Organisation, year: int, cases: list[FundedCase]) -> FairnessResult:
    """Recipients are the named applicants of individual measures with money granted (net) in
    the scope of `cases` (`funded_cases` of the year's ledger entries); the workforce is the
    active staff employed by the year's end (and every recipient). Group measures have no
    named participants and are reported apart. The staff is counted per group by the
    database; only the recipients are read one by one."""
    on = date(year, 12, 31)
    per_person: dict[int, int] = defaultdict(int)
    group_cases = group_granted = 0
    for c in cases:
        if c.kind in GROUP_KINDS or c.applicant_id is None:
            if c.money.granted:
                group_cases += 1
                group_granted += c.money.granted
            continue
        per_person[c.applicant_id] += c.money.granted
    recipients = {e: a for e, a in per_person.items() if a > 0}
    staff = Employee.objects.filter(
        organisation=organisation, active=True, employment_start__lte=on
    )
    dims = _dimensions(organisation, year, on)
    fields = [d[3] for d in dims]
    recipient_rows: list[dict[str, Any]] = []
    ids = list(recipients)
    for i in range(0, len(ids), ID_CHUNK):
        recipient_rows += Employee.objects.filter(
            organisation=organisation, pk__in=ids[i : i + ID_CHUNK]
        ).values("id", "active", *fields)
    for r in recipient_rows:
        r["in_staff"] = r["active"] and r["employment_start"] <= on
    total_staff = staff.count() + sum(1 for r in recipient_rows if not r["in_staff"])
    total_recipients = len(recipients)
    total_granted = sum(recipients.values())
    tables = []
    for key, dim, group_label, field, group_of in dims:
        groups = _staff_groups(staff, recipients, recipient_rows, field, group_of)
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
    cases = funded_cases(organisation, created_at__gte=since, created_at__lt=until)
    return fairness(organisation=organisation, year=year, cases=cases)
