"""The events' statistics of a year as an Excel workbook (for the organiser), written by the
one writer (lom.common.files), so no event title ever becomes a formula."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from lom.common.files import XlsxBook, XlsxColumn
from lom.common.replica import reading_from_replica
from lom.events.selectors import YearStats, year_statistics

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _value(v):
    return "" if v is None else v


WIDTHS = (40, 20, 12, 14, 16, 12, 18, 10, 16, 12, 12)


def year_workbook(stats: YearStats) -> bytes:
    header = [
        _("Evenemang"),
        _("Typ"),
        _("Datum"),
        _("Organisationer"),
        _("Arbetsgivarsidan"),
        _("Facklig sida"),
        _("På väntelistan (personer)"),
        _("Antal svar"),
        _("Helhetsbetyg (1–5)"),
        _("Nytta (1–5)"),
        _("Nya idéer (%)"),
    ]
    rows = [
        [
            event.title,
            event.get_kind_display(),
            f"{timezone.localtime(event.starts_at):%Y-%m-%d}",
            s.organisations,
            s.persons_employer,
            s.persons_union,
            s.waiting_persons,
            s.answers,
            _value(s.rating),
            _value(s.usefulness),
            _value(s.new_ideas_percent),
        ]
        for event, s in stats.per_event
    ]
    t = stats.totals
    rows.append(
        [
            _("Hela året"),
            "",
            str(stats.year),
            t.organisations,
            t.persons_employer,
            t.persons_union,
            t.waiting_persons,
            t.answers,
            _value(t.rating),
            _value(t.usefulness),
            _value(t.new_ideas_percent),
        ]
    )
    book = XlsxBook()
    ws = book.table(
        _("Evenemang"),
        [XlsxColumn(h, width=w) for h, w in zip(header, WIDTHS, strict=True)],
        rows,
    )
    book.row(ws, [])
    book.row(
        ws,
        [
            _(
                "Betyg och andelar visas bara när minst 5 har svarat. "
                "Organisationer: olika organisationer med minst en bekräftad anmälan."
            )
        ],
    )
    return book.to_bytes()


def year_workbook_response(*, year: int) -> HttpResponse:
    """The year's workbook as a download: the page and the API give the same bytes."""
    with reading_from_replica():
        data = year_workbook(year_statistics(year=year))
    response = HttpResponse(data, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="evenemang-{year}.xlsx"'
    return response
