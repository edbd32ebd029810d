"""The workshop's result as a document: one template for the printable page and the PDF."""

from django.template.loader import render_to_string
from django.utils import translation

from lom.common.pdf import html_to_pdf
from lom.planning.models import Workshop
from lom.planning.selectors import workshop_board


def render_workshop_html(workshop: Workshop) -> str:
    board = workshop_board(workshop=workshop)
    return render_to_string("planning/workshop_pdf.html", {"workshop": workshop, "board": board})


def render_workshop_pdf(workshop: Workshop) -> bytes:
    with translation.override("sv"):
        html = render_workshop_html(workshop)
    return html_to_pdf(html)
