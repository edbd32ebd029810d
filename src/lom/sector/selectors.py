"""Reading the sector benchmark: what one organisation may see.

Publication rules (checked here, for the page and the API alike):
1. A figure (each metric, each breakdown cell) is published only when at least
   `MIN_ORGANISATIONS` organisations contribute a value to it under the chosen filter.
2. No other organisation's name or value, no minimum or maximum, no count of contributing
   organisations below `MIN_ORGANISATIONS`: only the lower quartile, the median and the upper
   quartile, rounded (whole percent, one decimal per 100 employees, 100 kr), and the count
   when it is at least 5.
3. Differencing: a filtered view (sector, size band, or both) is a subset S of a wider view T
   that is also published (all organisations; the sector alone; the size band alone). If
   T has 1-4 contributors more than S, comparing the two would tell about those 1-4
   organisations (with exactly one, often its value). Such a filtered figure is hidden. Two
   published sets of the same figure therefore differ by 0 or at least 5 organisations.
4. The organisation's own value is its own data; a reach share resting on 1-4 people is
   hidden on its own page too, as the reports hide such counts.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lom.organisations.models import Employee, Organisation
from lom.organisations.selectors import SIZE_BANDS
from lom.reports.figures import AGE_BANDS
from lom.sector import compute as c
from lom.sector.models import BenchmarkRun, BenchmarkValue

MIN_ORGANISATIONS = 5
MAX_AGE = timedelta(hours=6)

PERCENT, PER100, MONEY = "percent", "per100", "money"
BELOW, WITHIN, ABOVE = "below", "within", "above"

SECTOR_CHOICES = [
    ("", gettext_lazy("Alla sektorer")),
    (Organisation.Kind.AGENCY, gettext_lazy("Statliga myndigheter")),
    (Organisation.Kind.REGION, gettext_lazy("Regioner")),
    (Organisation.Kind.MUNICIPALITY, gettext_lazy("Kommuner")),
]
SIZE_CHOICES = [("", gettext_lazy("Alla storlekar"))] + [(b[2], b[2]) for b in SIZE_BANDS]

METRIC_INFO = {
    c.MONEY_USED: (gettext_lazy("Andel av årets medel som använts"), PERCENT),
    c.APPLICATIONS: (gettext_lazy("Ansökningar per 100 anställda"), PER100),
    c.PARTICIPANTS: (gettext_lazy("Deltagare per 100 anställda"), PER100),
    c.GROUP_SHARE: (gettext_lazy("Andel gruppinsatser av insatserna"), PERCENT),
    c.COST: (gettext_lazy("Kostnad per deltagare"), MONEY),
    c.REACH_GENDER: (gettext_lazy("Andel av personalen som nåtts, per kön"), PERCENT),
    c.REACH_AGE: (gettext_lazy("Andel av personalen som nåtts, per åldersgrupp"), PERCENT),
}


def _cells(metric: str) -> list[tuple[str, str]]:
    if metric == c.REACH_GENDER:
        return [(v, str(label)) for v, label in Employee.Gender.choices]
    if metric == c.REACH_AGE:
        labels = [str(b[2]) for b in AGE_BANDS] + [_("60 år och äldre")]
        return [(str(i), label) for i, label in enumerate(labels)]
    return [("", "")]


def quartiles(values: list[float]) -> tuple[float, float, float]:
    """Lower quartile, median, upper quartile with linear interpolation between the
    closest ranks (the 'inclusive' method: numpy's default, Excel's KVARTIL.INK)."""
    if len(values) == 1:
        return values[0], values[0], values[0]
    q1, q2, q3 = statistics.quantiles(sorted(values), n=4, method="inclusive")
    return q1, q2, q3


def publish_round(value: float, unit: str) -> float:
    """The precision figures are published with (coarse on purpose: see rule 2)."""
    if unit == MONEY:
        return float(round(value / 10_000) * 10_000)
    if unit == PER100:
        return round(value, 1)
    return float(round(value))


@dataclass(frozen=True)
class Distribution:
    count: int
    q1: float
    median: float
    q3: float


@dataclass
class Figure:
    metric: str
    cell: str
    label: str
    unit: str
    own: float | None = None
    own_note: str = ""
    distribution: Distribution | None = None
    hidden_reason: str = ""
    position: str | None = None

    @property
    def position_label(self) -> str:
        return {
            BELOW: _("under den undre kvartilen"),
            WITHIN: _("mellan kvartilerna"),
            ABOVE: _("över den övre kvartilen"),
        }.get(self.position or "", "")


@dataclass
class Section:
    metric: str
    title: str
    unit: str
    figures: list[Figure] = field(default_factory=list)


@dataclass
class Benchmark:
    organisation: Organisation
    year: int
    sector: str
    size: str
    run: BenchmarkRun | None
    sections: list[Section]
    filter_note: str = ""

    @property
    def ready(self) -> bool:
        return self.run is not None and self.run.computed_at is not None


def benchmark_years(*, today: date | None = None) -> list[int]:
    today = today or timezone.localdate()
    return list(range(today.year, today.year - 5, -1))


def _hidden_reason_small() -> str:
    return _("Dolt: färre än 5 organisationer bidrar till uppgiften.")


def _hidden_reason_difference() -> str:
    return _(
        "Dolt: urvalet skiljer sig från ett bredare urval med färre än 5 organisationer, "
        "så en jämförelse mellan dem skulle kunna avslöja enskilda organisationer."
    )


def benchmark_stale(*, year: int) -> bool:
    """The cache of `year` is missing or older than LOM_BENCHMARK_MAX_AGE (default 6 h)."""
    run = BenchmarkRun.objects.filter(year=year).first()
    max_age = getattr(settings, "LOM_BENCHMARK_MAX_AGE", MAX_AGE)
    return run is None or run.computed_at is None or run.computed_at < timezone.now() - max_age


def benchmark_for(
    *,
    organisation: Organisation,
    year: int,
    sector: str = "",
    size: str = "",
) -> Benchmark:
    """The organisation's own figures against the installation's distribution. Reads the
    cache only (a caller refreshes a stale one with `benchmark_request_refresh`)."""
    sector = sector if sector in dict(SECTOR_CHOICES) else ""
    size = size if size in dict(SIZE_CHOICES) else ""
    run = BenchmarkRun.objects.filter(year=year).first()
    sections = []
    rows: list[tuple[int, str, str, str, str, float, bool]] = []
    if run is not None and run.computed_at is not None:
        rows = list(
            BenchmarkValue.objects.filter(run=run).values_list(
                "organisation_id", "kind", "size_band", "metric", "cell", "value", "own_hidden"
            )
        )
    by_cell: dict[tuple[str, str], list[tuple[int, str, str, float, bool]]] = {}
    for org_id, kind, band, metric, cell, value, own_hidden in rows:
        by_cell.setdefault((metric, cell), []).append((org_id, kind, band, value, own_hidden))

    # The wider published views a filtered view must differ from by 0 or >= 5 (rule 3).
    wider: list[tuple[str, str]] = []
    if sector or size:
        wider.append(("", ""))
    if sector and size:
        wider += [(sector, ""), ("", size)]

    def members(items, s: str, b: str) -> list[tuple[int, str, str, float, bool]]:
        return [i for i in items if (not s or i[1] == s) and (not b or i[2] == b)]

    for metric in c.METRICS:
        title, unit = METRIC_INFO[metric]
        section = Section(metric=metric, title=str(title), unit=unit)
        for cell, cell_label in _cells(metric):
            items = by_cell.get((metric, cell), [])
            fig = Figure(metric=metric, cell=cell, label=cell_label or str(title), unit=unit)
            mine = next((i for i in items if i[0] == organisation.pk), None)
            if mine is None:
                fig.own_note = _("Uppgift saknas för er organisation.")
            elif mine[4]:
                fig.own_note = _("Dolt: bygger på färre än 5 personer.")
            else:
                fig.own = publish_round(mine[3], unit)
            chosen = members(items, sector, size)
            if len(chosen) < MIN_ORGANISATIONS:
                fig.hidden_reason = _hidden_reason_small()
            elif any(
                0 < len(members(items, s, b)) - len(chosen) < MIN_ORGANISATIONS for s, b in wider
            ):
                fig.hidden_reason = _hidden_reason_difference()
            else:
                q1, q2, q3 = quartiles([i[3] for i in chosen])
                fig.distribution = Distribution(
                    count=len(chosen),
                    q1=publish_round(q1, unit),
                    median=publish_round(q2, unit),
                    q3=publish_round(q3, unit),
                )
                if fig.own is not None:
                    d = fig.distribution
                    fig.position = BELOW if fig.own < d.q1 else ABOVE if fig.own > d.q3 else WITHIN
            section.figures.append(fig)
        sections.append(section)
    return Benchmark(
        organisation=organisation, year=year, sector=sector, size=size, run=run, sections=sections
    )
