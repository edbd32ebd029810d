"""The read log of a case's personal reason: a row each time it is shown or exported to
anyone but the applicant (the employee reading their own reason is not logged)."""

from lom.cases.models import Case
from lom.common.readlog import record_read
from lom.organisations.access import Actor


def record_private_reason_read(*, actor: Actor, case: Case, channel: str) -> None:
    if not case.private_reason:
        return
    if actor.employee is not None and case.applicant_id == actor.employee.pk:
        return
    record_read(
        organisation_id=case.organisation_id,
        actor=actor.user,
        data_class="case.private_reason",
        target=case,
        channel=channel,
        employee_id=case.applicant_id,
    )
