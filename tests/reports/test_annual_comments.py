"""The coordinator's comment per section of the annual report: written on the annual page or
through the API, read by union representatives, printed in the PDF and the workbook, kept
within the organisation and within its bound."""

import io

from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from lom.common.bounds import COMMENT_MAX
from lom.reports.models import AnnualReportComment, ReportJob
from lom.reports.services import report_job_start
from tests.api_client import error_field, token_caller
from tests.reports.test_reports import _pdf_text

TEXT = "Året präglades av omorganisationen; fler sökte utveckling i yrket."


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_the_coordinator_writes_on_the_page_and_the_union_reads_it(world):
    url = reverse("reports:annual_comment", args=[2025, "use"])
    r = client_for(world.coordinator).post(url, {"comment-use-text": TEXT})
    assert r.status_code == 302
    comment = AnnualReportComment.objects.get(organisation=world.org, year=2025, section="use")
    assert comment.text == TEXT and comment.updated_by == world.coordinator
    page = client_for(world.union_rep).get(reverse("reports:annual") + "?year=2025")
    assert TEXT in page.content.decode() and "<textarea" not in page.content.decode()
    # the union representative cannot write
    r = client_for(world.union_rep).post(url, {"comment-use-text": "Nej."})
    assert r.status_code == 403
    assert AnnualReportComment.objects.get(pk=comment.pk).text == TEXT


def test_a_too_long_comment_is_refused_naming_the_field(world):
    url = reverse("reports:annual_comment", args=[2025, "use"])
    too_long = "x" * (COMMENT_MAX + 1)
    r = client_for(world.coordinator).post(url, {"comment-use-text": too_long})
    assert r.status_code == 400 and too_long in r.content.decode()  # what was typed is kept
    assert not AnnualReportComment.objects.exists()
    call = token_caller(world.coordinator)
    r = call("put", "/api/v1/reports/annual/2025/comments/use", {"text": too_long})
    assert 400 <= r.status_code < 500 and error_field(r) == "text"
    r = call("put", "/api/v1/reports/annual/2025/comments/nonsense", {"text": "Hej"})
    assert 400 <= r.status_code < 500 and error_field(r) == "section"


def test_the_api_writes_and_the_figures_carry_the_comments_within_the_organisation(
    world, other_world
):
    call = token_caller(world.coordinator)
    r = call("put", "/api/v1/reports/annual/2025/comments/fairness", {"text": TEXT})
    assert r.status_code == 200 and r.json() == {"section": "fairness", "text": TEXT}
    body = token_caller(world.union_rep)("get", "/api/v1/reports/annual/2025/figures").json()
    assert body["comments"] == [{"section": "fairness", "text": TEXT}]
    r = token_caller(world.union_rep)(
        "put", "/api/v1/reports/annual/2025/comments/fairness", {"text": "Nej."}
    )
    assert r.status_code == 403
    # another organisation neither reads nor overwrites it
    other = token_caller(other_world.coordinator)
    assert other("get", "/api/v1/reports/annual/2025/figures").json()["comments"] == []
    other("put", "/api/v1/reports/annual/2025/comments/fairness", {"text": "Vårt."})
    assert AnnualReportComment.objects.get(organisation=world.org).text == TEXT
    assert AnnualReportComment.objects.get(organisation=other_world.org).text == "Vårt."
    page = client_for(other_world.union_rep).get(reverse("reports:annual") + "?year=2025")
    assert TEXT not in page.content.decode()


def test_the_comments_are_in_the_pdf_and_the_workbook(world, tmp_path):
    call = token_caller(world.coordinator)
    call("put", "/api/v1/reports/annual/2025/comments/use", {"text": TEXT})
    job = report_job_start(actor=world.actor(world.coordinator), year=2025)
    assert job.status == ReportJob.Status.DONE
    text = " ".join(_pdf_text(job.pdf.read(), tmp_path).split())
    assert "Samordnarens kommentar" in text and TEXT in text
    assert text.index("Vad medlen har använts till") < text.index(TEXT)
    book = load_workbook(io.BytesIO(job.xlsx.read()))
    sheet = book["Kommentarer"]
    assert [c.value for c in sheet[2]][:2] == ["Vad medlen har använts till", TEXT]
    # and above the section's first table, on its sheet
    above = [ws for ws in book.worksheets if str(ws["A1"].value).startswith("Kommentar:")]
    assert len(above) == 1 and TEXT in above[0]["A1"].value
    assert str(above[0]["A2"].value).startswith("Användning")
