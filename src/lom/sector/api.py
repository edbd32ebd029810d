"""Sector benchmark API, mounted at /api/v1/benchmark by lom.api.api: the same published
figures as the page (rules in lom.sector.selectors). Hidden figures have no distribution
and say why."""

from typing import Literal

from ninja import Path, Router, Schema

from lom.common.errors import DomainError, PermissionDeniedError
from lom.common.schemas import ErrorOut
from lom.organisations.selectors import SIZE_BANDS
from lom.sector.permissions import can_read_benchmark
from lom.sector.selectors import (
    SECTOR_CHOICES,
    SIZE_CHOICES,
    benchmark_for,
    benchmark_stale,
    benchmark_years,
)
from lom.sector.services import benchmark_request_refresh

router = Router(tags=["benchmark"])

# Unknown values are refused by the schema (422, naming the parameter).
Sector = Literal["", "agency", "region", "municipality"]
Size = Literal[tuple(["", *(label for _lo, _hi, label in SIZE_BANDS)])]  # type: ignore[valid-type]


class DistributionOut(Schema):
    count: int
    q1: float
    median: float
    q3: float


class FigureOut(Schema):
    metric: str
    cell: str
    label: str
    unit: str
    own: float | None
    own_note: str
    distribution: DistributionOut | None
    hidden_reason: str
    position: str | None


class BenchmarkOut(Schema):
    year: int
    sector: str
    size: str
    ready: bool
    computed_at: str | None
    figures: list[FigureOut]


class OptionsOut(Schema):
    years: list[int]
    sectors: list[str]
    sizes: list[str]


def _reader(request):
    actor = request.api_actor
    verdict = can_read_benchmark(actor)
    if not verdict:
        raise PermissionDeniedError(verdict.reason)
    return actor


@router.get(
    "/options",
    response={200: OptionsOut, 403: ErrorOut},
    summary="The years, sectors and sizes the benchmark offers",
)
def options(request):
    _reader(request)
    return {
        "years": benchmark_years(),
        "sectors": [v for v, _l in SECTOR_CHOICES if v],
        "sizes": [v for v, _l in SIZE_CHOICES if v],
    }


@router.get(
    "/{year}",
    response={200: BenchmarkOut, 400: ErrorOut, 403: ErrorOut},
    summary="The sector benchmark of a year",
)
def benchmark(
    request,
    year: int = Path(..., ge=1, le=9999),
    sector: Sector = "",
    size: Size = "",
):
    actor = _reader(request)
    if year not in benchmark_years():
        raise DomainError(
            "year must be one of /api/v1/benchmark/options years.", field="year", code="range"
        )
    if benchmark_stale(year=year):
        benchmark_request_refresh(year=year)  # in the background; the answer is the cache
    bm = benchmark_for(organisation=actor.organisation, year=year, sector=sector, size=size)
    return {
        "year": bm.year,
        "sector": bm.sector,
        "size": bm.size,
        "ready": bm.ready,
        "computed_at": bm.run.computed_at.isoformat()
        if bm.ready and bm.run and bm.run.computed_at
        else None,
        "figures": [
            {
                "metric": f.metric,
                "cell": f.cell,
                "label": f.label,
                "unit": f.unit,
                "own": f.own,
                "own_note": f.own_note,
                "distribution": f.distribution.__dict__ if f.distribution else None,
                "hidden_reason": f.hidden_reason,
                "position": f.position,
            }
            for s in bm.sections
            for f in s.figures
        ],
    }
