"""Figures: the dashboard, a period's figures, the annual figures, fairness, the surveys and
the decisions report. Suppressed cells (fewer than 5 people) are null and listed in each
table's `suppressed`."""

from typing import Any

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router

from lom.common.errors import DomainError, PermissionDeniedError
from lom.common.pagination import keyset_page
from lom.common.replica import reading_from_replica
from lom.common.schemas import DEFAULT_LIMIT, Cursor, ErrorOut, Id, Limit, Page
from lom.followup.selectors import MIN_ANSWERS
from lom.funds.models import FundPeriod
from lom.funds.selectors import fund_period_get
from lom.organisations.access import Actor
from lom.reports import exports, selectors
from lom.reports.api.schemas import (
    AnnualFiguresOut,
    DashboardOut,
    DecisionFilterIn,
    FairnessOut,
    PeriodFiguresOut,
    ReportDecisionOut,
    SurveysOut,
    Year,
)
from lom.reports.figures import (
    annual_figures,
    annual_figures_json,
    fairness_figures,
    period_figures,
    period_figures_json,
    table_json,
)
from lom.reports.models import FIRST_YEAR, ReportSection
from lom.reports.permissions import can_read_reports
from lom.reports.plan_actual import plan_actual_json

router = Router(tags=["reports"])


def reader(request) -> Actor:
    actor = request.api_actor
    if not can_read_reports(actor):
        raise PermissionDeniedError(_("Din roll får inte läsa rapporterna."))
    return actor


def check_year(year: int) -> None:
    this_year = timezone.localdate().year
    if not FIRST_YEAR <= year <= this_year:
        raise DomainError(
            f"year must be between {FIRST_YEAR} and {this_year}.", field="year", code="range"
        )


def _period(actor: Actor, period_id: int) -> FundPeriod:
    period = fund_period_get(organisation=actor.organisation, pk=period_id)
    if period is None:
        raise Http404
    return period


def _dashboard(actor: Actor, period_id: int | None) -> dict[str, Any]:
    with reading_from_replica():
        board = selectors.dashboard(
            organisation=actor.organisation, period_id=period_id, today=timezone.localdate()
        )
    if board is None:
        raise Http404
    return {
        "periods": [
            {"id": p.pk, "name": p.name, "start": p.start.isoformat(), "end": p.end.isoformat()}
            for p in board.periods
        ],
        "figures": period_figures_json(board.figures) if board.figures else None,
        "plan_actual": plan_actual_json(board.plan_actual) if board.plan_actual else None,
    }


@router.get(
    "/dashboard",
    response={200: DashboardOut, 403: ErrorOut},
    summary="The dashboard: the current period's figures and the current plan's outcome",
)
def dashboard(request):
    return _dashboard(reader(request), None)


@router.get(
    "/dashboard/{period_id}",
    response={200: DashboardOut, 403: ErrorOut, 404: ErrorOut},
    summary="The dashboard for one fund period",
)
def dashboard_period(request, period_id: Id):
    return _dashboard(reader(request), period_id)


@router.get(
    "/periods/{period_id}/figures",
    response={200: PeriodFiguresOut, 403: ErrorOut, 404: ErrorOut},
    summary="A fund period's figures",
)
def period_report(request, period_id: Id):
    actor = reader(request)
    period = _period(actor, period_id)
    with reading_from_replica():
        fig = period_figures(
            organisation=actor.organisation, period=period, today=timezone.localdate()
        )
    return period_figures_json(fig)


@router.get(
    "/annual/{year}/figures",
    response={200: AnnualFiguresOut, 400: ErrorOut, 403: ErrorOut},
    summary="A year's figures (the annual report's tables)",
)
def annual_report(request, year: Year):
    actor = reader(request)
    check_year(year)
    with reading_from_replica():
        fig = annual_figures(organisation=actor.organisation, year=year, today=timezone.localdate())
    comments = selectors.annual_comments(organisation=actor.organisation, year=year)
    return {
        **annual_figures_json(fig),
        "comments": [
            {"section": code, "text": comments[code]}
            for code in ReportSection.values
            if code in comments
        ],
    }


@router.get(
    "/fairness/{year}",
    response={200: FairnessOut, 400: ErrorOut, 403: ErrorOut},
    summary="How the year's funds were shared across groups of staff",
)
def fairness_report(request, year: Year):
    actor = reader(request)
    check_year(year)
    result = fairness_figures(organisation=actor.organisation, year=year)
    return {
        "year": year,
        "staff": result.staff if result.staff_shown else None,
        "recipients": result.recipients if result.recipients_shown else None,
        "tables": [table_json(t) for t in result.tables],
    }


@router.get(
    "/surveys",
    response={200: SurveysOut, 400: ErrorOut, 403: ErrorOut},
    summary="The year's survey results",
)
def surveys_report(request, year: Year):
    actor = reader(request)
    check_year(year)
    report = selectors.survey_report(actor=actor, year=year)
    return {
        "year": year,
        "tables": [table_json(t) for t in report.tables],
        "min_answers": MIN_ANSWERS,
        "free_texts": report.free_texts,
        "themes": (
            [{"code": t.code, "label": t.label, "texts": t.texts} for t in report.themes]
            if report.themes is not None
            else None
        ),
    }


def decision_filter(params: DecisionFilterIn) -> exports.DecisionFilter:
    return exports.DecisionFilter(year=params.year, outcome=params.outcome or "", q=params.q)


@router.get(
    "/decisions",
    response={200: Page[ReportDecisionOut], 403: ErrorOut},
    summary="The decisions of the cases the caller may see, newest first",
)
def decisions_report(
    request,
    params: Query[DecisionFilterIn],
    cursor: Cursor | None = None,
    limit: Limit = DEFAULT_LIMIT,
):
    actor = reader(request)
    qs = exports.decisions_visible(actor=actor, filters=decision_filter(params))
    rows, nxt = keyset_page(qs, cursor=cursor, limit=limit, order=("-decided_at", "-id"))
    items = [
        ReportDecisionOut(
            id=d.pk,
            case_id=d.case_id,
            case_number=d.case.number,
            case_title=d.case.title,
            decided_at=d.decided_at,
            outcome=d.outcome,
            amount_ore=d.amount_ore,
            decided_by=str(d.decided_by),
        )
        for d in rows
    ]
    return Page[ReportDecisionOut](items=items, next_cursor=nxt)
