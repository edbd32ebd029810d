"""Named predicates about cases. Each answers with a reason the UI can show."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from lom.accounts.models import User
from lom.cases.models import Case, Status
from lom.cases.workflow import APPLICANT, EDITABLE_STATES, ENDORSER, TRANSITIONS, UNIT_MANAGER
from lom.common.errors import ConflictError, PermissionDeniedError
from lom.common.verdict import YES, Verdict
from lom.organisations.access import Actor
from lom.organisations.models import Role
from lom.organisations.selectors import managers_over_path, users_with_roles


@dataclass(frozen=True)
class StateVerdict(Verdict):
    """A verdict that also says whether the case's state refused (not the actor's role)."""

    state: bool = False


# The steps that decide a case: never by someone on the applicant's side.
DECIDING = frozenset({"approve", "reject", "reconsider_approve", "reconsider_reject"})


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


def _own_user_id(case: Case) -> int | None:
    """Whose application it is: the applicant's user, or for a case without an applicant (a
    group, a project) the user who created it. They never endorse it."""
    applicant = case.applicant if case.applicant_id is not None else None
    if applicant is not None:
        return applicant.user_id
    return case.created_by_id


def case_endorsers(case: Case) -> list[User]:
    """Who may endorse the case: the co-applying manager when one is named; else the managers
    over its unit except the applicant (so a manager's own application goes to the next
    manager up); where there is no such manager, the coordinators."""
    if case.co_applicant_manager_id is not None:
        assert case.co_applicant_manager is not None
        return [case.co_applicant_manager]
    own = _own_user_id(case)
    managers = [
        u
        for u in managers_over_path(organisation_id=case.organisation_id, path=case.unit_path)
        if u.pk != own
    ]
    if managers:
        return managers
    return [u for u in users_with_roles(case.organisation_id, Role.COORDINATOR) if u.pk != own]


def endorser_verdict(actor: Actor, case: Case) -> Verdict:
    """Whether the actor may endorse (or send back) the case, and why not."""
    uid = actor.user.pk
    if uid == _own_user_id(case):
        return Verdict(False, _("Du kan inte tillstyrka din egen ansökan."))
    if case.co_applicant_manager_id is not None and case.co_applicant_manager_id != uid:
        return Verdict(
            False,
            _(
                "Ansökan ska tillstyrkas av %(m)s, som är medsökande chef. Bara hen kan "
                "bekräfta den."
            )
            % {"m": case.co_applicant_manager},
        )
    if case.co_applicant_manager_id == uid or is_unit_manager(actor, case):
        return YES
    # The coordinators stand in only where no manager can (looked up only when it matters).
    if (
        actor.is_coordinator
        and case.status == Status.AWAITING_ENDORSEMENT
        and any(u.pk == uid for u in case_endorsers(case))
    ):
        return YES
    return Verdict(False, _("Bara en chef för enheten kan tillstyrka ansökan."))


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
    if ENDORSER in t.actors:
        endorser = endorser_verdict(actor, case)
        if not endorser:
            return endorser
        who.add(ENDORSER)
    if not (who & t.actors):
        return Verdict(False, _("Din roll får inte göra detta."))
    if name in DECIDING and is_applicant_side(actor, case):
        return Verdict(False, _("Du kan inte besluta i ett ärende där du själv är sökande."))
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
