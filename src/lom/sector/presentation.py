"""Formatting and the small SVG figure of the benchmark (shared by the page; the API gives
the raw published numbers)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from lom.common.money import format_ore
from lom.sector.selectors import MONEY, PER100, Figure


def fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "–"
    if unit == MONEY:
        return format_ore(int(value))
    if unit == PER100:
        return f"{value:.1f}".replace(".", ",")
    return f"{value:.0f} %"


@dataclass(frozen=True)
class Bar:
    """Coordinates (0-300) of one box: lower to upper quartile, median, own value."""

    q1: float
    median: float
    width: float
    own: float | None
    text: str


def bar(fig: Figure) -> Bar | None:
    d = fig.distribution
    if d is None:
        return None
    top = max([d.q3, fig.own or 0, 1.0]) * 1.15
    if fig.unit != MONEY and fig.unit != PER100:
        top = max(top, 100.0) if d.q3 > 60 else top

    def x(v: float) -> float:
        return round(10 + 280 * v / top, 1)

    text = _(
        "Undre kvartil %(q1)s, median %(median)s, övre kvartil %(q3)s; er organisation %(own)s."
    ) % {
        "q1": fmt(d.q1, fig.unit),
        "median": fmt(d.median, fig.unit),
        "q3": fmt(d.q3, fig.unit),
        "own": fmt(fig.own, fig.unit) if fig.own is not None else _("uppgift saknas"),
    }
    return Bar(
        q1=x(d.q1),
        median=x(d.median),
        width=max(x(d.q3) - x(d.q1), 1.0),
        own=x(fig.own) if fig.own is not None else None,
        text=text,
    )
