"""In-app notifications, and e-mail sent after the transaction commits (never in a failed one).
Users can turn off e-mail per kind; the in-app list always shows everything."""

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from lom.accounts.models import User
from lom.cases.models import Case, Status
from lom.decisions.models import Notification, NotificationPreference
from lom.organisations.models import Membership, Role

KINDS = {
    "status": _("Ett ärende har bytt status"),
    "agenda": _("Ett ärende har satts upp på en dagordning"),
    "decision": _("Ett beslut har fattats"),
    "objection": _("Invändningar"),
    "reminder": _("Påminnelser om ärenden som väntar"),
}


def _email_opt_outs(users: list[User], kind: str) -> set[int]:
    return set(
        NotificationPreference.objects.filter(user__in=users, kind=kind, email=False).values_list(
            "user_id", flat=True
        )
    )


def notify(
    *,
    users: Iterable[User],
    organisation_id: int,
    kind: str,
    text: str,
    case: Case | None = None,
    url: str = "",
) -> list[Notification]:
    users = [u for u in {u.pk: u for u in users if u is not None}.values()]
    if not users:
        return []
    rows = Notification.objects.bulk_create(
        [
            Notification(
                user=u,
                organisation_id=organisation_id,
                case=case,
                kind=kind,
                text=str(text)[:300],
                url=url,
            )
            for u in users
        ]
    )
    opted_out = _email_opt_outs(users, kind)
    recipients = [u.email for u in users if u.email and u.pk not in opted_out]
    if recipients:
        subject = f"LOM: {str(text)[:120]}"
        body = f"{text}\n\n{url}" if url else str(text)

        def send() -> None:
            for address in recipients:
                send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address], fail_silently=True)

        transaction.on_commit(send)
    return rows


def role_users(organisation_id: int, *roles: str) -> list[User]:
    return [
        m.user
        for m in Membership.objects.filter(
            organisation_id=organisation_id, role__in=roles
        ).select_related("user")
    ]


def applicant_users(case: Case) -> list[User]:
    users = [case.created_by]
    if case.applicant_id and case.applicant.user_id:
        users.append(case.applicant.user)
    if case.co_applicant_manager_id:
        users.append(case.co_applicant_manager)
    return users


def unit_managers(case: Case) -> list[User]:
    rows = Membership.objects.filter(
        organisation_id=case.organisation_id, role=Role.MANAGER
    ).select_related("user", "unit")
    return [m.user for m in rows if m.unit and case.unit_path.startswith(m.unit.path)]


def notify_case_transition(*, case: Case, name: str, actor_user: User) -> None:
    """Who hears about a status change: the applicant side always; coordinators when there
    is work; the unit's managers when they must endorse; union representatives on decisions."""
    url = f"/cases/{case.pk}/"
    label = f"{case.display_number} {case.title}"
    text = _("%(case)s: %(status)s") % {"case": label, "status": case.get_status_display()}
    recipients = applicant_users(case)
    if case.status == Status.SUBMITTED:
        recipients += role_users(case.organisation_id, Role.COORDINATOR)
    if case.status == Status.AWAITING_ENDORSEMENT:
        recipients += unit_managers(case)
    kind = "status"
    if name in ("approve", "reject"):
        kind = "decision"
        recipients += role_users(case.organisation_id, Role.UNION_REP)
    recipients = [u for u in recipients if u.pk != actor_user.pk]
    notify(
        users=recipients,
        organisation_id=case.organisation_id,
        kind=kind,
        text=text,
        case=case,
        url=url,
    )
