"""Money is an integer number of öre. Formatting and parsing happen only at the edge."""

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from lom.common.bounds import MAX_AMOUNT_ORE

NBSP = "\u00a0"


class MoneyParseError(ValueError):
    pass


def format_ore(ore: int | None, *, with_unit: bool = True) -> str:
    """12_500_00 -> '12 500,00 kr' (Swedish grouping with non-breaking spaces)."""
    if ore is None:
        return "–"
    sign = "−" if ore < 0 else ""
    kronor, rest = divmod(abs(int(ore)), 100)
    grouped = f"{kronor:,}".replace(",", NBSP)
    text = f"{sign}{grouped},{rest:02d}"
    return f"{text}{NBSP}kr" if with_unit else text


def format_kronor_input(ore: int | None) -> str:
    """Value for an input field: '12500,00'."""
    if ore is None:
        return ""
    sign = "-" if ore < 0 else ""
    kronor, rest = divmod(abs(int(ore)), 100)
    return f"{sign}{kronor},{rest:02d}"


_ALLOWED = re.compile(r"^-?\d+([.,]\d{1,2})?$")


def parse_kronor(text: str) -> int:
    """'12 500,50', '12500.5', '12500 kr' -> öre. Raises MoneyParseError with a reason."""
    cleaned = (
        str(text)
        .strip()
        .lower()
        .removesuffix("kr")
        .replace(NBSP, "")
        .replace(" ", "")
        .replace("\u202f", "")
        .replace("−", "-")
    )
    if not cleaned:
        raise MoneyParseError("empty")
    if not _ALLOWED.match(cleaned):
        raise MoneyParseError("format")
    if len(cleaned.split(",")[0].split(".")[0].lstrip("-0")) > 15:
        raise MoneyParseError("too_large")  # more digits than any bound; Decimal would overflow
    try:
        value = Decimal(cleaned.replace(",", "."))
        ore = int((value * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    except InvalidOperation as exc:
        raise MoneyParseError("too_large") from exc
    if abs(ore) > MAX_AMOUNT_ORE:
        raise MoneyParseError("too_large")
    return ore


def percent_of(ore: int, rate_percent: Decimal) -> int:
    """Payroll × rate, rounded to whole öre (half up)."""
    return int((Decimal(ore) * rate_percent / Decimal(100)).quantize(Decimal(1), ROUND_HALF_UP))
