"""Every figure of the reports is computed here, and only here.

The dashboard, the fairness page, the annual report (PDF and Excel workbook) and the reports
API all render the `Table`s this module returns, so the same question never gets two answers.
Money comes from the fund ledger through lom.funds.selectors (the `Balance` type and its
rules); the case data adds the dimensions (measure type, purpose, unit, individual or group).

Scopes:
- a fund period (the dashboard): the period's ledger entries and the cases it funded;
- a calendar year (the annual report): the ledger entries *booked* in that year, in every
  fund period, so a period spanning two years contributes to each year what happened in it.

Privacy: counts of *people* (staff, recipients, participants, survey answers) of 1 to 4 are
never shown (`SUPPRESSED`), and when exactly one cell of a breakdown is hidden, the next
smallest is hidden too so the hidden one cannot be worked out from the total. 0 is shown: it
identifies nobody, and "this group got nothing" is the point of the fairness view. Counts of
cases and sums of money are not suppressed: they are visible case by case to the same roles.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldError
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lom.agreements.models import MeasureType
from lom.cases.models import ApplicationKind, Case, Decision, Purpose
from lom.funds.models import EntryKind, FundPeriod, LedgerEntry
from lom.funds.selectors import (
    EMPTY_BALANCE,
    Balance,
    Forecast,
    fund_balance,
    fund_forecast,
    fund_movements_by_month,
)
from lom.organisations.models import Employee, Organisation, Unit

MIN_CELL = 5
FAR_POINTS = 10.0  # fairness: a share this many percentage points from the staff share ...
FAR_RATIO = 2.0  # ... or less than half / more than double of it (for groups of >= 5 % of staff)
FAR_MIN_STAFF_SHARE = 5.0

TEXT, COUNT, MONEY, PERCENT, DECIMAL, DATE = "text", "count", "money", "percent", "decimal", "date"
GROUP_KINDS = (ApplicationKind.GROUP, ApplicationKind.DEVELOPMENT_PROJECT)


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


def year_bounds(year: int) -> tuple[datetime, datetime]:
    """[1 January, 1 January next year) in Stockholm time, as aware datetimes."""
    tz = timezone.get_default_timezone()
    start = timezone.make_aware(datetime.combine(date(year, 1, 1), time.min), tz)
    end = timezone.make_aware(datetime.combine(date(year + 1, 1, 1), time.min), tz)
    return start, end


def month_start(d: date) -> date:
    return d.replace(day=1)


def next_month(d: date) -> date:
    return date(d.year + (d.month == 12), d.month % 12 + 1, 1)


def months_between(first: date, last: date) -> list[date]:
    out, m = [], month_start(first)
    while m <= last:
        out.append(m)
        m = next_month(m)
    return out


def department_path(unit_path: str) -> str:
    """'/3/17/42/' -> '/3/17/': the level under the top unit (the department)."""
    parts = [p for p in unit_path.split("/") if p]
    return "/" + "/".join(parts[:2]) + "/" if parts else unit_path


def _unit_names(organisation: Organisation) -> dict[str, str]:
    return dict(Unit.objects.filter(organisation=organisation).values_list("path", "name"))


def _purpose_label(value: str) -> str:
    return str(Purpose(value).label) if value in Purpose.values else _("Ej angivet")


def _kind_label(kind: str) -> str:
    return _("Gruppinsats") if kind in GROUP_KINDS else _("Enskild insats")


# --- money per case, from the ledger --------------------------------------------------------


@dataclass
class CaseMoney:
    commitments: int = 0
    releases: int = 0
    spent: int = 0

    @property
    def granted(self) -> int:
        """Granted net of releases: committed (outstanding) + spent, as in `Balance.used`."""
        return self.commitments - self.releases


@dataclass(frozen=True)
class CaseInfo:
    purpose: str
    kind: str
    unit_path: str
    participant_count: int
    applicant_id: int | None
    requested_ore: int
    approved_ore: int | None
    measure_type_id: int | None


def case_money(entries: QuerySet[LedgerEntry]) -> dict[int, CaseMoney]:
    rows = (
        entries.filter(case__isnull=False)
        .values("case_id")
        .annotate(
            c=Sum("amount_ore", filter=Q(kind=EntryKind.COMMITMENT)),
            r=Sum("amount_ore", filter=Q(kind=EntryKind.RELEASE)),
            e=Sum("amount_ore", filter=Q(kind=EntryKind.EXPENSE)),
        )
        .order_by()
    )
    return {r["case_id"]: CaseMoney(r["c"] or 0, r["r"] or 0, r["e"] or 0) for r in rows}


def primary_measure_types(case_ids: QuerySet) -> dict[int, int]:
    """case id -> its first measure type (lowest sort order). A case with several types is
    counted once, under the first, so breakdowns add up to the totals."""
    through = Case.measure_types.through
    rows = through.objects.filter(case_id__in=case_ids).values_list(
        "case_id", "measuretype_id", "measuretype__sort_order", "measuretype__name"
    )
    best: dict[int, tuple[tuple[int, str], int]] = {}
    for cid, mid, order, name in rows:
        if cid not in best or (order, name) < best[cid][0]:
            best[cid] = ((order, name), mid)
    return {cid: mid for cid, (_k, mid) in best.items()}


def case_infos(case_ids: QuerySet) -> dict[int, CaseInfo]:
    types = primary_measure_types(case_ids)
    rows = Case.objects.filter(pk__in=case_ids).values_list(
        "id",
        "purpose",
        "kind",
        "unit_path",
        "participant_count",
        "applicant_id",
        "requested_ore",
        "approved_ore",
    )
    return {
        r[0]: CaseInfo(r[1], r[2], r[3], r[4] or 0, r[5], r[6], r[7], types.get(r[0])) for r in rows
    }


def _measure_type_names() -> dict[int | None, str]:
    names: dict[int | None, str] = dict(MeasureType.objects.values_list("id", "name"))
    names[None] = _("Ingen insatstyp angiven")
    return names


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
    money: dict[int, CaseMoney],
    infos: dict[int, CaseInfo],
    group_of: Callable[[CaseInfo], tuple[Any, str]],
    *,
    by_value: bool = True,
) -> Table:
    """Cases (and their participants) count when money was granted or spent on them in the
    scope; a case whose whole grant was released counts for nothing."""
    groups: dict[Any, list] = {}
    for cid, m in money.items():
        info = infos.get(cid)
        if info is None or (m.granted == 0 and m.spent == 0):
            continue
        sort_key, label = group_of(info)
        g = groups.setdefault(sort_key, [label, 0, 0, 0, 0])
        g[1] += 1
        g[2] += info.participant_count
        g[3] += m.granted
        g[4] += m.spent
    total_granted = sum(g[3] for g in groups.values())
    if by_value:
        rows = sorted(groups.values(), key=lambda g: (-g[3], g[0]))
    else:
        rows = [groups[k] for k in sorted(groups)]
    columns = [Column("group", group_label)] + [
        Column(k, str(lbl), kind) for k, lbl, kind in USE_COLUMNS
    ]
    table = Table(
        key=key,
        title=title,
        columns=columns,
        rows=[[*g, pct(g[3], total_granted)] for g in rows],
        chart=ChartSpec("bar", "group", ("granted", "spent")),
    )
    table.total = [
        _("Totalt"),
        sum(g[1] for g in rows),
        sum(g[2] for g in rows),
        total_granted,
        sum(g[4] for g in rows),
        100.0 if total_granted else None,
    ]
    return table


def use_tables(*, organisation: Organisation, entries: QuerySet[LedgerEntry]) -> list[Table]:
    """Where the money went. 'Beviljat, netto' is commitments minus releases (what is still
    reserved plus what is spent); summed over a breakdown it equals `Balance.used` of the
    same ledger entries."""
    money = case_money(entries)
    infos = case_infos(entries.filter(case__isnull=False).values("case_id"))
    names = _measure_type_names()
    units = _unit_names(organisation)

    def by_type(i: CaseInfo):
        return (names.get(i.measure_type_id, ""), names.get(i.measure_type_id, ""))

    def by_purpose(i: CaseInfo):
        order = Purpose.values.index(i.purpose) if i.purpose in Purpose.values else 99
        return (order, _purpose_label(i.purpose))

    def by_unit(i: CaseInfo):
        dept = department_path(i.unit_path)
        return (units.get(dept, dept), units.get(dept, dept))

    def by_kind(i: CaseInfo):
        group = i.kind in GROUP_KINDS
        return (int(group), _kind_label(i.kind))

    return [
        _use_table(
            "use_by_measure_type",
            _("Användning per insatstyp"),
            _("Insatstyp"),
            money,
            infos,
            by_type,
        ),
        _use_table(
            "use_by_purpose",
            _("Användning per syfte"),
            _("Syfte"),
            money,
            infos,
            by_purpose,
            by_value=False,
        ),
        _use_table("use_by_unit", _("Användning per enhet"), _("Enhet"), money, infos, by_unit),
        _use_table(
            "use_by_kind",
            _("Enskilda insatser och gruppinsatser"),
            _("Typ av insats"),
            money,
            infos,
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
        columns=[Column(k, str(lbl), kind) for k, lbl, kind in TIMELINE_COLUMNS],
        rows=rows,
        note=_("Ställning vid varje månads slut, beräknad ur fondens huvudbok."),
        chart=ChartSpec("line", "month", ("available", "committed", "spent", "remaining")),
    )
    return table, running


# --- follow-up and surveys -------------------------------------------------------------------


def _followups(organisation: Organisation, scope: Q):
    FollowUp = apps.get_model("followup", "FollowUp")
    return FollowUp.objects.filter(organisation=organisation).filter(scope)


def outcome_tables(*, organisation: Organisation, followup_scope: Q) -> list[Table]:
    from lom.followup.models import FollowUp, NeedMet, Outcome, ParticipantOutcome

    followups = _followups(organisation, followup_scope)
    counts = defaultdict(int)
    for kind, outcome, n in (
        ParticipantOutcome.objects.filter(followup__in=followups.values("pk"))
        .values_list("followup__kind", "outcome")
        .annotate(n=Sum("count"))
        .order_by()
    ):
        counts[(kind, outcome)] += n or 0
    kinds = [FollowUp.Kind.END, FollowUp.Kind.LATER]
    masks = {k: suppression_mask([counts[(k, o)] for o in Outcome.values]) for k in kinds}
    rows = []
    for i, o in enumerate(Outcome.values):
        rows.append([str(Outcome(o).label)] + [hide(counts[(k, o)], masks[k][i]) for k in kinds])
    totals = [sum(counts[(k, o)] for o in Outcome.values) for k in kinds]
    outcome = Table(
        key="outcomes",
        title=_("Utfall för deltagarna"),
        columns=[
            Column("outcome", _("Utfall")),
            Column("end", _("Vid avslut"), COUNT),
            Column("later", _("Efter en tid"), COUNT),
        ],
        rows=rows,
        total=[_("Totalt")] + [hide(t, 0 < t < MIN_CELL) for t in totals],
        note=_("Antal deltagare. dolt = färre än 5 personer; antalet visas inte."),
        chart=ChartSpec("bar", "outcome", ("end", "later")),
    )

    need = defaultdict(int)
    for kind, value, n in (
        followups.values_list("kind", "need_met").annotate(n=Count("id")).order_by()
    ):
        need[(kind, value)] += n
    need_table = Table(
        key="need_met",
        title=_("Möttes verksamhetens behov?"),
        columns=[
            Column("answer", _("Svar")),
            Column("end", _("Vid avslut"), COUNT),
            Column("later", _("Efter en tid"), COUNT),
        ],
        rows=[[str(NeedMet(v).label)] + [need[(k, v)] for k in kinds] for v in NeedMet.values],
        total=[_("Totalt")] + [sum(need[(k, v)] for v in NeedMet.values) for k in kinds],
        note=_("Antal uppföljda ärenden."),
    )

    # Actual cost against the estimate, for the cases followed up at the end.
    end_cases = followups.filter(kind=FollowUp.Kind.END).values("case_id")
    spent = case_money(LedgerEntry.objects.filter(case_id__in=end_cases))
    infos = case_infos(end_cases)
    names = _measure_type_names()
    groups: dict[str, list[int]] = {}
    for cid, info in infos.items():
        g = groups.setdefault(names.get(info.measure_type_id, ""), [0, 0, 0, 0])
        g[0] += 1
        g[1] += info.requested_ore
        g[2] += info.approved_ore or 0
        g[3] += spent.get(cid, CaseMoney()).spent

    def cost_row(label: str, g: list[int]) -> list[Any]:
        return [label, g[0], g[1], g[2], g[3], g[3] - g[1], pct(g[3], g[1])]

    total = [sum(g[i] for g in groups.values()) for i in range(4)]
    cost = Table(
        key="cost_vs_estimate",
        title=_("Faktisk kostnad mot kalkyl"),
        columns=[
            Column("measure_type", _("Insatstyp")),
            Column("cases", _("Uppföljda ärenden"), COUNT),
            Column("requested", _("Sökt (kalkyl)"), MONEY),
            Column("approved", _("Beviljat"), MONEY),
            Column("spent", _("Faktisk kostnad"), MONEY),
            Column("difference", _("Skillnad mot kalkyl"), MONEY),
            Column("spent_percent", _("Faktisk kostnad i % av kalkyl"), PERCENT),
        ],
        rows=[cost_row(k, g) for k, g in sorted(groups.items())],
        total=cost_row(_("Totalt"), total),
        note=_("Faktisk kostnad = utgifterna i fondens huvudbok för ärendet."),
    )
    return [outcome, need_table, cost]


def survey_tables(*, organisation: Organisation, responses: QuerySet) -> list[Table]:
    from lom.followup.models import HeardFrom, Recommend

    rows = list(
        responses.filter(organisation=organisation).values_list(
            "purpose", "measure_type_id", "satisfaction", "usefulness", "heard_from", "recommend"
        )
    )
    names = _measure_type_names()

    def summary(items: list[tuple]) -> list[Any]:
        n = len(items)
        if not n:
            return [0, None, None, None]
        return [
            n,
            round(sum(r[2] for r in items) / n, 1),
            round(sum(r[3] for r in items) / n, 1),
            pct(sum(1 for r in items if r[5] == Recommend.YES), n),
        ]

    out_rows: list[list[Any]] = []
    everyone = summary(rows)
    hidden_all = 0 < everyone[0] < MIN_CELL
    out_rows.append([_("Alla svar"), *([SUPPRESSED] * 4 if hidden_all else everyone)])
    families = [
        (
            _("Syfte"),
            [(_purpose_label(p), [r for r in rows if r[0] == p]) for p in Purpose.values],
        ),
        (
            _("Insatstyp"),
            sorted(
                (
                    (names.get(mid, ""), [r for r in rows if r[1] == mid])
                    for mid in {r[1] for r in rows}
                ),
                key=lambda x: x[0],
            ),
        ),
    ]
    for family, groups in families:
        groups = [(label, items) for label, items in groups if items or family == _("Syfte")]
        mask = suppression_mask([len(items) for _l, items in groups], [hidden_all] * len(groups))
        for (label, items), hidden in zip(groups, mask, strict=True):
            values = summary(items)
            out_rows.append([f"{family}: {label}", *([SUPPRESSED] * 4 if hidden else values)])
    answers = Table(
        key="survey",
        title=_("Deltagarnas svar"),
        columns=[
            Column("group", _("Grupp")),
            Column("answers", _("Antal svar"), COUNT),
            Column("satisfaction", _("Nöjdhet (1–5)"), DECIMAL),
            Column("usefulness", _("Nytta inför förändringar (1–5)"), DECIMAL),
            Column("recommend", _("Skulle rekommendera (%)"), PERCENT),
        ],
        rows=out_rows,
        note=_("Medelvärden. Redovisas bara för grupper med minst 5 svar; dolt = färre än 5 svar."),
    )
    channel_counts = [sum(1 for r in rows if r[4] == v) for v in HeardFrom.values]
    mask = suppression_mask(channel_counts, [hidden_all] * len(channel_counts))
    heard = Table(
        key="survey_heard_from",
        title=_("Hur deltagarna fick veta om medlen"),
        columns=[
            Column("channel", _("Kanal")),
            Column("answers", _("Antal svar"), COUNT),
            Column("share", _("Andel"), PERCENT),
        ],
        rows=[
            [str(HeardFrom(v).label), hide(n, h), hide(pct(n, len(rows)), h)]
            for v, n, h in zip(HeardFrom.values, channel_counts, mask, strict=True)
        ],
        note=_("dolt = färre än 5 svar."),
        chart=ChartSpec("bar", "channel", ("answers",)),
    )
    return [answers, heard]


# --- fairness: who got the money, compared with the workforce --------------------------------


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
    ("group", gettext_lazy("Grupp"), TEXT),
    ("staff", gettext_lazy("Anställda"), COUNT),
    ("staff_share", gettext_lazy("Andel av anställda"), PERCENT),
    ("recipients", gettext_lazy("Har fått medel"), COUNT),
    ("recipient_share", gettext_lazy("Andel av dem som fått medel"), PERCENT),
    ("granted", gettext_lazy("Beviljat, netto"), MONEY),
    ("funds_share", gettext_lazy("Andel av medlen"), PERCENT),
    ("difference", gettext_lazy("Skillnad, procentenheter"), DECIMAL),
]


def fairness(
    *, organisation: Organisation, year: int, entries: QuerySet[LedgerEntry]
) -> FairnessResult:
    """Recipients are the named applicants of individual measures with money granted (net) in
    the year's ledger entries; the workforce is the active staff employed by the year's end
    (and every recipient). Group measures have no named participants and are reported apart."""
    on = date(year, 12, 31)
    money = case_money(entries)
    infos = case_infos(entries.filter(case__isnull=False).values("case_id"))
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
    staff_rows = list(
        Employee.objects.filter(organisation=organisation)
        .filter(Q(active=True, employment_start__lte=on) | Q(pk__in=list(recipients)))
        .values_list(
            "id", "birth_year", "gender", "occupational_group", "unit__path", "employment_start"
        )
    )
    units = _unit_names(organisation)
    genders = dict(Employee.Gender.choices)
    dims: list[tuple[str, str, str, Callable[[tuple], tuple[Any, str]]]] = [
        ("fairness_age", _("Ålder"), _("Åldersgrupp"), lambda r: age_band(year - r[1])),
        (
            "fairness_gender",
            _("Kön"),
            _("Kön"),
            lambda r: (r[2], str(genders.get(r[2], r[2]))),
        ),
        (
            "fairness_occupation",
            _("Yrkesgrupp"),
            _("Yrkesgrupp"),
            lambda r: (r[3] or "~", r[3] or _("Uppgift saknas")),
        ),
        (
            "fairness_unit",
            _("Enhet"),
            _("Enhet"),
            lambda r: (
                units.get(department_path(r[4]), ""),
                units.get(department_path(r[4]), ""),
            ),
        ),
        (
            "fairness_tenure",
            _("Anställningstid"),
            _("Anställningstid"),
            lambda r: tenure_band(max(full_years(r[5], on), 0)),
        ),
    ]
    total_staff = len(staff_rows)
    total_recipients = len(recipients)
    total_granted = sum(recipients.values())
    tables = []
    for key, title, group_label, group_of in dims:
        groups: dict[Any, list] = {}
        for r in staff_rows:
            sort_key, label = group_of(r)
            g = groups.setdefault(sort_key, [label, 0, 0, 0])
            g[1] += 1
            if r[0] in recipients:
                g[2] += 1
                g[3] += recipients[r[0]]
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
            far = diff is not None and (
                abs(diff) >= FAR_POINTS
                or (
                    staff_share >= FAR_MIN_STAFF_SHARE
                    and (
                        funds_share < staff_share / FAR_RATIO
                        or funds_share > staff_share * FAR_RATIO
                    )
                )
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
            flagged.append(bool(far and not (r_hidden or s_hidden)))
        tables.append(
            Table(
                key=key,
                title=_("Vem har fått medel: %(dim)s") % {"dim": title.lower()},
                columns=[Column("group", group_label)]
                + [Column(k, str(lbl), kind) for k, lbl, kind in FAIRNESS_COLUMNS[1:]],
                rows=rows,
                flagged=flagged,
                total=[
                    _("Totalt"),
                    hide(total_staff, 0 < total_staff < MIN_CELL),
                    100.0 if total_staff else None,
                    hide(total_recipients, 0 < total_recipients < MIN_CELL),
                    100.0 if total_recipients else None,
                    hide(total_granted, 0 < total_recipients < MIN_CELL),
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


# --- decisions and objections of a year ------------------------------------------------------


def decision_tables(*, organisation: Organisation, since: datetime, until: datetime) -> list[Table]:
    decisions = Decision.objects.filter(
        case__organisation=organisation, decided_at__gte=since, decided_at__lt=until
    )
    types = primary_measure_types(decisions.values("case_id"))
    names = _measure_type_names()
    units = _unit_names(organisation)
    rows = []
    by_month: dict[str, list[int]] = {}
    by_type: dict[str, list[int]] = {}
    for d in decisions.values(
        "decided_at",
        "case__number",
        "outcome",
        "amount_ore",
        "case_id",
        "case__unit_path",
        "decision_model",
    ).order_by("decided_at", "id"):
        day = timezone.localdate(d["decided_at"])
        dept = department_path(d["case__unit_path"])
        approved = d["outcome"] == Decision.Outcome.APPROVED
        rows.append(
            [
                day,
                d["case__number"],
                str(Decision.Outcome(d["outcome"]).label),
                d["amount_ore"] if approved else None,
                names.get(types.get(d["case_id"]), ""),
                units.get(dept, ""),
            ]
        )
        for m in (
            by_month.setdefault(f"{day:%Y-%m}", [0, 0, 0]),
            by_type.setdefault(names.get(types.get(d["case_id"]), ""), [0, 0, 0]),
        ):
            if approved:
                m[0] += 1
                m[1] += d["amount_ore"] or 0
            else:
                m[2] += 1
    listing = Table(
        key="decisions",
        title=_("Årets beslut"),
        columns=[
            Column("date", _("Datum"), DATE),
            Column("number", _("Diarienummer")),
            Column("outcome", _("Beslut")),
            Column("amount", _("Beviljat belopp"), MONEY),
            Column("measure_type", _("Insatstyp")),
            Column("unit", _("Enhet")),
        ],
        rows=rows,
    )
    monthly = Table(
        key="decisions_by_month",
        title=_("Beslut per månad"),
        columns=[
            Column("month", _("Månad")),
            Column("approved", _("Beviljade"), COUNT),
            Column("approved_amount", _("Beviljat belopp"), MONEY),
            Column("rejected", _("Avslagna"), COUNT),
        ],
        rows=[[m, *v] for m, v in sorted(by_month.items())],
        total=[
            _("Totalt"),
            sum(v[0] for v in by_month.values()),
            sum(v[1] for v in by_month.values()),
            sum(v[2] for v in by_month.values()),
        ],
        chart=ChartSpec("bar", "month", ("approved", "rejected")),
    )
    per_type = Table(
        key="decisions_by_measure_type",
        title=_("Beslut per insatstyp"),
        columns=[
            Column("measure_type", _("Insatstyp")),
            Column("approved", _("Beviljade"), COUNT),
            Column("approved_amount", _("Beviljat belopp"), MONEY),
            Column("rejected", _("Avslagna"), COUNT),
        ],
        rows=[[k, *v] for k, v in sorted(by_type.items())],
        total=list(monthly.total or []),
    )
    return [monthly, per_type, listing]


def objection_table(*, organisation: Organisation, since: datetime, until: datetime) -> Table:
    """The unions' objections of the year, read from lom.decisions when that app provides an
    Objection model; an empty table otherwise."""
    table = Table(
        key="objections",
        title=_("Fackliga invändningar"),
        columns=[
            Column("date", _("Datum"), DATE),
            Column("number", _("Diarienummer")),
            Column("union", _("Fackförbund")),
            Column("subject", _("Avser")),
            Column("status", _("Status")),
        ],
    )
    try:
        if not apps.is_installed("lom.decisions"):
            return table
        model = apps.get_model("decisions", "Objection")
    except LookupError:
        return table
    names = {f.name for f in model._meta.get_fields()}
    date_field = next((n for n in ("raised_at", "created_at") if n in names), None)
    if date_field is None or "organisation" not in names:
        return table
    related = [n for n in ("case", "union") if n in names]
    try:
        qs = (
            model.objects.filter(organisation=organisation)
            .filter(**{f"{date_field}__gte": since, f"{date_field}__lt": until})
            .select_related(*related)
            .order_by(date_field, "pk")
        )
        for o in qs:
            case = getattr(o, "case", None)
            union = getattr(o, "union", None)
            status = o.get_status_display() if hasattr(o, "get_status_display") else ""
            table.rows.append(
                [
                    timezone.localdate(getattr(o, date_field)),
                    case.number if case is not None else "",
                    str(union) if union is not None else "",
                    str(getattr(o, "subject", "")),
                    str(status),
                ]
            )
    except (FieldError, AttributeError, ValueError):
        return table
    return table


# --- the two bundles: a fund period (dashboard) and a year (annual report) --------------------


@dataclass
class PeriodFigures:
    organisation: Organisation
    period: FundPeriod
    today: date
    balance: Balance
    forecast: Forecast
    warning_percent: int
    timeline: Table
    use: list[Table]
    outcomes: list[Table]
    survey: list[Table]

    def tables(self) -> list[Table]:
        return [self.timeline, *self.use, *self.outcomes, *self.survey]


def period_figures(*, organisation: Organisation, period: FundPeriod, today: date) -> PeriodFigures:
    from lom.reports.selectors import unused_warning_percent

    if period.organisation_id != organisation.pk:
        raise ValueError("period of another organisation")
    balance = fund_balance(period=period)
    threshold = unused_warning_percent(organisation=organisation)
    movements = fund_movements_by_month(periods=[period])[period.pk]
    first = min([period.start, *movements]) if movements else period.start
    last = max([min(period.end, today), *movements]) if movements else min(period.end, today)
    timeline, _closing = timeline_table(
        movements=[movements],
        first=first,
        last=max(last, first),
        title=_("Fonden över tid: %(name)s") % {"name": period.name},
    )
    entries = LedgerEntry.objects.filter(period=period)
    responses = apps.get_model("followup", "SurveyResponse").objects.filter(period=period)
    return PeriodFigures(
        organisation=organisation,
        period=period,
        today=today,
        balance=balance,
        forecast=fund_forecast(
            period=period, balance=balance, today=today, warning_percent=threshold
        ),
        warning_percent=threshold,
        timeline=timeline,
        use=use_tables(organisation=organisation, entries=entries),
        outcomes=outcome_tables(organisation=organisation, followup_scope=Q(case__period=period)),
        survey=survey_tables(organisation=organisation, responses=responses),
    )


@dataclass
class AnnualFigures:
    organisation: Organisation
    year: int
    today: date
    key_figures: Table
    funds: Table
    forecasts: Table
    timeline: Table
    use: list[Table]
    decisions: list[Table]
    objections: Table
    outcomes: list[Table]
    survey: list[Table]
    fairness: FairnessResult

    def tables(self) -> list[Table]:
        return [
            self.key_figures,
            self.funds,
            self.forecasts,
            self.timeline,
            *self.use,
            *self.decisions,
            self.objections,
            *self.outcomes,
            *self.survey,
            *self.fairness.tables,
        ]


def periods_in_year(*, organisation: Organisation, year: int) -> list[FundPeriod]:
    """Periods that overlap the year, or had ledger movements booked in it."""
    since, until = year_bounds(year)
    booked = LedgerEntry.objects.filter(
        organisation=organisation, created_at__gte=since, created_at__lt=until
    ).values("period_id")
    return list(
        FundPeriod.objects.filter(organisation=organisation)
        .filter(Q(start__lte=date(year, 12, 31), end__gte=date(year, 1, 1)) | Q(pk__in=booked))
        .order_by("start", "pk")
    )


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


def annual_figures(
    *,
    organisation: Organisation,
    year: int,
    today: date,
    progress: Callable[[int, str], None] | None = None,
) -> AnnualFigures:
    from lom.followup.models import SurveyResponse
    from lom.reports.selectors import unused_warning_percent

    def step(percent: int, text: str) -> None:
        if progress is not None:
            progress(percent, text)

    since, until = year_bounds(year)
    first_month, last_month = date(year, 1, 1), date(year, 12, 1)
    if today.year == year:
        last_month = month_start(today)
    step(5, _("Fondens ställning"))
    periods = periods_in_year(organisation=organisation, year=year)
    movements = fund_movements_by_month(periods=periods)
    fund_rows, opening_total, year_total = [], EMPTY_BALANCE, EMPTY_BALANCE
    for p in periods:
        opening = year_moves = EMPTY_BALANCE
        for month, bal in movements[p.pk].items():
            if month < first_month:
                opening = opening + bal
            elif month.year == year:
                year_moves = year_moves + bal
        closing = opening + year_moves
        opening_total, year_total = opening_total + opening, year_total + year_moves
        fund_rows.append((p, opening, year_moves, closing))

    def fund_row(label: str, opening: Balance, moves: Balance, closing: Balance) -> list[Any]:
        return [
            label,
            opening.remaining,
            moves.allocated,
            moves.carried_over,
            moves.commitments - moves.releases,
            moves.spent,
            closing.committed,
            closing.remaining,
        ]

    funds = Table(
        key="funds",
        title=_("Fondperioderna under året"),
        columns=[Column(k, str(lbl), kind) for k, lbl, kind in FUNDS_COLUMNS],
        rows=[fund_row(p.name, o, m, c) for p, o, m, c in fund_rows],
        total=fund_row(_("Totalt"), opening_total, year_total, opening_total + year_total),
        note=_(
            "Ur fondens huvudbok: kvar = tilldelat + överfört − reserverat − förbrukat. "
            "Överföringar mellan perioder tar ut varandra i totalen."
        ),
    )
    threshold = unused_warning_percent(organisation=organisation)
    forecast_rows = []
    for p, _o, _m, _c in fund_rows:
        if p.start <= today <= p.end:
            f = fund_forecast(
                period=p, balance=fund_balance(period=p), today=today, warning_percent=threshold
            )
            forecast_rows.append(
                [
                    p.name,
                    f.elapsed_percent,
                    f.projected_unused,
                    f.unused_percent,
                    _("Ja") if f.warning else _("Nej"),
                ]
            )
    forecasts = Table(
        key="forecast",
        title=_("Prognos vid periodens slut"),
        columns=[
            Column("period", _("Fondperiod")),
            Column("elapsed", _("Andel av perioden som gått"), PERCENT),
            Column("projected_unused", _("Outnyttjat vid periodens slut i nuvarande takt"), MONEY),
            Column("unused_percent", _("Outnyttjad andel"), PERCENT),
            Column("warning", _("Över varningsgränsen")),
        ],
        rows=forecast_rows,
        note=_("Varningsgräns: %(p)d %% outnyttjat.") % {"p": threshold},
    )
    timeline, _closing = timeline_table(
        movements=movements.values(),
        first=first_month,
        last=max(last_month, first_month),
        title=_("Fonden över året"),
    )
    step(20, _("Användning"))
    entries = LedgerEntry.objects.filter(
        organisation=organisation, created_at__gte=since, created_at__lt=until
    )
    use = use_tables(organisation=organisation, entries=entries)
    step(35, _("Beslut och invändningar"))
    decisions = decision_tables(organisation=organisation, since=since, until=until)
    objections = objection_table(organisation=organisation, since=since, until=until)
    step(45, _("Uppföljning och enkäter"))
    outcomes = outcome_tables(
        organisation=organisation, followup_scope=Q(recorded_at__gte=since, recorded_at__lt=until)
    )
    survey = survey_tables(
        organisation=organisation, responses=SurveyResponse.objects.filter(year=year)
    )
    step(55, _("Jämlikhet"))
    fair = fairness(organisation=organisation, year=year, entries=entries)

    submitted = Case.objects.filter(
        organisation=organisation, submitted_at__gte=since, submitted_at__lt=until
    ).aggregate(n=Count("id"), s=Sum("requested_ore"))
    monthly_total = decisions[0].total or [None, 0, 0, 0]
    use_total = use[0].total or [None, 0, 0, 0, 0, None]
    followups_done = outcomes[1].total or [None, 0, 0]
    answers = survey[0].rows[0][1]
    key_figures = Table(
        key="key_figures",
        title=_("Nyckeltal %(year)d") % {"year": year},
        columns=[
            Column("figure", _("Nyckeltal")),
            Column("count", _("Antal"), COUNT),
            Column("amount", _("Belopp"), MONEY),
            Column("share", _("Andel"), PERCENT),
        ],
        rows=[
            [_("Inskickade ansökningar (sökt belopp)"), submitted["n"], submitted["s"] or 0, None],
            [_("Beviljade ansökningar"), monthly_total[1], monthly_total[2], None],
            [_("Avslagna ansökningar"), monthly_total[3], None, None],
            [
                _("Beviljat netto (reserverat minus frigjort)"),
                None,
                year_total.commitments - year_total.releases,
                None,
            ],
            [_("Förbrukat"), None, year_total.spent, None],
            [_("Deltagare i insatser som fått medel"), use_total[2], None, None],
            [
                _("Anställda som fått medel för en enskild insats"),
                hide(fair.recipients, 0 < fair.recipients < MIN_CELL),
                hide(fair.granted, 0 < fair.recipients < MIN_CELL),
                hide(pct(fair.recipients, fair.staff), 0 < fair.recipients < MIN_CELL),
            ],
            [
                _("Gruppinsatser utan namngivna deltagare"),
                fair.group_cases,
                fair.group_granted,
                None,
            ],
            [_("Uppföljningar vid avslut"), followups_done[1], None, None],
            [_("Uppföljningar efter en tid"), followups_done[2], None, None],
            [_("Enkätsvar"), answers, None, None],
            [_("Fackliga invändningar"), len(objections.rows), None, None],
        ],
    )
    step(60, _("Nyckeltal klara"))
    return AnnualFigures(
        organisation=organisation,
        year=year,
        today=today,
        key_figures=key_figures,
        funds=funds,
        forecasts=forecasts,
        timeline=timeline,
        use=use,
        decisions=decisions,
        objections=objections,
        outcomes=outcomes,
        survey=survey,
        fairness=fair,
    )


def fairness_figures(*, organisation: Organisation, year: int) -> FairnessResult:
    since, until = year_bounds(year)
    entries = LedgerEntry.objects.filter(
        organisation=organisation, created_at__gte=since, created_at__lt=until
    )
    return fairness(organisation=organisation, year=year, entries=entries)


# --- JSON (the reports API) ----------------------------------------------------------------


def _json_value(v: Any) -> Any:
    if v is SUPPRESSED:
        return None
    if isinstance(v, date | datetime):
        return v.isoformat()
    return v


def table_json(t: Table) -> dict[str, Any]:
    return {
        "key": t.key,
        "title": t.title,
        "columns": [{"key": c.key, "label": c.label, "kind": c.kind} for c in t.columns],
        "rows": [[_json_value(v) for v in r] for r in t.rows],
        "suppressed": [
            [i, j] for i, r in enumerate(t.rows) for j, v in enumerate(r) if v is SUPPRESSED
        ],
        "total": [_json_value(v) for v in t.total] if t.total is not None else None,
        "flagged": [i for i, f in enumerate(t.flagged) if f],
        "note": t.note,
    }


def balance_json(b: Balance) -> dict[str, int]:
    return {
        "allocated_ore": b.allocated,
        "carried_over_ore": b.carried_over,
        "committed_ore": b.committed,
        "spent_ore": b.spent,
        "remaining_ore": b.remaining,
    }


def period_figures_json(f: PeriodFigures) -> dict[str, Any]:
    return {
        "period": {
            "id": f.period.pk,
            "name": f.period.name,
            "start": f.period.start.isoformat(),
            "end": f.period.end.isoformat(),
        },
        "balance": balance_json(f.balance),
        "forecast": {
            "projected_unused_ore": f.forecast.projected_unused,
            "unused_percent": f.forecast.unused_percent,
            "warning": f.forecast.warning,
            "warning_percent": f.warning_percent,
            "runs_out_on": f.forecast.runs_out_on.isoformat() if f.forecast.runs_out_on else None,
        },
        "tables": [table_json(t) for t in f.tables()],
    }


def annual_figures_json(f: AnnualFigures) -> dict[str, Any]:
    return {"year": f.year, "tables": [table_json(t) for t in f.tables()]}
