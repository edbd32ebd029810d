"""Who may see and record follow-ups, and who answers the participant survey."""

from django.utils.translation import gettext as _

from lom.cases.models import Case, Status
from lom.cases.permissions import is_unit_manager
from lom.common.verdict import YES, Verdict
from lom.organisations.access import Actor
from lom.organisations.models import Role

# Read the follow-up of a case (per-participant outcomes are personal data: no union reps).
FOLLOWUP_READERS = (Role.COORDINATOR, Role.DECISION_MAKER, Role.AUDITOR, Role.ORG_ADMIN)


def can_view_followup(actor: Actor, case: Case) -> bool:
    if case.organisation_id != actor.organisation.pk or case.status == Status.DRAFT:
        return False
    return actor.has(*FOLLOWUP_READERS) or is_unit_manager(actor, case)


def can_record_followup(actor: Actor, case: Case) -> Verdict:
    if case.organisation_id != actor.organisation.pk:
        return Verdict(False, _("Ärendet tillhör en annan organisation."))
    if not actor.is_coordinator:
        return Verdict(False, _("Bara samordnare registrerar uppföljningar."))
    if case.status != Status.COMPLETED:
        return Verdict(False, _("Uppföljning görs när insatsen är avslutad."))
    return YES


def is_participant(actor: Actor, case: Case) -> bool:
    return (
        actor.employee is not None
        and case.organisation_id == actor.organisation.pk
        and case.applicant_id == actor.employee.pk
    )


def can_answer_survey(actor: Actor, case: Case, *, already_answered: bool) -> Verdict:
    if not is_participant(actor, case):
        return Verdict(False, _("Bara deltagaren själv kan svara på enkäten."))
    if case.status != Status.COMPLETED:
        return Verdict(False, _("Enkäten öppnar när insatsen är avslutad."))
    if already_answered:
        return Verdict(False, _("Du har redan svarat. Tack!"))
    return YES


def can_read_free_text(actor: Actor) -> bool:
    """Free-text survey answers, without names: the coordinator only."""
    return actor.is_coordinator


def can_manage_followup_settings(actor: Actor) -> bool:
    return actor.has(Role.COORDINATOR, Role.ORG_ADMIN)
