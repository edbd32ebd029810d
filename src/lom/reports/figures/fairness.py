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

from lom.followup.models import SurveyInvitation
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
from lom.reports.figures.suppression import PRIMARY, SECONDARY, suppress_family
from lom.reports.figures.tables import (
    COUNT,
    DECIMAL,
    MONEY,
    PERCENT,
    SUPPRESSED,
    ChartSpec,
    Column,
    Table,
    breakdown_table,
    group_sums,
    hide,
    hide_few,
    pct,
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
    # Group measures and projects without a list of participants: reported apart.
    group_cases: int
    group_granted: int
    # whether the margins may be shown (not when a hidden group could be worked out of them)
    staff_shown: bool = True
    recipients_shown: bool = True
    # Group measures and projects whose listed participants are counted as recipients.
    group_counted: int = 0

    @property
    def staff_display(self) -> Any:
        return self.staff if self.staff_shown else SUPPRESSED

    @property
    def recipients_display(self) -> Any:
        return self.recipients if self.recipients_shown else SUPPRESSED


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
    """Recipients are the named applicants of individual measures, and the listed participants
    of group measures and projects (the coordinator's list from the staff register, each with an
    equal share of the measure's money), with money granted (net) in the scope of `cases`
    (`funded_cases` of the year's ledger entries); the workforce is the active staff employed by
    the year's end (and every recipient). Group measures without a list of participants are
    reported apart. The staff is counted per group by the database; only the recipients are
    read one by one."""
    on = date(year, 12, 31)
    per_person: dict[int, int] = defaultdict(int)
    group_cases = group_granted = group_counted = 0
    groups = [
        c for c in cases if (c.kind in GROUP_KINDS or c.applicant_id is None) and c.money.granted
    ]
    members = _participants(organisation, [c.case_id for c in groups])
    for c in cases:
        if c.kind in GROUP_KINDS or c.applicant_id is None:
            people = members.get(c.case_id)
            if people and c.money.granted > 0:
                group_counted += 1
                share, rest = divmod(c.money.granted, len(people))
                for n, person in enumerate(sorted(people)):
                    per_person[person] += share + (1 if n < rest else 0)
            elif c.money.granted:
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
    built = [
        (key, dim, group_label, _staff_groups(staff, recipients, recipient_rows, field, group_of))
        for key, dim, group_label, field, group_of in dims
    ]
    ordered = [[groups[k] for k in sorted(groups)] for *_rest, groups in built]
    # The staff of the five breakdowns partition one workforce, the recipients one set of
    # people: each column is a family of lines with one margin (see `suppression`).
    staff_sup = suppress_family([[g[1] for g in rows] for rows in ordered])
    # The recipients (and their money) of a group of fewer than five staff are not shown
    # either: "none of these three got anything" is about three people.
    recipient_sup = suppress_family(
        [[g[2] for g in rows] for rows in ordered],
        forced=[[r == PRIMARY for r in staff_sup.reasons[n]] for n in range(len(ordered))],
    )
    tables = [
        _fairness_table(
            key=key,
            dim=dim,
            group_label=group_label,
            groups=ordered[n],
            staff_reasons=staff_sup.reasons[n],
            recipient_reasons=recipient_sup.reasons[n],
            totals=(total_staff, total_recipients, total_granted),
            margins=(staff_sup.margin_shown, recipient_sup.margin_shown),
        )
        for n, (key, dim, group_label, _groups) in enumerate(built)
    ]
    return FairnessResult(
        tables,
        total_staff,
        total_recipients,
        total_granted,
        group_cases,
        group_granted,
        staff_shown=staff_sup.margin_shown and not hide_few(total_staff),
        recipients_shown=recipient_sup.margin_shown and not hide_few(total_recipients),
        group_counted=group_counted,
    )


def _participants(organisation: Organisation, case_ids: list[int]) -> dict[int, set[int]]:
    """case id -> the employees listed as its participants (their survey invitations)."""
    members: dict[int, set[int]] = defaultdict(set)
    for i in range(0, len(case_ids), ID_CHUNK):
        for case_id, employee_id in SurveyInvitation.objects.filter(
            organisation=organisation, case_id__in=case_ids[i : i + ID_CHUNK]
        ).values_list("case_id", "employee_id"):
            members[case_id].add(employee_id)
    return members


def _share(part: int, whole: int, shown_sum: int, margin_shown: bool) -> float | None:
    """A share of the margin; of the shown groups' sum when the margin is withheld (a share of
    the margin would give it back: 128 / 49.2 %)."""
    return pct(part, whole if margin_shown else shown_sum)


def _fairness_table(
    *,
    key: str,
    dim: str,
    group_label: str,
    groups: list[list[Any]],
    staff_reasons: list[str | None],
    recipient_reasons: list[str | None],
    totals: tuple[int, int, int],
    margins: tuple[bool, bool],
) -> Table:
    total_staff, total_recipients, total_granted = totals
    staff_margin, recipient_margin = margins
    shown_staff = sum(g[1] for g, r in zip(groups, staff_reasons, strict=True) if r is None)
    shown = [r is None for r in recipient_reasons]
    shown_recipients = sum(g[2] for g, ok in zip(groups, shown, strict=True) if ok)
    shown_granted = sum(g[3] for g, ok in zip(groups, shown, strict=True) if ok)
    rows, flagged = [], []
    reasons: dict[tuple[int, int], str] = {}
    for i, (g, s_why, r_why) in enumerate(
        zip(groups, staff_reasons, recipient_reasons, strict=True)
    ):
        staff_share = _share(g[1], total_staff, shown_staff, staff_margin)
        funds_share = _share(g[3], total_granted, shown_granted, recipient_margin)
        diff = (
            round(funds_share - staff_share, 1)
            if staff_share is not None and funds_share is not None
            else None
        )
        s_hidden, r_hidden = s_why is not None, r_why is not None
        rows.append(
            [
                g[0],
                hide(g[1], s_hidden),
                hide(staff_share, s_hidden),
                hide(g[2], r_hidden),
                hide(_share(g[2], total_recipients, shown_recipients, recipient_margin), r_hidden),
                hide(g[3], r_hidden),
                hide(funds_share, r_hidden),
                hide(diff, r_hidden or s_hidden),
            ]
        )
        for j in (1, 2):
            if s_why:
                reasons[(i, j)] = s_why
        for j in (3, 4, 5, 6):
            if r_why:
                reasons[(i, j)] = r_why
        if s_hidden or r_hidden:
            reasons[(i, 7)] = PRIMARY if PRIMARY in (s_why, r_why) else SECONDARY
        flagged.append(is_far(staff_share, funds_share) and not (r_hidden or s_hidden))
    staff_total_hidden = not staff_margin or hide_few(total_staff)
    recipients_total_hidden = not recipient_margin or hide_few(total_recipients)
    total_reasons: dict[int, str] = {}
    for j, hidden, small in (
        (1, staff_total_hidden, hide_few(total_staff)),
        (3, recipients_total_hidden, hide_few(total_recipients)),
        (5, recipients_total_hidden, hide_few(total_recipients)),
    ):
        if hidden:
            total_reasons[j] = PRIMARY if small else SECONDARY
    note = _(
        "Markerade grupper: andelen av medlen ligger långt från andelen av de anställda (minst "
        "10 procentenheter, eller under hälften eller över det dubbla)."
    )
    if not (staff_margin and recipient_margin):
        note += " " + _(
            "Totalen visas inte, eftersom en dold grupp annars kunde räknas fram ur den; "
            "andelarna gäller de grupper som visas."
        )
    return breakdown_table(
        key=key,
        title=_("Vem har fått medel: %(dim)s") % {"dim": dim.lower()},
        group=Column("group", group_label),
        values=FAIRNESS_COLUMNS,
        rows=rows,
        flagged=flagged,
        total=[
            hide(total_staff, staff_total_hidden),
            100.0 if total_staff and not staff_total_hidden else None,
            hide(total_recipients, recipients_total_hidden),
            100.0 if total_recipients and not recipients_total_hidden else None,
            hide(total_granted, recipients_total_hidden),
            100.0 if total_granted and not recipients_total_hidden else None,
            None,
        ],
        note=note,
        chart=ChartSpec("bar", "group", ("staff_share", "funds_share")),
        reasons=reasons,
        total_reasons=total_reasons,
    )


def fairness_figures(*, organisation: Organisation, year: int) -> FairnessResult:
    since, until = year_bounds(year)
    cases = funded_cases(organisation, created_at__gte=since, created_at__lt=until)
    return fairness(organisation=organisation, year=year, cases=cases)
