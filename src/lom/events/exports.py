"""The events' statistics of a year as an Excel workbook (for the organiser)."""

from __future__ import annotations

from io import BytesIO

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from lom.events.selectors import YearStats


def _value(v):
    return "" if v is None else v


def year_workbook(stats: YearStats) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = _("Evenemang")
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
    ws.append(header)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for event, s in stats.per_event:
        ws.append(
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
        )
    t = stats.totals
    ws.append(
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
    ws.append([])
    ws.append(
        [
            _(
                "Betyg och andelar visas bara när minst 5 har svarat. "
                "Organisationer: olika organisationer med minst en bekräftad anmälan."
            )
        ]
    )
    for col, width in zip("ABCDEFGHIJK", (40, 20, 12, 14, 16, 12, 18, 10, 16, 12, 12), strict=True):
        ws.column_dimensions[col].width = width
    out = BytesIO()
    wb.save(out)
    return out.getvalue()
