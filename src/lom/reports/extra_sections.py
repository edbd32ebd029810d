"""Sections of the annual report that packages above reports add (dependency inversion: the
levers package registers "campaigns and their effect" in its AppConfig.ready()). Each section
is a code, a label and a function (organisation, year) -> tables; the PDF and the workbook
show them after the built-in sections, in the order they were registered."""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise

from lom.organisations.models import Organisation
from lom.reports.figures.tables import Table

TablesFor = Callable[[Organisation, int], list[Table]]


@dataclass(frozen=True)
class ExtraSection:
    code: str
    label: str | Promise
    tables: TablesFor


_SECTIONS: dict[str, ExtraSection] = {}


def register_section(section: ExtraSection) -> None:
    """Add (or replace, by code) a section; called from an AppConfig.ready()."""
    _SECTIONS[section.code] = section


def extra_sections() -> list[ExtraSection]:
    return list(_SECTIONS.values())


def extra_section_tables(
    *, organisation: Organisation, year: int
) -> list[tuple[ExtraSection, list[Table]]]:
    """Each registered section with its tables for the organisation's year (a section without
    tables is left out)."""
    out = []
    for section in extra_sections():
        tables = section.tables(organisation, year)
        if tables:
            out.append((section, tables))
    return out
