"""The data-subject export as a readable PDF (WeasyPrint, as the project's other PDFs)."""

from typing import Any

from django.template.loader import render_to_string
from django.utils import translation


def render_subject_pdf(data: dict[str, Any]) -> bytes:
    from weasyprint import HTML

    with translation.override("sv"):
        html = render_to_string("privacy/subject_pdf.html", {"d": data})
    return HTML(string=html).write_pdf()
