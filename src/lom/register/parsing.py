"""Reading one cell of an export file into a register value: dates, months, Swedish numbers
(decimal comma, thousands space), gender and employment form as HR systems write them.

Pure: each parser returns the value (None for an empty cell) or raises `CellError` with the
message the row error shows."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from django.utils.functional import Promise
from django.utils.translation import gettext as _


class CellError(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


Cell = str | int | float | Decimal | date | datetime | None

FORMULA_START = ("=", "+", "-", "@")
_SPACES = re.compile(r"[\s\u00a0\u202f]+")
_PLAIN = re.compile(r"-?\d+(?:[.,]\d+)?")
_QUANTUM = {0: Decimal(1), 1: Decimal("0.1"), 2: Decimal("0.01")}


def text(value: Cell, *, max_length: int) -> str:
    """A text cell, trimmed; refused when longer than the register keeps or when a spreadsheet
    would run it as a formula (a negative number is a number, not a formula)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    out = str(value).strip()
    if isinstance(value, str) and out.startswith(FORMULA_START) and not _is_number(out):
        raise CellError(
            _("Värdet börjar med %(c)s och kan köras som en formel i ett kalkylark.")
            % {"c": out[0]}
        )
    if len(out) > max_length:
        raise CellError(_("Högst %(n)d tecken (här %(m)d).") % {"n": max_length, "m": len(out)})
    return out


def _is_number(value: str) -> bool:
    try:
        number(value)
    except CellError:
        return False
    return True


def number(value: Cell) -> Decimal | None:
    """1 234,50 / 1234.5 / 1.234,50 / an Excel number."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | Decimal):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, date):
        raise CellError(_("Ange ett tal."))
    if _PLAIN.fullmatch(value):  # the common case, fast: 40 / 37,5 / -12.25
        return _plain(value)
    t = _SPACES.sub("", str(value)).removesuffix("kr").removesuffix("%")
    if not t:
        return None
    if "," in t and "." in t:
        t = t.replace(".", "")
    t = t.replace(",", ".").replace("\u2212", "-")
    try:
        out = Decimal(t)
    except InvalidOperation as exc:
        raise CellError(_("%(v)s är inte ett tal.") % {"v": str(value)[:40]}) from exc
    if not out.is_finite():
        raise CellError(_("%(v)s är inte ett tal.") % {"v": str(value)[:40]})
    return out


def ore(value: Cell, *, max_ore: int) -> int | None:
    """An amount in kronor (decimal comma), as öre; never negative."""
    kr = number(value)
    if kr is None:
        return None
    if kr < 0:
        raise CellError(_("Beloppet får inte vara negativt."))
    out = int((kr * 100).quantize(Decimal(1)))
    if out > max_ore:
        raise CellError(_("Beloppet är orimligt stort."))
    return out


def bounded(
    value: Cell, *, low: Decimal, high: Decimal, places: int, label: str | Promise
) -> Decimal | None:
    out = number(value)
    if out is None:
        return None
    if out < low or out > high:
        raise CellError(
            _("%(label)s ska vara mellan %(low)s och %(high)s.")
            % {"label": label, "low": low, "high": high}
        )
    return _quantize(out, places)


def whole(value: Cell, *, low: int, high: int, label: str | Promise) -> int | None:
    out = number(value)
    if out is None:
        return None
    if out != out.to_integral_value() or out < low or out > high:
        raise CellError(
            _("%(label)s ska vara ett heltal mellan %(low)d och %(high)d.")
            % {"label": label, "low": low, "high": high}
        )
    return int(out)


_DATE = re.compile(r"^(\d{4})[-/.]?(\d{1,2})[-/.]?(\d{1,2})(?:[ T].*)?$")
_DMY = re.compile(r"^(\d{1,2})[./](\d{1,2})[./](\d{4})$")


def a_date(value: Cell) -> date | None:
    """2026-03-01, 20260301, 2026/03/01, 1.3.2026, an Excel date. 2026-02-30 is refused."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    t = str(value).strip()
    if not t:
        return None
    m = _DATE.match(t)
    parts = (m.group(1), m.group(2), m.group(3)) if m else None
    if parts is None and (m := _DMY.match(t)):
        parts = (m.group(3), m.group(2), m.group(1))
    if parts is None:
        raise CellError(_("%(v)s är inget datum (skriv ÅÅÅÅ-MM-DD).") % {"v": t[:40]})
    try:
        return date(int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError as exc:
        raise CellError(_("Datumet %(v)s finns inte.") % {"v": t[:40]}) from exc


MONTHS = {
    name: n
    for n, names in enumerate(
        [
            ("januari", "jan", "january"),
            ("februari", "feb", "february"),
            ("mars", "mar", "march"),
            ("april", "apr"),
            ("maj", "may"),
            ("juni", "jun", "june"),
            ("juli", "jul", "july"),
            ("augusti", "aug", "august"),
            ("september", "sep", "sept"),
            ("oktober", "okt", "oct", "october"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_YM = re.compile(r"^(\d{4})[-/.]?(\d{1,2})(?:[-/.](\d{1,2}))?$")
_NAMED = re.compile(r"^([a-zåäö]+)\.?\s*(\d{4})$|^(\d{4})\s*([a-zåäö]+)\.?$")


def month(value: Cell) -> date | None:
    """2026-03, 2026-03-01, 202603, mars 2026, 2026 mars, an Excel date: the first of the
    month."""
    if value is None:
        return None
    if isinstance(value, datetime | date):
        return date(value.year, value.month, 1)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return _month_text(str(value))


# A file repeats the same months and the same hours on row after row: one parsed (immutable)
# value per distinct text, shared by the rows, keeps a 300 000-row file small in memory.
@lru_cache(maxsize=4096)
def _plain(value: str) -> Decimal:
    return Decimal(value.replace(",", "."))


@lru_cache(maxsize=4096)
def _quantize(value: Decimal, places: int) -> Decimal:
    return value.quantize(_QUANTUM[places])


@lru_cache(maxsize=4096)
def _month_text(value: str) -> date | None:
    t = value.strip().casefold()
    if not t:
        return None
    year = mon = None
    if m := _YM.match(t):
        year, mon = int(m.group(1)), int(m.group(2))
        if m.group(3):
            a_date(f"{year}-{mon}-{m.group(3)}")  # the day must exist too
    elif m := _NAMED.match(t):
        name, y = (m.group(1), m.group(2)) if m.group(1) else (m.group(4), m.group(3))
        mon, year = MONTHS.get(name), int(y)
    if year is None or mon is None or not 1 <= mon <= 12 or not 1900 <= year <= 2200:
        raise CellError(_("%(v)s är ingen månad (skriv ÅÅÅÅ-MM).") % {"v": value[:40]})
    return date(year, mon, 1)


GENDERS = {
    "F": ("k", "kvinna", "f", "w", "female", "woman", "kv"),
    "M": ("m", "man", "male", "mn"),
    "X": ("x", "annat", "okänt", "other", "ej angivet", "vill inte uppge", "u"),
}
_GENDER = {alias: key for key, aliases in GENDERS.items() for alias in aliases}


def gender(value: Cell) -> str | None:
    t = str(value if value is not None else "").strip().casefold()
    if not t:
        return None
    if t not in _GENDER:
        raise CellError(_("Okänt kön %(v)s (K, M eller X).") % {"v": t[:20]})
    return _GENDER[t]


FORMS = {
    "permanent": ("tillsvidare", "tillsvidareanställd", "tv", "tsv", "permanent", "ordinarie"),
    "fixed_term": (
        "visstid",
        "visstidsanställd",
        "vikariat",
        "vikarie",
        "allmän visstid",
        "särskild visstid",
        "provanställning",
        "säsong",
        "fixed term",
        "fixed_term",
        "tidsbegränsad",
    ),
}
_FORM = {alias: key for key, aliases in FORMS.items() for alias in aliases}


def employment_form(value: Cell) -> str | None:
    t = str(value if value is not None else "").strip().casefold()
    if not t:
        return None
    if t not in _FORM:
        raise CellError(
            _("Okänd anställningsform %(v)s (tillsvidare eller visstid).") % {"v": t[:30]}
        )
    return _FORM[t]


def ssyk(value: Cell) -> str:
    t = text(value, max_length=10)
    if t and not (t.isdigit() and len(t) <= 4):
        raise CellError(_("SSYK-koden ska vara 1–4 siffror."))
    return t
