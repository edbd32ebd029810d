"""Reminders for cases that wait too long for someone, for objections whose answer is due, and
for projects whose report is due or late. Run by scheduled background tasks (the scheduler's
jobs `case_reminders`, `objection_reminders` and `project_report_reminders`, or
`manage.py send_reminders`, enqueue them; a `run_worker` process runs them), never in a
request."""

from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from lom.cases.models import Case, Status
from lom.cases.notifications import applicant_users, unit_managers
from lom.common.models import Notification
from lom.decisions.messages import (
    REMIND_CASE_WAITING,
    REMIND_OBJECTION_DUE,
    REMIND_OBJECTION_SOON,
    REMIND_REPORT_DUE,
    REMIND_REPORT_LATE,
)
from lom.decisions.models import Objection, ProjectReport, ReminderStage, ReportDate, ReportReminder
from lom.decisions.selectors.projects import PROJECT_STATUSES
from lom.mail.notify import notify
from lom.organisations.models import Role
from lom.organisations.selectors import users_with_roles

# Days a case may wait in a state before the one who must act is reminded.
WAIT_LIMITS = {
    Status.AWAITING_ENDORSEMENT: 7,
    Status.SUBMITTED: 10,
    Status.IN_REVIEW: 21,
    Status.RETURNED: 14,
    Status.AWAITING_APPLICANT: 10,
}


def send_reminders(*, now=None) -> int:
    """Remind once per case and day at most. Returns the number of reminders sent."""
    now = now or timezone.now()
    q = Q()
    for status, days in WAIT_LIMITS.items():
        q |= Q(status=status, updated_at__lt=now - timedelta(days=days))
    sent = 0
    cases = Case.objects.filter(q).select_related(
        "created_by", "applicant__user", "co_applicant_manager"
    )
    already = set(
        Notification.objects.filter(
            kind="reminder", created_at__gte=now - timedelta(days=1)
        ).values_list("case_id", flat=True)
    )
    for case in cases.iterator(chunk_size=500):
        if case.pk in already:
            continue
        if case.status == Status.AWAITING_ENDORSEMENT:
            users = unit_managers(case)
        elif case.status in (Status.RETURNED, Status.AWAITING_APPLICANT):
            users = applicant_users(case)
        else:
            users = users_with_roles(case.organisation_id, Role.COORDINATOR)
        days = (now - case.updated_at).days
        notify(
            users=users,
            organisation_id=case.organisation_id,
            kind="reminder",
            case_id=case.pk,
            url=f"/cases/{case.pk}/",
            reference=case.number,
            text=REMIND_CASE_WAITING,
            params={"n": case.display_number, "d": days, "s": Status(case.status).label},
        )
        sent += 1
    return sent


# Days before the answer is due when the employer's deciders are reminded (and on the day).
OBJECTION_REMIND_DAYS_BEFORE = 3


def send_objection_reminders(*, now=None) -> int:
    """Remind the employer's deciders (coordinators and decision makers) of an unanswered
    objection: once when its answer is due within OBJECTION_REMIND_DAYS_BEFORE days, and once on
    the day it is due (or, if that day was missed, the first run after). Each reminder is sent
    once, however often this runs: it is recognised by its link. Returns the number sent."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    sent = 0
    due = Objection.objects.filter(
        status=Objection.Status.RAISED,
        answer_due__isnull=False,
        answer_due__lte=today + timedelta(days=OBJECTION_REMIND_DAYS_BEFORE),
    ).select_related("union", "case")
    for o in due.iterator(chunk_size=500):
        assert o.answer_due is not None  # filtered above
        stage = "due" if o.answer_due <= today else "soon"
        url = f"/decisions/objections/{o.pk}/#{stage}"
        if Notification.objects.filter(kind="reminder", url=url).exists():
            continue
        text = REMIND_OBJECTION_SOON if stage == "soon" else REMIND_OBJECTION_DUE
        notify(
            users=users_with_roles(o.organisation_id, Role.COORDINATOR, Role.DECISION_MAKER),
            organisation_id=o.organisation_id,
            kind="reminder",
            url=url,
            reference=o.case.number if o.case is not None else o.subject_shown,
            text=text,
            params={"s": o.subject_message, "u": o.union.name, "d": o.answer_due.isoformat()},
        )
        sent += 1
    return sent


# Days before a report date when the project's owners are reminded.
REPORT_REMIND_DAYS_BEFORE = 7
# How long after a missed date the late reminder is still sent.
REPORT_LATE_WINDOW_DAYS = 60


def send_project_report_reminders(*, now=None) -> int:
    """Remind a project's owners of a report: once when the date is within
    REPORT_REMIND_DAYS_BEFORE days, and once when it has passed without a report (then the
    coordinators are told too). Each reminder once (`ReportReminder`). Returns how many."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    dates = ReportDate.objects.filter(
        due_on__lte=today + timedelta(days=REPORT_REMIND_DAYS_BEFORE),
        due_on__gte=today - timedelta(days=REPORT_LATE_WINDOW_DAYS),
    ).select_related("round")
    sent = 0
    for due in dates:
        stage = ReminderStage.LATE if due.due_on < today else ReminderStage.BEFORE
        reported = ProjectReport.objects.filter(due=due).values("case_id")
        reminded = ReportReminder.objects.filter(due=due, stage=stage).values("case_id")
        cases = (
            Case.objects.filter(round_id=due.round_id, status__in=PROJECT_STATUSES)
            .exclude(status=Status.COMPLETED)
            .exclude(pk__in=reported)
            .exclude(pk__in=reminded)
            .select_related("created_by", "applicant__user", "co_applicant_manager")
        )
        for case in cases:
            users = applicant_users(case)
            if stage == ReminderStage.LATE:
                users += users_with_roles(case.organisation_id, Role.COORDINATOR)
                text = REMIND_REPORT_LATE
            else:
                text = REMIND_REPORT_DUE
            notify(
                users=users,
                organisation_id=case.organisation_id,
                kind="project",
                case_id=case.pk,
                url=f"/decisions/projects/{case.pk}/report/",
                reference=case.number,
                text=text,
                params={"n": case.number, "r": due.label, "d": due.due_on.isoformat()},
            )
            ReportReminder.objects.create(case=case, due=due, stage=stage)
            sent += 1
    return sent
