"""Applications for individual support: an employee applies from an eligible self-check, the
counsellors of their organisation (and of its fund) are told, a counsellor takes the
application and closes it, or the employee withdraws it.

The self-check is not stored. The server re-runs it on the months the employee sends and keeps
only the summary the employee agreed to share (`SupportApplication`)."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lom.common.audit import audit
from lom.common.bounds import COMMENT_MAX
from lom.common.errors import ConflictError, DomainError, PermissionDeniedError
from lom.common.validation import fields_within, optional_text
from lom.mail.notify import notify
from lom.organisations.access import Actor
from lom.support import selectors
from lom.support.eligibility import MonthRecord
from lom.support.messages import SUPPORT_APPLIED, SUPPORT_CLOSED, SUPPORT_TAKEN, SUPPORT_WITHDRAWN
from lom.support.models import SupportApplication
from lom.support.permissions import can_self_check, can_transition_application
from lom.support.workflow import TRANSITIONS

NOTIFY_KIND = "support"
# The most month rows one check takes (the API's and the form's bound too).
MAX_MONTHS = 120


def _url(application: SupportApplication) -> str:
    return f"/support/applications/{application.pk}/"


@transaction.atomic(durable=True)
def support_application_submit(
    *,
    actor: Actor,
    as_of: date,
    records: list[MonthRecord],
    wish: str,
    contact: str,
    consent: bool,
    description: str = "",
) -> SupportApplication:
    """Apply for individual support. The eligibility check is run again here, on `records`,
    for the actor's own employee record (never anyone else's); only an eligible result makes
    an application. The counsellors who serve the employee are notified."""
    verdict = can_self_check(actor)
    if not verdict:
        raise PermissionDeniedError(verdict.reason)
    employee = actor.employee
    assert employee is not None  # can_self_check said so
    if len(records) > MAX_MONTHS:
        raise DomainError(_("Skicka högst %(n)d månader.") % {"n": MAX_MONTHS}, field="months")
    fields_within(SupportApplication, {"wish": wish, "contact": contact})
    if not wish:
        raise DomainError(_("Välj vilket stöd du vill ha."), field="wish")
    if not contact:
        raise DomainError(_("Välj hur du vill bli kontaktad."), field="contact")
    description = optional_text(description, field="description", max_length=COMMENT_MAX)
    if not consent:
        raise DomainError(
            _("Du behöver samtycka till att vägledaren ser sammanfattningen av prövningen."),
            field="consent",
        )
    try:
        result = selectors.self_check(actor=actor, as_of=as_of, records=records)
    except ValueError as exc:
        raise DomainError(_("Samma månad finns två gånger i tabellen."), field="months") from exc
    if not result.eligible:
        raise DomainError(
            _(
                "Grundvillkoret är inte uppfyllt: %(c)d av %(n)d månader räknas. Du kan inte "
                "ansöka om individuellt stöd här; kontakta samordnaren om du tror att något är fel."
            )
            % {"c": result.counted_months, "n": result.months_required},
            field="months",
            code="not_eligible",
        )
    application = SupportApplication.objects.create(
        organisation=actor.organisation,
        employee=employee,
        created_by=actor.user,
        wish=wish,
        contact=contact,
        description=description,
        consent=True,
        eligible=True,
        as_of=as_of,
        rule_year=result.thresholds.year,
        rule_confirmed=result.thresholds.confirmed,
        counted_months=result.counted_months,
        months_required=result.months_required,
    )
    # The audit trail records the summary and the choices, never the free text.
    audit(
        organisation_id=actor.organisation.pk,
        actor=actor.user,
        action="support.application_submit",
        target=application,
        after={
            "as_of": as_of.isoformat(),
            "rule_year": application.rule_year,
            "counted_months": application.counted_months,
            "wish": wish,
            "contact": contact,
        },
    )
    for organisation_id, coaches in selectors.application_coach_users(
        organisation=actor.organisation
    ).items():
        notify(
            users=coaches,
            organisation_id=organisation_id,
            kind=NOTIFY_KIND,
            text=SUPPORT_APPLIED,
            params={"n": employee.full_name, "o": actor.organisation.name},
            url=_url(application),
        )
    return application


@transaction.atomic(durable=True)
def support_application_transition(
    *, actor: Actor, application: SupportApplication, name: str
) -> SupportApplication:
    """Take (a coach), close (a coach) or withdraw (the applicant) an application, by the table
    in `lom.support.workflow`."""
    if name not in TRANSITIONS:
        raise DomainError(_("Okänd åtgärd."), field="name")
    application = SupportApplication.objects.select_for_update().get(pk=application.pk)
    parties = selectors.application_parties(actor=actor, application=application)
    if not parties:
        raise DomainError(_("Ansökan finns inte."), code="not_found")
    verdict = can_transition_application(parties, application, name)
    t = TRANSITIONS[name]
    if not verdict:
        if t.actor not in parties:
            raise PermissionDeniedError(verdict.reason)
        raise ConflictError(verdict.reason, code="state")
    before = application.status
    now = timezone.now()
    application.status = t.target
    if name == "take":
        application.coach = actor.user
        application.taken_at = now
    else:
        application.ended_at = now
    application.save(update_fields=["status", "coach", "taken_at", "ended_at"])
    audit(
        organisation_id=application.organisation_id,
        actor=actor.user,
        action=f"support.application_{name}",
        target=application,
        before={"status": before},
        after={"status": application.status},
    )
    employee_user = application.employee.user
    if name in ("take", "close") and employee_user is not None:
        notify(
            users=[employee_user],
            organisation_id=application.organisation_id,
            kind=NOTIFY_KIND,
            text=(SUPPORT_TAKEN if name == "take" else SUPPORT_CLOSED),
            url=_url(application),
        )
    elif name == "withdraw" and application.coach is not None:
        notify(
            users=[application.coach],
            organisation_id=application.organisation_id,
            kind=NOTIFY_KIND,
            text=SUPPORT_WITHDRAWN,
            params={"n": application.employee.full_name},
            url=_url(application),
        )
    return application
