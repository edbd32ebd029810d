"""The library's search as CSV: the same published fields as the page, nothing more. The page
and the API give the same bytes (written by lom.common.files, so no title becomes a formula)."""

from django.http import StreamingHttpResponse
from django.utils.translation import gettext as _

from lom.common.files import csv_response
from lom.common.money import format_ore
from lom.library import selectors
from lom.organisations.access import Actor

EXPORT_ROWS = 100


def library_csv_response(
    *, actor: Actor, filters: selectors.LibraryFilters
) -> StreamingHttpResponse:
    result = selectors.library_search(actor=actor, filters=filters, per_page=EXPORT_ROWS)
    header = [
        _("Rubrik"),
        _("Behov"),
        _("Insatstyper"),
        _("Innehåll"),
        _("Total kostnad"),
        _("Kostnad per deltagare"),
        _("Antal deltagare"),
        _("Utfall"),
        _("Sektor"),
        _("Storlek"),
        _("År"),
        _("Organisation och kontakt"),
    ]
    rows = (
        [
            e.title,
            e.need,
            ", ".join(e.measure_type_names),
            e.summary,
            format_ore(e.total_cost_ore) if e.total_cost_ore else "",
            format_ore(e.cost_per_participant_ore) if e.cost_per_participant_ore else "",
            e.get_participants_band_display(),
            e.outcome_label,
            e.get_sector_display(),
            e.size_band,
            e.year,
            f"{e.organisation.name}, {e.contact_name} {e.contact_email}"
            if e.shows_organisation
            else "",
        ]
        for e in result.items
    )
    return csv_response("insatsbiblioteket.csv", header, rows)
