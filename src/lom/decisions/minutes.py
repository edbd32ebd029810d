"""The minutes (protokoll) of a meeting: one template for the page and the PDF."""

from django.template.loader import render_to_string
from django.utils import translation

from lom.decisions.models import Meeting


def minutes_context(meeting: Meeting) -> dict:
    items = list(
        meeting.items.select_related("case", "case__unit")
        .prefetch_related("positions__union", "case__decisions")
        .order_by("order", "id")
    )
    attendees = list(meeting.attendees.select_related("user", "union"))
    return {"meeting": meeting, "items": items, "attendees": attendees}


def render_minutes_html(meeting: Meeting) -> str:
    return render_to_string("decisions/minutes_pdf.html", minutes_context(meeting))


def render_minutes_pdf(meeting: Meeting) -> bytes:
    from weasyprint import HTML

    with translation.override("sv"):
        html = render_minutes_html(meeting)
    return HTML(string=html).write_pdf()
