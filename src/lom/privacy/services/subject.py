"""The data-subject export (registerutdrag): everything LOM holds about one employee. The
export is audited, and read-logged like any other display of the special-category fields it
contains (one row per personal reason and per counselling note)."""

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from lom.common.audit import audit
from lom.common.errors import PermissionDeniedError
from lom.common.models import ReadLog
from lom.common.readlog import record_reads
from lom.organisations.access import Actor
from lom.organisations.models import Employee
from lom.privacy.permissions import SUBJECT_EXPORT_ROLES
from lom.privacy.selectors.subject import subject_bookings, subject_cases, subject_data

FORMATS = ("json", "pdf")


@transaction.atomic(durable=True)
def subject_export(*, actor: Actor, employee: Employee, fmt: str) -> dict[str, Any]:
    """The export's data for `employee` of the actor's organisation; records who exported it."""
    if not actor.has(*SUBJECT_EXPORT_ROLES) or employee.organisation_id != actor.organisation.pk:
        raise PermissionDeniedError(_("Bara administratören kan ta ut ett registerutdrag."))
    assert fmt in FORMATS
    cases = subject_cases(employee=employee)
    bookings = subject_bookings(employee=employee)
    data = subject_data(employee=employee, cases=cases, bookings=bookings)
    org_id = actor.organisation.pk
    record_reads(
        organisation_id=org_id,
        actor=actor.user,
        data_class="case.private_reason",
        targets=[(c, employee.pk) for c in cases if c.private_reason],
        channel=ReadLog.Channel.EXPORT,
    )
    record_reads(
        organisation_id=org_id,
        actor=actor.user,
        data_class="support.session_note",
        targets=[(n, employee.pk) for b in bookings for n in b.notes.all() if n.text],
        channel=ReadLog.Channel.EXPORT,
    )
    audit(
        organisation_id=org_id,
        actor=actor.user,
        action="privacy.subject_export",
        target=employee,
        after={"format": fmt, "cases": len(cases), "bookings": len(bookings)},
    )
    return data
