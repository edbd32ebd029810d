"""Who may do what in fund mode. Each answer carries a reason the UI can show.

The fund side is an organisation of kind FUND: its administrator (ORG_ADMIN) opens periods and
allocates, its officer (FUND_OFFICER) assesses notifications and claims, its auditor reads.
The employer side is a member organisation: its coordinator pre-notifies, notifies and claims;
union representatives, decision makers, auditors and administrators read its own notifications."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from lom.common.errors import ConflictError
from lom.common.validation import require as require_role
from lom.common.verdict import Verdict
from lom.fundmode.models import FundMembership, FundRound, MeasureNotification
from lom.fundmode.workflow import (
    EMPLOYER,
    FUND_OFFICER,
    Subject,
    fund_and_member,
    state_allows,
    transitions_for,
)
from lom.organisations.access import Actor
from lom.organisations.models import Organisation, Role

YES = Verdict(True)
FUND_READERS = (Role.ORG_ADMIN, Role.FUND_OFFICER, Role.AUDITOR)
MEMBER_READERS = (
    Role.COORDINATOR,
    Role.UNION_REP,
    Role.DECISION_MAKER,
    Role.AUDITOR,
    Role.ORG_ADMIN,
)


@dataclass(frozen=True)
class StateRefusal(Verdict):
    """No because of the thing's state (already sent, not approved), not the actor's role."""


def require(verdict: Verdict) -> None:
    """Raise the verdict's reason when it says no: a conflict (code "state", the API's 409)
    when the thing's state refuses, else a permission error."""
    if isinstance(verdict, StateRefusal) and not verdict:
        raise ConflictError(verdict.reason, code="state")
    require_role(verdict)


def is_fund_side(actor: Actor) -> bool:
    return actor.organisation.kind == Organisation.Kind.FUND


def can_read_fund(actor: Actor) -> bool:
    """Fund staff read every member's notifications of their own fund."""
    return is_fund_side(actor) and actor.has(*FUND_READERS)


def can_read_as_member(actor: Actor) -> bool:
    return not is_fund_side(actor) and actor.has(*MEMBER_READERS)


def is_member(organisation: Organisation, fund_id: int) -> bool:
    return FundMembership.objects.filter(fund_id=fund_id, member=organisation).exists()


def can_administer(actor: Actor) -> Verdict:
    if is_fund_side(actor) and actor.has(Role.ORG_ADMIN):
        return YES
    return Verdict(False, _("Bara fondens administratör kan hantera perioder och fördelning."))


def can_assess(actor: Actor) -> Verdict:
    if is_fund_side(actor) and actor.has(Role.FUND_OFFICER):
        return YES
    return Verdict(False, _("Bara fondens handläggare kan bedöma anmälningar och rekvisitioner."))


def can_act_for_employer(actor: Actor, fund_round: FundRound) -> Verdict:
    """Pre-notify, notify and claim: a coordinator of a member employer of that fund."""
    if is_fund_side(actor) or not actor.has(Role.COORDINATOR):
        return Verdict(False, _("Bara arbetsgivarens samordnare kan anmäla insatser till fonden."))
    if not is_member(actor.organisation, fund_round.fund_id):
        return Verdict(False, _("Din organisation är inte ansluten till den här fonden."))
    return YES


def can_view_notification(actor: Actor, notification: MeasureNotification) -> bool:
    if is_fund_side(actor):
        return can_read_fund(actor) and notification.round.fund_id == actor.organisation.pk
    return can_read_as_member(actor) and notification.member_id == actor.organisation.pk


def can_edit_notification(actor: Actor, notification: MeasureNotification) -> Verdict:
    verdict = can_act_for_employer(actor, notification.round)
    if not verdict:
        return verdict
    if notification.member_id != actor.organisation.pk:
        return Verdict(False, _("Anmälan tillhör en annan arbetsgivare."))
    if notification.status not in (
        MeasureNotification.Status.PRE_NOTIFIED,
        MeasureNotification.Status.MORE_INFO,
    ):
        return StateRefusal(False, _("Anmälan kan inte ändras när den är skickad till fonden."))
    return YES


def can_claim(actor: Actor, notification: MeasureNotification) -> Verdict:
    verdict = can_act_for_employer(actor, notification.round)
    if not verdict:
        return verdict
    if notification.member_id != actor.organisation.pk:
        return Verdict(False, _("Anmälan tillhör en annan arbetsgivare."))
    if notification.status != MeasureNotification.Status.APPROVED:
        return StateRefusal(False, _("Bara en beviljad insats kan rekvireras."))
    return YES


# --- who may take a transition of the workflow table (lom.fundmode.workflow) ---


def may_act_as(actor: Actor, subject: Subject, who: str) -> Verdict:
    fund_round, member_id = fund_and_member(subject)
    if who == EMPLOYER:
        verdict = can_act_for_employer(actor, fund_round)
        if verdict and member_id != actor.organisation.pk:
            return Verdict(False, _("Anmälan tillhör en annan arbetsgivare."))
        return verdict
    verdict = can_assess(actor) if who == FUND_OFFICER else can_administer(actor)
    if verdict and fund_round.fund_id != actor.organisation.pk:
        return Verdict(False, _("Det hör till en annan fond."))
    return verdict


def can_take(actor: Actor, subject: Subject, name: str) -> Verdict:
    """The state allows the transition and the actor is the one who takes it."""
    if name not in transitions_for(subject):
        return Verdict(False, _("Okänd åtgärd."))
    verdict = state_allows(subject, name)
    if not verdict:
        return verdict
    return may_act_as(actor, subject, transitions_for(subject)[name].actor)
