"""Reports API: the same figures as the dashboard, the annual report and the fairness page.
Mounted at /api/v1/reports by lom.api.api. Suppressed cells (fewer than 5 people) are null
and listed in each table's `suppressed`."""

from typing import Any

from django.http import Http404
from django.utils import timezone
from ninja import Path, Router, Schema

from lom.common.bounds import DB_ID_MAX
from lom.common.errors import DomainError, PermissionDeniedError
from lom.common.schemas import ErrorOut
from lom.funds.selectors import fund_period_get
from lom.reports.figures import (
    annual_figures,
    annual_figures_json,
    fairness_figures,
    period_figures,
    period_figures_json,
    table_json,
)
from lom.reports.permissions import can_read_reports
from lom.reports.services import FIRST_YEAR

router = Router(tags=["reports"])

LAST_YEAR = 9999  # a path year above this is refused by the schema (422, naming `year`)


class ColumnOut(Schema):
    key: str
    label: str
    kind: str


class TableOut(Schema):
    key: str
    title: str
    columns: list[ColumnOut]
    rows: list[list[Any]]
    suppressed: list[list[int]]
    total: list[Any] | None
    flagged: list[int]
    note: str


class PeriodRefOut(Schema):
    id: int
    name: str
    start: str
    end: str


class BalanceFiguresOut(Schema):
    allocated_ore: int
    carried_over_ore: int
    committed_ore: int
    spent_ore: int
    remaining_ore: int


class ForecastFiguresOut(Schema):
    projected_unused_ore: int | None
    unused_percent: int | None
    warning: bool
    warning_percent: int
    runs_out_on: str | None


class PeriodFiguresOut(Schema):
    period: PeriodRefOut
    balance: BalanceFiguresOut
    forecast: ForecastFiguresOut
    tables: list[TableOut]


class AnnualFiguresOut(Schema):
    year: int
    tables: list[TableOut]


class FairnessOut(Schema):
    year: int
    staff: int
    recipients: int | None
    tables: list[TableOut]


def _reader(request):
    actor = request.api_actor
    if not can_read_reports(actor):
        raise PermissionDeniedError("Your role may not read reports.")
    return actor


def _check_year(year: int) -> None:
    this_year = timezone.localdate().year
    if not FIRST_YEAR <= year <= this_year:
        raise DomainError(
            f"year must be between {FIRST_YEAR} and {this_year}.", field="year", code="range"
        )


YearPath = Path(..., ge=1, le=LAST_YEAR)


@router.get(
    "/periods/{period_id}/figures",
    response={200: PeriodFiguresOut, 403: ErrorOut, 404: ErrorOut},
)
def period_report(request, period_id: int = Path(..., ge=1, le=DB_ID_MAX)):
    actor = _reader(request)
    period = fund_period_get(organisation=actor.organisation, pk=period_id)
    if period is None:
        raise Http404
    fig = period_figures(organisation=actor.organisation, period=period, today=timezone.localdate())
    return period_figures_json(fig)


@router.get(
    "/annual/{year}/figures", response={200: AnnualFiguresOut, 400: ErrorOut, 403: ErrorOut}
)
def annual_report(request, year: int = YearPath):
    actor = _reader(request)
    _check_year(year)
    fig = annual_figures(organisation=actor.organisation, year=year, today=timezone.localdate())
    return annual_figures_json(fig)


@router.get("/fairness/{year}", response={200: FairnessOut, 400: ErrorOut, 403: ErrorOut})
def fairness_report(request, year: int = YearPath):
    actor = _reader(request)
    _check_year(year)
    result = fairness_figures(organisation=actor.organisation, year=year)
    return {
        "year": year,
        "staff": result.staff,
        "recipients": None if 0 < result.recipients < 5 else result.recipients,
        "tables": [table_json(t) for t in result.tables],
    }
