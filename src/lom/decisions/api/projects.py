"""Projects report back, through the API: a round's report dates, the coordinator's overview of
its projects (late reports, overspend, done) and one project's history, and the owner's
reports."""

from datetime import date, datetime
from typing import Literal, cast

from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from lom.cases.selectors import case_get_for_actor
from lom.common.bounds import MAX_AMOUNT_ORE, NAME_MAX, TEXT_MAX
from lom.common.errors import DomainError, PermissionDeniedError
from lom.common.schemas import Day, Id
from lom.decisions import selectors, services
from lom.decisions.api._common import REFUSALS, CaseRefOut, actor_of, case_ref, named_as_in_api
from lom.decisions.api.rounds import _round
from lom.decisions.models import ProjectReport, ReportDate
from lom.decisions.permissions import READERS
from lom.decisions.selectors.projects import ProjectRow
from lom.decisions.services.projects import MAX_REPORT_DATES

router = Router(tags=["decisions"])

# The report's status as the API's enum (a Literal: the model's choices are named Status).
ReportStatus = Literal["on_track", "delayed", "at_risk", "done"]


class ReportDateOut(Schema):
    id: int
    due_on: date
    label: str


class ReportDateIn(Schema):
    due_on: Day
    label: str = Field(min_length=1, max_length=NAME_MAX)


class ReportDatesIn(Schema):
    """The round's report dates as a whole list (dates left out are removed)."""

    dates: list[ReportDateIn] = Field(max_length=MAX_REPORT_DATES)


class ReportDatesOut(Schema):
    dates: list[ReportDateOut]


class ProjectReportOut(Schema):
    id: int
    report_date_id: int
    label: str
    due_on: date
    status: ReportStatus
    milestones: str
    spent_ore: int
    obstacles: str
    submitted_at: datetime
    submitted_by: str


class ProjectReportIn(Schema):
    report_date_id: Id
    status: ReportStatus
    milestones: str = Field(min_length=1, max_length=TEXT_MAX)
    spent_ore: int = Field(ge=0, le=MAX_AMOUNT_ORE)
    obstacles: str = Field("", max_length=TEXT_MAX)


class ProjectOut(Schema):
    case: CaseRefOut
    owner: str
    granted_ore: int
    spent_ore: int | None
    overspent: bool
    done: bool
    latest_status: ReportStatus | None
    reports: int
    late: list[ReportDateOut]
    next_due: ReportDateOut | None


class ProjectsOut(Schema):
    round_id: int
    dates: list[ReportDateOut]
    projects: list[ProjectOut]
    late_count: int
    overspent_count: int
    done_count: int


class ProjectHistoryOut(ProjectOut):
    history: list[ProjectReportOut]


def _date_out(d: ReportDate) -> ReportDateOut:
    return ReportDateOut(id=d.pk, due_on=d.due_on, label=d.label)


def _report_out(r: ProjectReport) -> ProjectReportOut:
    return ProjectReportOut(
        id=r.pk,
        report_date_id=r.due_id,
        label=r.due.label,
        due_on=r.due.due_on,
        status=cast(ReportStatus, r.status),
        milestones=r.milestones,
        spent_ore=r.spent_ore,
        obstacles=r.obstacles,
        submitted_at=r.submitted_at,
        submitted_by=str(r.submitted_by),
    )


def _project_fields(row: ProjectRow) -> dict:
    return {
        "case": case_ref(row.case),
        "owner": row.owner,
        "granted_ore": row.granted_ore,
        "spent_ore": row.spent_ore,
        "overspent": row.overspent,
        "done": row.done,
        "latest_status": row.latest.status if row.latest else None,
        "reports": len(row.reports),
        "late": [_date_out(d) for d in row.late],
        "next_due": _date_out(row.next_due) if row.next_due else None,
    }


def _reader(request: HttpRequest):
    actor = actor_of(request)
    if not actor.has(*READERS):
        raise PermissionDeniedError(_("Din roll har inte tillgång till omgångens projekt."))
    return actor


@router.get(
    "/rounds/{round_id}/projects",
    response=ProjectsOut,
    summary="The round's approved projects: latest report, spent against granted, late reports",
)
def list_round_projects(request: HttpRequest, round_id: Id) -> ProjectsOut:
    actor = _reader(request)
    rnd = _round(actor, round_id)
    o = selectors.round_projects(rnd=rnd, today=timezone.localdate())
    return ProjectsOut(
        round_id=rnd.pk,
        dates=[_date_out(d) for d in o.dates],
        projects=[ProjectOut(**_project_fields(r)) for r in o.rows],
        late_count=o.late_count,
        overspent_count=o.overspent_count,
        done_count=o.done_count,
    )


@router.get(
    "/rounds/{round_id}/projects/{case_id}",
    response=ProjectHistoryOut,
    summary="One project of the round with every report it has given",
)
def get_round_project(request: HttpRequest, round_id: Id, case_id: Id) -> ProjectHistoryOut:
    actor = _reader(request)
    rnd = _round(actor, round_id)
    o = selectors.round_projects(rnd=rnd, today=timezone.localdate(), case_id=case_id)
    if not o.rows:
        raise Http404
    row = o.rows[0]
    return ProjectHistoryOut(**_project_fields(row), history=[_report_out(r) for r in row.reports])


@router.put(
    "/rounds/{round_id}/report-dates",
    response={200: ReportDatesOut, **REFUSALS},
    summary="Set the round's report dates (the whole list)",
)
def set_report_dates(request: HttpRequest, round_id: Id, payload: ReportDatesIn) -> ReportDatesOut:
    actor = actor_of(request)
    rnd = _round(actor, round_id)
    with named_as_in_api():
        dates = services.report_dates_set(
            actor=actor, rnd=rnd, dates=[(d.due_on, d.label) for d in payload.dates]
        )
    return ReportDatesOut(dates=[_date_out(d) for d in dates])


def _owned(request: HttpRequest, case_id: int):
    actor = actor_of(request)
    case = case_get_for_actor(actor=actor, pk=case_id)
    rnd = selectors.project_round_for_owner(actor=actor, case=case)
    if rnd is None:
        raise Http404
    return actor, case, rnd


@router.get(
    "/projects/{case_id}/reports",
    response=ProjectHistoryOut,
    summary="The owner's project: its reports and the dates still to report at",
)
def list_project_reports(request: HttpRequest, case_id: Id) -> ProjectHistoryOut:
    _actor, case, rnd = _owned(request, case_id)
    row = selectors.round_projects(rnd=rnd, today=timezone.localdate(), case_id=case.pk).rows[0]
    return ProjectHistoryOut(**_project_fields(row), history=[_report_out(r) for r in row.reports])


@router.post(
    "/projects/{case_id}/reports",
    response={201: ProjectReportOut, **REFUSALS},
    summary="Report the project's progress at one of the round's dates",
)
def submit_project_report(request: HttpRequest, case_id: Id, payload: ProjectReportIn) -> Status:
    actor, case, rnd = _owned(request, case_id)
    due = selectors.report_date_get(rnd=rnd, pk=payload.report_date_id)
    with named_as_in_api():
        if due is None:
            raise DomainError(_("Rapportdatumet hör inte till projektets omgång."), field="due")
        report = services.project_report_submit(
            actor=actor,
            case=case,
            due=due,
            status=payload.status,
            milestones=payload.milestones,
            spent_ore=payload.spent_ore,
            obstacles=payload.obstacles,
        )
    return Status(201, _report_out(report))
