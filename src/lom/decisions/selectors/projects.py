"""The approved projects of a round as the coordinator follows them: each project's latest
report, money spent against the amount granted, reports that are late, and the history of one
project. A fixed number of queries whatever the number of projects."""

from dataclasses import dataclass, field
from datetime import date

from lom.accounts.models import User
from lom.cases.models import Case, Status
from lom.cases.notifications import applicant_users
from lom.decisions.models import ApplicationRound, ProjectReport, ReportDate
from lom.organisations.access import Actor

# The statuses of a project that reports: approved, carried out, finished.
PROJECT_STATUSES = (Status.APPROVED, Status.IN_PROGRESS, Status.COMPLETED)


@dataclass
class ProjectRow:
    case: Case
    owner: str
    granted_ore: int
    reports: list[ProjectReport] = field(default_factory=list)
    # Report dates passed without a report.
    late: list[ReportDate] = field(default_factory=list)
    next_due: ReportDate | None = None

    @property
    def latest(self) -> ProjectReport | None:
        return self.reports[-1] if self.reports else None

    @property
    def spent_ore(self) -> int | None:
        return self.latest.spent_ore if self.latest else None

    @property
    def overspent(self) -> bool:
        return self.spent_ore is not None and self.spent_ore > self.granted_ore

    @property
    def done(self) -> bool:
        return self.case.status == Status.COMPLETED or (
            self.latest is not None and self.latest.status == ProjectReport.Status.DONE
        )


@dataclass
class ProjectsOverview:
    round: ApplicationRound
    dates: list[ReportDate]
    rows: list[ProjectRow]

    @property
    def late_count(self) -> int:
        return sum(1 for r in self.rows if r.late)

    @property
    def overspent_count(self) -> int:
        return sum(1 for r in self.rows if r.overspent)

    @property
    def done_count(self) -> int:
        return sum(1 for r in self.rows if r.done)


# The views of the overview: everything, or only what needs attention, or what is done.
SHOWS = ("all", "late", "overspent", "done")


def _owner(case: Case) -> str:
    if case.applicant is not None:
        return f"{case.applicant.first_name} {case.applicant.last_name}".strip()
    user = case.created_by
    return user.get_full_name() or user.username


def round_projects(
    *, rnd: ApplicationRound, today: date, show: str = "all", case_id: int | None = None
) -> ProjectsOverview:
    """The round's projects (approved, in progress, completed) with their reports."""
    dates = list(ReportDate.objects.filter(round=rnd))
    cases = (
        Case.objects.filter(
            organisation_id=rnd.organisation_id, round=rnd, status__in=PROJECT_STATUSES
        )
        .select_related("applicant", "created_by")
        .order_by("number", "id")
    )
    if case_id is not None:
        cases = cases.filter(pk=case_id)
    reports = ProjectReport.objects.filter(
        case__round=rnd, case__organisation_id=rnd.organisation_id
    ).select_related("due", "submitted_by")
    if case_id is not None:
        reports = reports.filter(case_id=case_id)
    by_case: dict[int, list[ProjectReport]] = {}
    for rep in reports:
        by_case.setdefault(rep.case_id, []).append(rep)
    rows = []
    for case in cases:
        mine = by_case.get(case.pk, [])
        reported = {r.due_id for r in mine}
        row = ProjectRow(
            case=case,
            owner=_owner(case),
            granted_ore=case.approved_ore or 0,
            reports=mine,
            late=[d for d in dates if d.due_on < today and d.pk not in reported],
            next_due=next((d for d in dates if d.due_on >= today and d.pk not in reported), None),
        )
        if row.done:
            row.late = []
        rows.append(row)
    if show == "late":
        rows = [r for r in rows if r.late]
    elif show == "overspent":
        rows = [r for r in rows if r.overspent]
    elif show == "done":
        rows = [r for r in rows if r.done]
    return ProjectsOverview(round=rnd, dates=dates, rows=rows)


def project_round_for_owner(*, actor: Actor, case: Case) -> ApplicationRound | None:
    """The round of a project the actor owns (applicant, who created it, the co-applying
    manager), when the project reports; else None."""
    if case.round_id is None or case.status not in PROJECT_STATUSES:
        return None
    if not is_owner(user=actor.user, case=case):
        return None
    return ApplicationRound.objects.filter(
        pk=case.round_id, organisation=actor.organisation
    ).first()


def is_owner(*, user: User, case: Case) -> bool:
    return any(u.pk == user.pk for u in applicant_users(case))


def report_date_get(*, rnd: ApplicationRound, pk: int) -> ReportDate | None:
    return ReportDate.objects.filter(round=rnd, pk=pk).first()
