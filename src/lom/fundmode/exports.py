"""Excel export of the fund's statistics (the same selector as the page and the API)."""

from io import BytesIO

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from lom.fundmode.selectors import FundStatistics, StatRow


def _row(r: StatRow) -> list:
    return [
        r.label,
        r.measures,
        r.approved_ore / 100,
        r.paid_ore / 100,
        r.participants,
        r.women,
        r.men,
        r.other,
    ]


def statistics_workbook(stats: FundStatistics) -> bytes:
    head = [
        _("Rad"),
        _("Beviljade insatser"),
        _("Beviljat (kr)"),
        _("Utbetalt (kr)"),
        _("Deltagare"),
        _("Kvinnor"),
        _("Män"),
        _("Annat"),
    ]
    wb = Workbook()
    sheets = [
        (_("Per arbetsgivare"), [*stats.by_employer, None]),
        (_("Per kvartal"), stats.by_quarter),
        (_("Per år"), stats.by_year),
    ]
    first = True
    for title, rows in sheets:
        ws = wb.active if first else wb.create_sheet()
        first = False
        ws.title = title[:31]
        ws.append(head)
        for r in rows:
            ws.append(_row(r) if r is not None else [_("Totalt"), *_row(stats.total)[1:]])
        for cell in ws[1]:
            cell.font = Font(bold=True)
    ws = wb.create_sheet(_("Arbetsgivare per kvartal")[:31])
    ws.append([_("Arbetsgivare"), *head])
    for name, r in stats.by_employer_quarter:
        ws.append([name, *_row(r)])
    ws = wb.create_sheet(_("Deltagare per yrke")[:31])
    ws.append([_("Yrkeskod"), _("Kvinnor"), _("Män"), _("Annat")])
    for row in stats.by_occupation:
        ws.append(list(row))
    for sheet in wb.worksheets:
        for cell in sheet[1]:
            cell.font = Font(bold=True)
    buf = BytesIO()
    wb.save(buf)
    return buf.getvalue()
