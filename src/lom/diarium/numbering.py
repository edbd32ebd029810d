"""How a registration number is written: the series' prefix, the registration year and the
sequence, in the series' format (pure; used by the registration and by the settings' preview)."""

from typing import Protocol

from lom.diarium.models import DEFAULT_FORMAT

DEFAULT_PREFIX = "LOM"


class SeriesLike(Protocol):
    prefix: str
    number_format: str
    number_width: int


def format_number(series: SeriesLike | None, *, year: int, sequence: int) -> str:
    # pure: `LOM 2026/42` for the default series.
    prefix = series.prefix if series else DEFAULT_PREFIX
    fmt = series.number_format if series else DEFAULT_FORMAT
    width = series.number_width if series else 0
    number = f"{sequence:0{width}d}" if width else str(sequence)
    return fmt.replace("{prefix}", prefix).replace("{year}", str(year)).replace("{number}", number)
