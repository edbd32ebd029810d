"""Reminders for cases that wait too long for someone, and for objections whose answer is due.
Run by scheduled background tasks (the scheduler's jobs `case_reminders` and
`objection_reminders`, or `manage.py send_reminders`, enqueue them; a `run_worker` process runs
them), never in a request."""

from datetime import timedelta

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lom.cases.models import Case, Status
from lom.cases.notifications import applicant_users, unit_managers
from lom.common.models import Notification
from lom.decisions.models import Objection
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
            text=_("Påminnelse: %(n)s har väntat i %(d)d dagar (%(s)s)"),
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
        text = (
            _("Påminnelse: svaret på invändningen %(s)s från %(u)s ska lämnas senast %(d)s")
            if stage == "soon"
            else _("Sista dag: svaret på invändningen %(s)s från %(u)s skulle lämnas senast %(d)s")
        )
        notify(
            users=users_with_roles(o.organisation_id, Role.COORDINATOR, Role.DECISION_MAKER),
            organisation_id=o.organisation_id,
            kind="reminder",
            url=url,
            reference=o.case.number if o.case is not None else o.subject,
            text=text,
            params={"s": o.subject, "u": o.union.name, "d": o.answer_due.isoformat()},
        )
        sent += 1
    return sent
