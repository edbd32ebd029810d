"""Plan against actual: the transition plan's areas of measures set against what applications
pointing to its needs have been granted and spent (from the ledger), its gaps, and the same
figures as an Excel file. A report: it reads planning, cases and funds, so it lives above them
(the plan page, the dashboard and the export all use `plan_vs_actual`). The Excel file is
written by the one writer (lom.common.files), so no title ever becomes a formula."""

from dataclasses import dataclass
from datetime import datetime, time
from typing import Any

from django.db.models import Count, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from lom.cases.models import Case, Status
from lom.common.files import XlsxBook, xlsx_response
from lom.common.replica import reading_from_replica
from lom.funds.models import EntryKind, LedgerEntry
from lom.funds.selectors import BALANCE_AGGREGATES, EMPTY_BALANCE, Balance
from lom.planning.models import Need, PlanArea, PlannedMeasure, TransitionPlan

NOT_COUNTED = (Status.DRAFT, Status.WITHDRAWN, Status.REJECTED)
XLSX_CASE_LIMIT = 10_000


@dataclass
class AreaActual:
    area: PlanArea | None  # None: applications that point to no need of the plan
    planned: int
    balance: Balance
    case_count: int

    @property
    def committed(self) -> int:
        return self.balance.committed

    @property
    def spent(self) -> int:
        return self.balance.spent

    @property
    def left(self) -> int:
        """Planned but not yet granted."""
        return self.planned - self.balance.committed - self.balance.spent

    @property
    def used_percent(self) -> int | None:
        if self.planned <= 0:
            return None
        return round(100 * (self.balance.committed + self.balance.spent) / self.planned)


@dataclass
class PlanActual:
    plan: TransitionPlan
    areas: list[AreaActual]
    unlinked: AreaActual
    needs_without_measures: list[Need]
    needs_without_cases: list[Need]
    measures_without_needs: list[PlannedMeasure]
    cases_without_need: list[Case]
    cases_without_need_more: bool
    flagged_count: int

    @property
    def total(self) -> AreaActual:
        bal = EMPTY_BALANCE
        for row in self.areas:
            bal = bal + row.balance
        return AreaActual(
            None, sum(r.planned for r in self.areas), bal, sum(r.case_count for r in self.areas)
        )


def _period_bounds(plan: TransitionPlan) -> tuple[datetime, datetime]:
    tz = timezone.get_default_timezone()
    start = timezone.make_aware(datetime.combine(plan.period_start, time.min), tz)
    end = timezone.make_aware(datetime.combine(plan.period_end, time.max), tz)
    return start, end


def plan_vs_actual(*, plan: TransitionPlan, case_limit: int = 100) -> PlanActual:
    """Per area of measures: planned budget, committed and spent (from the ledger, through
    Case.need → Need.area; an earlier version's need counts for the same need in this one),
    needs that nothing answers, measures that answer no need, and applications of the
    plan period that point to no need (those with an explanation are flagged). The one
    answer used by the page, the export and the dashboard. A fixed number of queries."""
    areas = list(plan.areas.all())
    needs = list(plan.needs.select_related("area").order_by("area__order", "priority", "id"))
    measures = list(
        plan.measures.select_related("area").prefetch_related("needs").order_by("area__order")
    )
    need_keys = {n.key: n for n in needs}
    org_id = plan.organisation_id

    money = (
        LedgerEntry.objects.filter(organisation_id=org_id, case__need__key__in=list(need_keys))
        .values("case__need__key")
        .annotate(**BALANCE_AGGREGATES)
    )
    counts = (
        Case.objects.filter(organisation_id=org_id, need__key__in=list(need_keys))
        .exclude(status__in=NOT_COUNTED)
        .values("need__key")
        .annotate(n=Count("id"))
    )
    by_area_bal: dict[int, Balance] = {a.pk: EMPTY_BALANCE for a in areas}
    by_area_cases: dict[int, int] = {a.pk: 0 for a in areas}
    for money_row in money:
        amounts: dict[str, Any] = dict(money_row)
        need = need_keys[amounts.pop("case__need__key")]
        by_area_bal[need.area_id] = by_area_bal[need.area_id] + Balance(
            **{k: int(v) for k, v in amounts.items()}
        )
    cases_per_need: dict = {}
    for count_row in counts:
        count: dict[str, Any] = dict(count_row)
        need = need_keys[count["need__key"]]
        cases_per_need[need.key] = count["n"]
        by_area_cases[need.area_id] += count["n"]

    planned: dict[int, int] = {a.pk: 0 for a in areas}
    answered: set[int] = set()
    measures_without_needs = []
    for m in measures:
        planned[m.area_id] += m.budget_ore
        linked = list(m.needs.all())
        if not linked:
            measures_without_needs.append(m)
        answered |= {n.pk for n in linked}

    start, end = _period_bounds(plan)
    unlinked_cases = Case.objects.filter(
        organisation_id=org_id, need__isnull=True, submitted_at__range=(start, end)
    ).exclude(status__in=NOT_COUNTED)
    unlinked_row = LedgerEntry.objects.filter(
        organisation_id=org_id,
        case__need__isnull=True,
        case__submitted_at__range=(start, end),
    ).aggregate(**BALANCE_AGGREGATES)
    unlinked_agg = unlinked_cases.aggregate(
        n=Count("id"), flagged=Count("id", filter=~Q(need_explanation=""))
    )
    rows = list(
        unlinked_cases.select_related("unit")
        .defer("description", "private_reason", "business_need")
        .order_by("-submitted_at", "-id")[: case_limit + 1]
    )
    return PlanActual(
        plan=plan,
        areas=[AreaActual(a, planned[a.pk], by_area_bal[a.pk], by_area_cases[a.pk]) for a in areas],
        unlinked=AreaActual(
            None, 0, Balance(**{k: int(v) for k, v in unlinked_row.items()}), unlinked_agg["n"]
        ),
        needs_without_measures=[n for n in needs if n.pk not in answered],
        needs_without_cases=[n for n in needs if not cases_per_need.get(n.key)],
        measures_without_needs=measures_without_needs,
        cases_without_need=rows[:case_limit],
        cases_without_need_more=len(rows) > case_limit,
        flagged_count=unlinked_agg["flagged"],
    )


def _ledger_sum(kind: str, cases: Q) -> Coalesce:
    """The plan's organisation's ledger entries of one kind on the cases `cases` selects,
    summed, as a subquery of a PlanArea row."""
    rows = (
        LedgerEntry.objects.filter(organisation_id=OuterRef("plan__organisation_id"), kind=kind)
        .filter(cases)
        .values("organisation_id")
        .annotate(s=Sum("amount_ore"))
        .values("s")
    )
    return Coalesce(Subquery(rows), 0)


def _case_count(cases: Q) -> Coalesce:
    rows = (
        Case.objects.filter(organisation_id=OuterRef("plan__organisation_id"))
        .filter(cases)
        .exclude(status__in=NOT_COUNTED)
        .values("organisation_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    return Coalesce(Subquery(rows), 0)


def plan_summary(*, plan_id: int) -> PlanActual | None:
    """The area rows of `plan_vs_actual` (planned, granted, spent, applications per area, and
    the applications of the plan period that point to no need), in one query: each figure is
    a subquery of the plan's area rows, and the plan comes with them. The lists of gaps are
    left empty; the plan page and the export show them. None when the plan has no areas."""
    area_needs = Need.objects.filter(area=OuterRef(OuterRef("pk"))).values("key")
    linked = Q(case__need__key__in=area_needs)
    area_cases = Q(need__key__in=area_needs)
    in_period = {
        "submitted_at__date__gte": OuterRef("plan__period_start"),
        "submitted_at__date__lte": OuterRef("plan__period_end"),
    }
    unlinked = Q(case__need__isnull=True, **{f"case__{k}": v for k, v in in_period.items()})
    unlinked_cases = Q(need__isnull=True, **in_period)
    planned = (
        PlannedMeasure.objects.filter(area=OuterRef("pk"))
        .values("area")
        .annotate(s=Sum("budget_ore"))
        .values("s")
    )
    rows = list(
        PlanArea.objects.filter(plan_id=plan_id)
        .select_related("plan")
        .annotate(
            planned=Coalesce(Subquery(planned), 0),
            a_commitments=_ledger_sum(EntryKind.COMMITMENT, linked),
            a_releases=_ledger_sum(EntryKind.RELEASE, linked),
            a_spent=_ledger_sum(EntryKind.EXPENSE, linked),
            a_cases=_case_count(area_cases),
            u_commitments=_ledger_sum(EntryKind.COMMITMENT, unlinked),
            u_releases=_ledger_sum(EntryKind.RELEASE, unlinked),
            u_spent=_ledger_sum(EntryKind.EXPENSE, unlinked),
            u_cases=_case_count(unlinked_cases),
            u_flagged=_case_count(unlinked_cases & ~Q(need_explanation="")),
        )
        .order_by("order", "id")
    )
    if not rows:
        return None

    def balance(row: Any, prefix: str) -> Balance:
        return Balance(
            allocated=0,
            carried_over=0,
            commitments=int(getattr(row, f"{prefix}_commitments")),
            releases=int(getattr(row, f"{prefix}_releases")),
            spent=int(getattr(row, f"{prefix}_spent")),
        )

    first = rows[0]
    return PlanActual(
        plan=first.plan,
        areas=[AreaActual(r, int(r.planned), balance(r, "a"), int(r.a_cases)) for r in rows],
        unlinked=AreaActual(None, 0, balance(first, "u"), int(first.u_cases)),
        needs_without_measures=[],
        needs_without_cases=[],
        measures_without_needs=[],
        cases_without_need=[],
        cases_without_need_more=False,
        flagged_count=int(first.u_flagged),
    )


# --- As an Excel file -----------------------------------------------------------------------

KR_FORMAT = "#,##0.00"
# Area rows: name, planned, committed, spent, left (kronor), applications.
AREA_FORMATS = (None, KR_FORMAT, KR_FORMAT, KR_FORMAT, KR_FORMAT, None)


def _kr(ore: int) -> float:
    return round(ore / 100, 2)


def plan_actual_xlsx(actual: PlanActual) -> bytes:
    book = XlsxBook()
    ws = book.sheet(_("Plan mot utfall"))
    ws.column_dimensions["A"].width = 40
    plan = actual.plan
    book.row(ws, [f"{plan.title} (v{plan.version})", f"{plan.period_start} – {plan.period_end}"])
    book.row(ws, [])
    book.row(
        ws,
        [
            _("Insatsområde"),
            _("Planerat (kr)"),
            _("Reserverat (kr)"),
            _("Förbrukat (kr)"),
            _("Kvar av planen (kr)"),
            _("Ansökningar"),
        ],
        bold=True,
    )
    total = actual.total
    area_rows = [(r.area.name if r.area is not None else "", r) for r in actual.areas]
    for label, row in [*area_rows, (_("Summa"), total)]:
        book.row(
            ws,
            [
                label,
                _kr(row.planned),
                _kr(row.committed),
                _kr(row.spent),
                _kr(row.left),
                row.case_count,
            ],
            formats=AREA_FORMATS,
        )
    book.row(
        ws,
        [
            _("Ansökningar utan behov i planen"),
            None,
            _kr(actual.unlinked.committed),
            _kr(actual.unlinked.spent),
            None,
            actual.unlinked.case_count,
        ],
        formats=AREA_FORMATS,
    )

    gaps = book.sheet(_("Luckor"))
    book.row(gaps, [_("Behov utan planerad insats")])
    for n in actual.needs_without_measures:
        book.row(gaps, [n.area.name, n.title, n.get_priority_display()])
    book.row(gaps, [])
    book.row(gaps, [_("Behov som ingen ansökan svarar mot")])
    for n in actual.needs_without_cases:
        book.row(gaps, [n.area.name, n.title, n.get_priority_display()])
    book.row(gaps, [])
    book.row(gaps, [_("Planerade insatser utan behov")])
    for m in actual.measures_without_needs:
        book.row(gaps, [m.area.name, m.title, _kr(m.budget_ore)])
    book.row(gaps, [])
    book.row(gaps, [_("Ansökningar utan behov i planen")])
    for c in actual.cases_without_need:
        book.row(gaps, [c.number, c.title, c.get_status_display(), c.need_explanation])
    return book.to_bytes()


def plan_actual_xlsx_response(plan: TransitionPlan) -> HttpResponse:
    """The plan against its outcome as a workbook (every application, not the page's first)."""
    with reading_from_replica():
        data = plan_actual_xlsx(plan_vs_actual(plan=plan, case_limit=XLSX_CASE_LIMIT))
    return xlsx_response(f"plan-{plan.pk}-utfall.xlsx", data)


# --- As JSON (the API) -------------------------------------------------------------------------


def _area_json(row: AreaActual) -> dict[str, Any]:
    return {
        "area_id": row.area.pk if row.area else None,
        "area": row.area.name if row.area else None,
        "planned_ore": row.planned,
        "committed_ore": row.committed,
        "spent_ore": row.spent,
        "left_ore": row.left,
        "used_percent": row.used_percent,
        "case_count": row.case_count,
    }


def plan_actual_json(actual: PlanActual) -> dict[str, Any]:
    return {
        "plan_id": actual.plan.pk,
        "plan_title": actual.plan.title,
        "areas": [_area_json(a) for a in actual.areas],
        "unlinked": _area_json(actual.unlinked),
        "total": _area_json(actual.total),
        "needs_without_measures": [
            {"id": n.pk, "title": n.title} for n in actual.needs_without_measures
        ],
        "needs_without_cases": [{"id": n.pk, "title": n.title} for n in actual.needs_without_cases],
        "measures_without_needs": [
            {"id": m.pk, "title": m.title} for m in actual.measures_without_needs
        ],
        "cases_without_need": [
            {"id": c.pk, "number": c.number, "title": c.title} for c in actual.cases_without_need
        ],
        "cases_without_need_more": actual.cases_without_need_more,
        "flagged_count": actual.flagged_count,
    }
