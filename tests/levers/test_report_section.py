"""The annual report's section on campaigns and their effect, in the workbook and the PDF."""

import io
from datetime import date

from openpyxl import load_workbook
from pypdf import PdfReader

from lom.levers.services.campaigns import campaign_send
from lom.reports.documents import annual_report_pdf, annual_report_xlsx
from lom.reports.extra_sections import extra_sections
from lom.reports.figures import annual_figures
from tests.levers.helpers import add_staff, draft


def test_the_campaigns_section_is_in_the_workbook_and_the_pdf(
    world, django_capture_on_commit_callbacks
):
    assert "campaigns" in [s.code for s in extra_sections()]
    add_staff(world, 6)
    c = draft(world, title="Höstens kampanj")
    with django_capture_on_commit_callbacks(execute=True):
        campaign_send(actor=world.actor(world.coordinator), campaign=c)
    today = date.today()
    fig = annual_figures(organisation=world.org, year=today.year, today=today)
    book = load_workbook(io.BytesIO(annual_report_xlsx(fig)))
    sheet = next(
        ws
        for ws in book.worksheets
        if any(cell.value == "Höstens kampanj" for row in ws.iter_rows() for cell in row)
    )
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    row = next(r for r in values if r and r[0] == "Höstens kampanj")
    assert 9 in row  # sent to nine people
    assert "dolt" not in row[3:4]
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(annual_report_pdf(fig))).pages)
    assert "Kampanjer och deras effekt" in text and "Höstens kampanj" in text
