from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone

from lom.common.parity import api_counterpart
from lom.common.web import actor_view
from lom.sector.permissions import can_read_benchmark
from lom.sector.presentation import bar, fmt
from lom.sector.selectors import (
    SECTOR_CHOICES,
    SIZE_CHOICES,
    benchmark_for,
    benchmark_stale,
    benchmark_years,
)
from lom.sector.services import benchmark_request_refresh


def _int(value: str, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


@api_counterpart("GET /benchmark/options", "GET /benchmark/{year}")
@actor_view()
def benchmark_view(request, actor):
    verdict = can_read_benchmark(actor)
    if not verdict:
        raise PermissionDenied(verdict.reason)
    years = benchmark_years()
    year = _int(request.GET.get("year", ""), years[0])
    if year not in years:
        year = years[0]
    if benchmark_stale(year=year):
        benchmark_request_refresh(year=year)  # in the background; the page shows the cache
    bm = benchmark_for(
        organisation=actor.organisation,
        year=year,
        sector=request.GET.get("sector", ""),
        size=request.GET.get("size", ""),
    )
    sections = [
        {
            "section": s,
            "rows": [
                {
                    "fig": f,
                    "own": fmt(f.own, f.unit),
                    "q1": fmt(f.distribution.q1, f.unit) if f.distribution else "",
                    "median": fmt(f.distribution.median, f.unit) if f.distribution else "",
                    "q3": fmt(f.distribution.q3, f.unit) if f.distribution else "",
                    "bar": bar(f),
                }
                for f in s.figures
            ],
        }
        for s in bm.sections
    ]
    return render(
        request,
        "sector/benchmark.html",
        {
            "bm": bm,
            "sections": sections,
            "years": years,
            "sector_choices": SECTOR_CHOICES,
            "size_choices": SIZE_CHOICES,
            "today": timezone.localdate(),
        },
    )
