"""Who may do what in workshops and plans. Each answer carries a reason the UI can show.

Facilitator is a role in one workshop, not in the organisation: the user who created it and
any participant marked as facilitator."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from lom.common.verdict import Verdict
from lom.organisations.access import Actor
from lom.planning.models import Step, TransitionPlan, Workshop, WorkshopParticipant

YES = Verdict(True)


@dataclass(frozen=True)
class StateVerdict(Verdict):
    """A no because of the thing's state (a locked workshop, a step that is closed, an
    approved plan), not because of who asks: the services raise a ConflictError for it."""

    code: str = "state"


def _locked() -> StateVerdict:
    return StateVerdict(
        False, _("Workshoppen är låst. Gör en ny version för att ändra."), code="locked"
    )


PLAN_PARTIES = ("coordinator", "decision_maker", "union_rep", "org_admin", "auditor")
EMPLOYER_APPROVERS = ("coordinator", "decision_maker")


def participant_of(actor: Actor, workshop: Workshop) -> WorkshopParticipant | None:
    """The actor's participation, from a prefetched list when there is one."""
    cached = getattr(workshop, "_prefetched_objects_cache", {}).get("participants")
    rows = (
        cached
        if cached is not None
        else workshop.participants.filter(user_id=actor.user.pk).select_related("union")
    )
    return next((p for p in rows if p.user_id == actor.user.pk), None)


def can_create_workshop(actor: Actor) -> Verdict:
    if actor.has("coordinator", "org_admin"):
        return YES
    return Verdict(False, _("Bara samordnare och administratörer kan skapa en workshop."))


def can_view_workshop(actor: Actor, workshop: Workshop) -> Verdict:
    if workshop.organisation_id != actor.organisation.pk:
        return Verdict(False, _("Workshoppen tillhör en annan organisation."))
    if participant_of(actor, workshop) is None:
        return Verdict(False, _("Bara inbjudna deltagare ser workshoppen."))
    return YES


def is_facilitator(actor: Actor, workshop: Workshop) -> bool:
    if workshop.organisation_id != actor.organisation.pk:
        return False
    if workshop.created_by_id == actor.user.pk:
        return True
    p = participant_of(actor, workshop)
    return p is not None and p.is_facilitator


def can_facilitate(actor: Actor, workshop: Workshop) -> Verdict:
    if not is_facilitator(actor, workshop):
        return Verdict(False, _("Bara workshoppens facilitator kan göra detta."))
    if workshop.is_locked:
        return _locked()
    return YES


def can_contribute(actor: Actor, workshop: Workshop, step: str) -> Verdict:
    """Participants write in the step the workshop is in; the facilitator in any step."""
    if not can_view_workshop(actor, workshop):
        return Verdict(False, _("Bara inbjudna deltagare kan skriva i workshoppen."))
    if workshop.is_locked:
        return _locked()
    if workshop.step != step and not is_facilitator(actor, workshop):
        return StateVerdict(
            False,
            _("Workshoppen är i steget ”%(s)s”. Det här hör till steget ”%(t)s”.")
            % {"s": Step(workshop.step).label, "t": Step(step).label},
        )
    return YES


def can_remove_item(actor: Actor, workshop: Workshop, author_id: int, step: str) -> Verdict:
    """Your own contribution in the current step, or anything for the facilitator."""
    verdict = can_contribute(actor, workshop, step)
    if not verdict:
        return verdict
    if author_id != actor.user.pk and not is_facilitator(actor, workshop):
        return Verdict(False, _("Du kan bara ta bort det du själv har skrivit."))
    return YES


def can_convert_proposal(actor: Actor, workshop: Workshop, author_id: int | None = None) -> Verdict:
    """Turn a proposal into a draft application or a round: after the workshop is locked, by
    the facilitator, a coordinator who took part, or the proposal's author."""
    if not can_view_workshop(actor, workshop):
        return Verdict(False, _("Bara inbjudna deltagare ser workshoppen."))
    if not workshop.is_locked:
        return Verdict(False, _("Lås workshoppen först; förslagen blir ansökningar efteråt."))
    if is_facilitator(actor, workshop) or actor.is_coordinator or author_id == actor.user.pk:
        return YES
    return Verdict(
        False, _("Facilitatorn, samordnaren eller den som skrev förslaget kan göra det.")
    )


# --- Plans ----------------------------------------------------------------------------------


def can_manage_plans(actor: Actor) -> Verdict:
    if actor.has("coordinator", "org_admin"):
        return YES
    return Verdict(False, _("Bara samordnare och administratörer arbetar med planen."))


def can_view_plan(actor: Actor, plan: TransitionPlan) -> Verdict:
    """An approved plan is for all the organisation's staff; a draft for the parties."""
    if plan.organisation_id != actor.organisation.pk:
        return Verdict(False, _("Planen tillhör en annan organisation."))
    if plan.is_draft and not actor.has(*PLAN_PARTIES):
        return Verdict(False, _("Planen är ett utkast som parterna arbetar med."))
    return YES


def can_edit_plan(actor: Actor, plan: TransitionPlan) -> Verdict:
    verdict = can_manage_plans(actor)
    if not verdict:
        return verdict
    if plan.organisation_id != actor.organisation.pk:
        return Verdict(False, _("Planen tillhör en annan organisation."))
    if not plan.is_draft:
        return StateVerdict(
            False, _("En godkänd plan ändras inte. Gör en ny version för att ändra den.")
        )
    return YES


def can_approve_plan(actor: Actor, union_id: int | None) -> Verdict:
    """Each party's representative approves only for their own party."""
    if union_id is None:
        if actor.has(*EMPLOYER_APPROVERS):
            return YES
        return Verdict(False, _("Samordnare eller beslutsfattare godkänner för arbetsgivaren."))
    if union_id in actor.union_ids:
        return YES
    return Verdict(False, _("Du kan bara godkänna för ditt eget fackförbund."))
