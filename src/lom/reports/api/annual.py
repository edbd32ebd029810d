"""The annual report built in the background (start, follow, download) and the report
settings."""

from dataclasses import asdict

from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from ninja import Router, Status

from lom.common.errors import PermissionDeniedError
from lom.common.pagination import keyset_page
from lom.common.schemas import DEFAULT_LIMIT, Cursor, ErrorOut, Id, Limit, Page
from lom.reports import exports, selectors, services
from lom.reports.api.figures import reader
from lom.reports.api.schemas import (
    AnnualCommentIn,
    AnnualCommentOut,
    AnnualSection,
    ReportJobIn,
    ReportJobOut,
    SettingsIn,
    SettingsOut,
    Year,
)
from lom.reports.models import ReportJob
from lom.reports.permissions import can_manage_report_settings

router = Router(tags=["reports"])


def binary(content_type: str, description: str) -> dict:
    """`openapi_extra` of an operation that answers with a file."""
    schema = {"type": "string", "format": "binary"}
    return {
        "responses": {
            "200": {"description": description, "content": {content_type: {"schema": schema}}}
        }
    }


PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv"


def job_out(job: ReportJob) -> ReportJobOut:
    return ReportJobOut(
        id=job.pk,
        year=job.year,
        format=job.format,
        status=job.status,
        progress=job.progress,
        step=job.step,
        error=job.error,
        created_at=job.created_at,
        started_at=job.started_at,
        finished_at=job.finished_at,
        has_pdf=bool(job.pdf),
        has_xlsx=bool(job.xlsx),
    )


@router.get(
    "/annual",
    response={200: Page[ReportJobOut], 403: ErrorOut},
    summary="The organisation's annual report jobs, newest first",
)
def list_jobs(request, cursor: Cursor | None = None, limit: Limit = DEFAULT_LIMIT):
    actor = reader(request)
    qs = selectors.report_jobs_for_org(organisation=actor.organisation)
    rows, nxt = keyset_page(qs, cursor=cursor, limit=limit)
    return Page[ReportJobOut](items=[job_out(j) for j in rows], next_cursor=nxt)


@router.post(
    "/annual",
    response={202: ReportJobOut, 400: ErrorOut, 403: ErrorOut},
    summary="Start building the annual report of a year",
)
def start_job(request, payload: ReportJobIn):
    """Answers 202 with the job; read it again until its `status` is `done` or `failed`."""
    job = services.report_job_start(actor=request.api_actor, year=payload.year, fmt=payload.format)
    return Status(202, job_out(job))


def _job(request, job_id: int) -> ReportJob:
    actor = reader(request)
    job = selectors.report_job_get(organisation=actor.organisation, pk=job_id)
    if job is None:
        raise Http404
    return job


@router.get(
    "/annual/{job_id}",
    response={200: ReportJobOut, 403: ErrorOut, 404: ErrorOut},
    summary="An annual report job: its status and progress",
)
def get_job(request, job_id: Id):
    return job_out(_job(request, job_id))


def _download(request, job_id: int, fmt: str) -> FileResponse:
    response = exports.report_job_file_response(_job(request, job_id), fmt)
    if response is None:
        raise Http404
    return response


@router.get(
    "/annual/{job_id}/pdf",
    summary="The finished annual report as PDF",
    openapi_extra=binary(PDF, "The PDF (404 until the job is done or if it has none)."),
)
def job_pdf(request, job_id: Id):
    return _download(request, job_id, "pdf")


@router.get(
    "/annual/{job_id}/xlsx",
    summary="The finished annual report as an Excel workbook",
    openapi_extra=binary(XLSX, "The workbook (404 until the job is done or if it has none)."),
)
def job_xlsx(request, job_id: Id):
    return _download(request, job_id, "xlsx")


def _manager(request):
    actor = request.api_actor
    if not can_manage_report_settings(actor):
        raise PermissionDeniedError(_("Din roll får inte ändra rapportinställningarna."))
    return actor


@router.get(
    "/settings",
    response={200: SettingsOut, 403: ErrorOut},
    summary="The report and follow-up settings",
)
def get_settings(request):
    actor = _manager(request)
    return asdict(selectors.report_settings(organisation=actor.organisation))


@router.put(
    "/settings",
    response={200: SettingsOut, 400: ErrorOut, 403: ErrorOut},
    summary="Save the report and follow-up settings (all together or none)",
)
def put_settings(request, payload: SettingsIn):
    actor = _manager(request)
    services.settings_save(actor=actor, **payload.dict())
    return asdict(selectors.report_settings(organisation=actor.organisation))


@router.put(
    "/annual/{year}/comments/{section}",
    response={200: AnnualCommentOut, 400: ErrorOut, 403: ErrorOut},
    summary="Write the coordinator's comment on one section of a year's annual report",
)
def put_annual_comment(request, year: Year, section: AnnualSection, payload: AnnualCommentIn):
    """An empty text clears the comment. Shown under the section's heading in the PDF and above
    its tables in the workbook; read back with the year's figures."""
    comment = services.annual_comment_save(
        actor=request.api_actor, year=year, section=section, text=payload.text
    )
    return AnnualCommentOut(section=comment.section, text=comment.text)
