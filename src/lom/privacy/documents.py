"""The files of the personal-data pages, the same bytes for the page and the API: the
data-subject export as JSON or as a readable PDF (WeasyPrint, as the project's other PDFs), and
the read log as CSV."""

import json
from collections.abc import Iterable
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import QuerySet
from django.http import HttpResponse, StreamingHttpResponse
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from lom.common.files import csv_response
from lom.common.history import event_sentence
from lom.common.models import ReadLog
from lom.common.pdf import html_to_pdf
from lom.organisations.models import Employee
from lom.privacy.display import readable
from lom.privacy.selectors.reads import reader_name

# A CSV of the read log is bounded like every other export.
READS_CSV_MAX = 100_000


def _history(events: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The export's audit events as the case page shows its history: a sentence per event
    (lom.common.history) in the active language, not the action's code."""
    return [
        {
            "at": e.get("at"),
            "actor": e.get("actor"),
            "note": e.get("note") or "",
            "amount_ore": e.get("amount_ore"),
            "text": event_sentence(
                str(e.get("action") or ""),
                str(e.get("target_type") or ""),
                {"status": e.get("status_before")},
                {"status": e.get("status_after")},
            ),
        }
        for e in events
    ]


def render_subject_pdf(data: dict[str, Any]) -> bytes:
    """The PDF in the reader's language (the active one), codes shown as their labels."""
    html = render_to_string(
        "privacy/subject_pdf.html",
        {
            "d": readable(data),
            "history": _history(data.get("audit_events") or []),
            "language": translation.get_language() or "sv",
        },
    )
    return html_to_pdf(html)


def subject_export_response(*, employee: Employee, data: dict[str, Any], fmt: str) -> HttpResponse:
    """The export of `employee` as a download: JSON or PDF."""
    name = f"registerutdrag-{employee.pk}-{timezone.localdate():%Y%m%d}"
    if fmt == "json":
        body = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
    else:
        response = HttpResponse(render_subject_pdf(data), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


def _read_rows(rows: QuerySet[ReadLog]) -> Iterable[list[Any]]:
    for r in rows[:READS_CSV_MAX].iterator():
        yield [
            timezone.localtime(r.at),
            reader_name(r),
            r.employee.full_name if r.employee else "",
            r.data_class,
            r.get_channel_display(),
            f"{r.target_type}#{r.target_id}",
        ]


def reads_csv_response(rows: QuerySet[ReadLog]) -> StreamingHttpResponse:
    """The read-log rows found, as a CSV download (the first READS_CSV_MAX)."""
    return csv_response(
        f"laslogg-{timezone.localdate():%Y%m%d}.csv",
        [_("Tidpunkt"), _("Vem läste"), _("Medarbetare"), _("Uppgiftsslag"), _("Kanal"), _("Post")],
        _read_rows(rows),
    )
