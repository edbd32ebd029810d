"""How a figure is written in the HTML page and the PDF (the workbook keeps raw numbers)."""

from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from lom.common.money import NBSP, format_ore
from lom.reports.figures import COUNT, DATE, DECIMAL, MONEY, PERCENT, SUPPRESSED


def suppressed_text() -> str:
    return _("dolt")


def format_decimal(value: float) -> str:
    return f"{value:.1f}".replace(".", ",").replace("-", "−")


def format_cell(value: Any, kind: str) -> str:
    if value is SUPPRESSED:
        return suppressed_text()
    if value is None or value == "":
        return "–" if kind != "text" else ""
    if kind == MONEY:
        return format_ore(value)
    if kind == COUNT:
        return f"{int(value):,}".replace(",", NBSP)
    if kind == PERCENT:
        return f"{format_decimal(value)}{NBSP}%"
    if kind == DECIMAL:
        return format_decimal(value)
    if kind == DATE and isinstance(value, date):
        return f"{value:%Y-%m-%d}"
    return str(value)


def format_compact_kronor(ore: int) -> str:
    """Axis labels: 1,2 mnkr, 350 tkr, 800 kr."""
    kr = ore / 100
    if abs(kr) >= 1_000_000:
        return f"{format_decimal(kr / 1_000_000)}{NBSP}mnkr"
    if abs(kr) >= 10_000:
        return f"{round(kr / 1000):,}".replace(",", NBSP) + f"{NBSP}tkr"
    return f"{round(kr):,}".replace(",", NBSP) + f"{NBSP}kr"


def format_axis(value: float, kind: str) -> str:
    if kind == MONEY:
        return format_compact_kronor(int(value))
    if kind == PERCENT:
        return f"{round(value):d}{NBSP}%"
    return f"{round(value):d}"
