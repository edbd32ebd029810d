"""Named predicates about cases. Each answers with a reason the UI can show."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from lom.cases.models import Case, Status
from lom.cases.workflow import APPLICANT, EDITABLE_STATES, TRANSITIONS, UNIT_MANAGER
from lom.common.errors import ConflictError, PermissionDeniedError
from lom.common.verdict import YES, Verdict
from lom.organisations.access import Actor


@dataclass(frozen=True)
class StateVerdict(Verdict):
    """A verdict that also says whether the case's state refused (not the actor's role)."""

    state: bool = False


def require(verdict: Verdict) -> None:
    """Raise the refusal of `verdict`: a conflict when the case's state refused the action
    (the API answers 409), else a permission refusal (403)."""
    if verdict:
        return
    if isinstance(verdict, StateVerdict) and verdict.state:
        raise ConflictError(verdict.reason, code="status")
    raise PermissionDeniedError(verdict.reason)


def is_applicant_side(actor: Actor, case: Case) -> bool:
    uid = actor.user.pk
    if case.created_by_id == uid or case.co_applicant_manager_id == uid:
        return True
    return actor.employee is not None and case.applicant_id == actor.employee.pk


def is_unit_manager(actor: Actor, case: Case) -> bool:
    return actor.is_manager and actor.manages_path(case.unit_path)


def can_view_case(actor: Actor, case: Case) -> bool:
    if case.organisation_id != actor.organisation.pk:
        return False
    if is_applicant_side(actor, case):
        return True
    if case.status == Status.DRAFT:
        return False
    return actor.is_staff_reader or actor.is_union_rep or is_unit_manager(actor, case)


def can_see_private_reason(actor: Actor, case: Case) -> bool:
    """Personal circumstances: the applicant side, the unit manager, coordinators and decision
    makers. Union representatives and auditors only when the applicant consented."""
    if is_applicant_side(actor, case) or is_unit_manager(actor, case):
        return True
    if actor.has("coordinator", "decision_maker"):
        return True
    return case.share_private_reason


def can_edit_case(actor: Actor, case: Case) -> Verdict:
    if not is_applicant_side(actor, case):
        return Verdict(False, _("Bara sökande kan ändra ansökan."))
    if case.status not in EDITABLE_STATES:
        return StateVerdict(
            False,
            _("Ansökan kan bara ändras som utkast eller när den är återsänd för komplettering."),
            state=True,
        )
    return YES


def can_take(actor: Actor, case: Case, name: str, *, endorsement_required: bool = False) -> Verdict:
    t = TRANSITIONS.get(name)
    if t is None:
        return Verdict(False, _("Okänd åtgärd."))
    if case.organisation_id != actor.organisation.pk:
        return Verdict(False, _("Ärendet tillhör en annan organisation."))
    who = set()
    if is_applicant_side(actor, case):
        who.add(APPLICANT)
    if is_unit_manager(actor, case):
        who.add(UNIT_MANAGER)
    who |= set(actor.roles)
    if not (who & t.actors):
        return Verdict(False, _("Din roll får inte göra detta."))
    if name in ("approve", "reject") and is_applicant_side(actor, case):
        return Verdict(False, _("Du kan inte besluta i ett ärende där du själv är sökande."))
    if name == "endorse" and is_applicant_side(actor, case):
        return Verdict(False, _("Du kan inte tillstyrka din egen ansökan."))
    # The role first, then the state: a step the caller may never take is refused as such.
    if case.status not in t.sources:
        return StateVerdict(
            False,
            _("Åtgärden går inte att göra när ärendet har status ”%(s)s”.")
            % {"s": case.get_status_display()},
            state=True,
        )
    return YES


def can_comment(actor: Actor, case: Case) -> Verdict:
    if not can_view_case(actor, case):
        return Verdict(False, _("Du har inte tillgång till ärendet."))
    if actor.roles == frozenset({"auditor"}) and not is_applicant_side(actor, case):
        return Verdict(False, _("Revisorer kan läsa men inte ändra."))
    return YES


def can_record_expense(actor: Actor, case: Case) -> Verdict:
    if not actor.is_coordinator:
        return Verdict(False, _("Bara samordnare registrerar utgifter."))
    if case.status not in (Status.APPROVED, Status.IN_PROGRESS):
        return StateVerdict(
            False, _("Utgifter kan bara registreras på beviljade ärenden."), state=True
        )
    return YES


def can_create_case(actor: Actor) -> Verdict:
    if actor.employee is None and not actor.is_manager:
        return Verdict(False, _("Du behöver vara registrerad som medarbetare för att ansöka."))
    return YES
