"""Reminders for cases that wait too long for someone. Run by a scheduled background task
(the scheduler's job `case_reminders` or `manage.py send_reminders` enqueues it; a
`run_worker` process runs it), never in a request."""

from datetime import timedelta

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lom.cases.models import Case, Status
from lom.cases.notifications import applicant_users, unit_managers
from lom.common.models import Notification
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
