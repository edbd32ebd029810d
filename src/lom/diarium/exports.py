"""The register as a file: the filtered list as CSV or Excel, through the one writer
(`lom.common.files`, which keeps a formula-looking title as text)."""

from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from lom.common.files import XlsxBook, XlsxColumn, csv_response, xlsx_response
from lom.common.replica import rows_from_replica
from lom.diarium.models import RegisteredDocument

# The most rows one export holds (a register grows by thousands a year, not millions).
EXPORT_MAX_ROWS = 100_000


def _header() -> list[str]:
    return [
        pgettext("diarium", "Diarienummer"),
        _("Registrerad"),
        _("Handlingstyp"),
        _("Riktning"),
        _("Rubrik"),
        _("Avsändare/mottagare"),
        _("Ärende"),
        _("Sekretessmarkering"),
    ]


@rows_from_replica
def _rows(qs: QuerySet[RegisteredDocument]) -> Iterator[list[Any]]:
    for d in qs[:EXPORT_MAX_ROWS].iterator(chunk_size=2_000):
        yield [
            d.number,
            timezone.localtime(d.registered_at).replace(tzinfo=None),
            d.get_kind_display(),
            d.get_direction_display(),
            d.title,
            d.party,
            d.case_number,
            d.get_secrecy_display(),
        ]


def _filename(ext: str) -> str:
    return f"diarium-{timezone.localdate().isoformat()}.{ext}"


def register_csv_response(qs: QuerySet[RegisteredDocument]) -> StreamingHttpResponse:
    return csv_response(_filename("csv"), _header(), _rows(qs))


def register_xlsx_bytes(qs: QuerySet[RegisteredDocument]) -> bytes:
    book = XlsxBook()
    columns = [XlsxColumn(h) for h in _header()]
    columns[1] = XlsxColumn(columns[1].title, number_format="yyyy-mm-dd hh:mm", width=18)
    book.table(_("Diarium"), columns, _rows(qs))
    return book.to_bytes()


def register_xlsx_response(qs: QuerySet[RegisteredDocument]) -> HttpResponse:
    return xlsx_response(_filename("xlsx"), register_xlsx_bytes(qs))
