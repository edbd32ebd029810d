"""Reports API: the same figures as the dashboard, the annual report and the fairness page.
Mounted at /api/v1/reports by lom.api.api. Suppressed cells (fewer than 5 people) are null
and listed in each table's `suppressed`."""

from django.http import Http404
from django.utils import timezone
from ninja import Router

from lom.common.errors import PermissionDeniedError
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


def _reader(request):
    actor = request.api_actor
    if not can_read_reports(actor):
        raise PermissionDeniedError("Your role may not read reports.")
    return actor


def _check_year(year: int) -> None:
    if not FIRST_YEAR <= year <= timezone.localdate().year:
        raise Http404


@router.get("/periods/{period_id}/figures", response={200: dict, 403: ErrorOut, 404: ErrorOut})
def period_report(request, period_id: int):
    actor = _reader(request)
    period = fund_period_get(organisation=actor.organisation, pk=period_id)
    if period is None:
        raise Http404
    fig = period_figures(organisation=actor.organisation, period=period, today=timezone.localdate())
    return period_figures_json(fig)


@router.get("/annual/{year}/figures", response={200: dict, 403: ErrorOut, 404: ErrorOut})
def annual_report(request, year: int):
    actor = _reader(request)
    _check_year(year)
    fig = annual_figures(organisation=actor.organisation, year=year, today=timezone.localdate())
    return annual_figures_json(fig)


@router.get("/fairness/{year}", response={200: dict, 403: ErrorOut, 404: ErrorOut})
def fairness_report(request, year: int):
    actor = _reader(request)
    _check_year(year)
    result = fairness_figures(organisation=actor.organisation, year=year)
    return {
        "year": year,
        "staff": result.staff,
        "recipients": None if 0 < result.recipients < 5 else result.recipients,
        "tables": [table_json(t) for t in result.tables],
    }
