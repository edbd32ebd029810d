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


def is_participant(actor: Actor, case: Case, *, listed: bool = False) -> bool:
    """The case's named applicant, or (`listed`: the selectors found them on the case's
    participant list) a participant the coordinator listed from the staff register."""
    return (
        actor.employee is not None
        and case.organisation_id == actor.organisation.pk
        and (listed or case.applicant_id == actor.employee.pk)
    )


# A group measure or development project: its participants are listed by the coordinator.
PARTICIPANT_LIST_STATUSES = (Status.APPROVED, Status.IN_PROGRESS, Status.COMPLETED)


def can_list_participants(actor: Actor, case: Case, *, group: bool) -> Verdict:
    """The coordinator lists who took part in a group measure or a development project (so
    each of them is asked in the survey), once the measure is granted."""
    if case.organisation_id != actor.organisation.pk:
        return Verdict(False, _("Ärendet tillhör en annan organisation."))
    if not actor.is_coordinator:
        return Verdict(False, _("Bara samordnare listar deltagarna."))
    if not group:
        return Verdict(False, _("Deltagare listas bara för gruppinsatser och utvecklingsprojekt."))
    if case.status not in PARTICIPANT_LIST_STATUSES:
        return Verdict(False, _("Deltagarna listas när insatsen är beviljad."))
    return YES


def can_answer_survey(
    actor: Actor, case: Case, *, already_answered: bool, listed: bool = False
) -> Verdict:
    if not is_participant(actor, case, listed=listed):
        return Verdict(False, _("Bara deltagaren själv kan svara på enkäten."))
    if case.status != Status.COMPLETED:
        return Verdict(False, _("Enkäten öppnar när insatsen är avslutad."))
    if already_answered:
        return Verdict(False, _("Du har redan svarat. Tack!"))
    return YES


def can_read_measure_rates(actor: Actor) -> bool:
    """Response rates per measure name the cases: the roles that read follow-ups."""
    return actor.has(*FOLLOWUP_READERS)


def can_read_free_text(actor: Actor) -> bool:
    """Free-text survey answers, without names: the coordinator only."""
    return actor.is_coordinator


def can_manage_followup_settings(actor: Actor) -> bool:
    return actor.has(Role.COORDINATOR, Role.ORG_ADMIN)
