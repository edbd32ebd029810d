"""The manager's kit as a one-page PDF for the workplace meeting (tagged PDF/UA)."""

from django.template.loader import render_to_string

from lom.common.pdf import html_to_pdf
from lom.levers.selectors.kit import Kit


def kit_pdf(kit: Kit) -> bytes:  # pure: renders the kit
    return html_to_pdf(render_to_string("levers/kit_pdf.html", {"kit": kit}))
