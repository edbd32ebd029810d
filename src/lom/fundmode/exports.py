"""Excel export of the fund's statistics (the same selector as the page and the API), through
the one writer (`lom.common.files.XlsxBook`): every text cell stays text, whatever it starts
with (a measure titled `=HYPERLINK(...)` is not a live formula)."""

from django.http import FileResponse, HttpResponse
from django.utils.translation import gettext as _

from lom.common.files import XlsxBook, XlsxColumn, xlsx_response
from lom.common.replica import reading_from_replica
from lom.fundmode.models import FundAttachment, FundRound
from lom.fundmode.selectors.figures import FundStatistics, StatRow, fund_statistics
from lom.organisations.access import Actor

KR = '#,##0.00 "kr"'


def _figures(r: StatRow) -> list:
    return [
        r.measures,
        r.approved_ore / 100,
        r.paid_ore / 100,
        r.participants,
        r.women,
        r.men,
        r.other,
    ]


def _columns(first: str) -> list[XlsxColumn]:
    return [
        XlsxColumn(first, width=30),
        XlsxColumn(_("Beviljade insatser")),
        XlsxColumn(_("Beviljat (kr)"), KR, 16),
        XlsxColumn(_("Utbetalt (kr)"), KR, 16),
        XlsxColumn(_("Deltagare")),
        XlsxColumn(_("Kvinnor")),
        XlsxColumn(_("Män")),
        XlsxColumn(_("Annat")),
    ]


def statistics_workbook(stats: FundStatistics) -> bytes:
    book = XlsxBook()
    book.table(
        _("Per arbetsgivare"),
        _columns(_("Arbetsgivare")),
        [
            *([r.label, *_figures(r)] for r in stats.by_employer),
            [_("Totalt"), *_figures(stats.total)],
        ],
    )
    book.table(
        _("Per kvartal"),
        _columns(_("Kvartal")),
        ([r.label, *_figures(r)] for r in stats.by_quarter),
    )
    book.table(_("Per år"), _columns(_("År")), ([r.label, *_figures(r)] for r in stats.by_year))
    book.table(
        _("Arbetsgivare per kvartal"),
        [XlsxColumn(_("Arbetsgivare"), width=30), *_columns(_("Kvartal"))],
        ([name, r.label, *_figures(r)] for name, r in stats.by_employer_quarter),
    )
    book.table(
        _("Deltagare per yrke"),
        [XlsxColumn(_("Yrkeskod"), width=40), _("Kvinnor"), _("Män"), _("Annat")],
        (list(row) for row in stats.by_occupation),
    )
    book.table(
        _("Beviljade insatser"),
        [
            XlsxColumn(_("Nummer"), width=12),
            XlsxColumn(_("Arbetsgivare"), width=30),
            XlsxColumn(_("Insats"), width=50),
            XlsxColumn(_("Beslutad"), "yyyy-mm-dd", 12),
            XlsxColumn(_("Beviljat (kr)"), KR, 16),
            XlsxColumn(_("Utbetalt (kr)"), KR, 16),
            XlsxColumn(_("Deltagare")),
        ],
        (
            [
                m.number,
                m.employer,
                m.title,
                m.decided_on,
                m.approved_ore / 100,
                m.paid_ore / 100,
                m.participants,
            ]
            for m in stats.measures
        ),
    )
    return book.to_bytes()


def statistics_xlsx_response(*, actor: Actor, fund_round: FundRound) -> HttpResponse:
    """The statistics of the period as an Excel file (the page's download and the API's)."""
    with reading_from_replica():
        data = statistics_workbook(fund_statistics(actor=actor, fund_round=fund_round))
    return xlsx_response(f"fondstatistik-{fund_round.pk}.xlsx", data)


def attachment_response(attachment: FundAttachment) -> FileResponse:
    """The stored file of an attachment, as it was uploaded."""
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
