"""Who hears about a case: the applicant side, and the roles the next step waits for."""

from lom.accounts.models import User
from lom.cases.messages import CASE_STATUS
from lom.cases.models import Case, Status
from lom.cases.permissions import case_endorsers
from lom.mail.notify import notify
from lom.organisations.models import Role
from lom.organisations.selectors import users_with_roles


def applicant_users(case: Case) -> list[User]:
    users = [case.created_by]
    applicant = case.applicant
    if applicant is not None and applicant.user is not None:
        users.append(applicant.user)
    if case.co_applicant_manager is not None:
        users.append(case.co_applicant_manager)
    return users


def unit_managers(case: Case) -> list[User]:
    """Who a case awaiting endorsement waits for: the named co-applying manager, else the
    managers over its unit other than the applicant (or, with none, the coordinators)."""
    return case_endorsers(case)


def notify_case_transition(*, case: Case, name: str, actor_user: User) -> None:
    """Who hears about a status change: the applicant side always; coordinators when there
    is work; the unit's managers when they must endorse; union representatives on decisions.
    Runs inside the transition's transaction."""
    url = f"/cases/{case.pk}/"
    label = f"{case.display_number} {case.title}"
    text = CASE_STATUS
    params = {"case": label, "status": Status(case.status).label}  # rendered per recipient
    recipients = applicant_users(case)
    if case.status == Status.SUBMITTED:
        recipients += users_with_roles(case.organisation_id, Role.COORDINATOR)
    if case.status == Status.AWAITING_ENDORSEMENT:
        recipients += unit_managers(case)
    if case.status == Status.RECONSIDERATION:
        recipients += users_with_roles(case.organisation_id, Role.COORDINATOR, Role.DECISION_MAKER)
    kind = "status"
    if name in ("approve", "reject", "reconsider_approve", "reconsider_reject"):
        kind = "decision"
        recipients += users_with_roles(case.organisation_id, Role.UNION_REP)
    recipients = [u for u in recipients if u.pk != actor_user.pk]
    notify(
        users=recipients,
        organisation_id=case.organisation_id,
        kind=kind,
        text=text,
        params=params,
        case_id=case.pk,
        reference=case.number,
        url=url,
    )
