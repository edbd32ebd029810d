"""Who may see the levers of a fund period and the campaigns, and act on them. Each answer
carries a reason.

Campaigns: coordinators and administrators act; union representatives (and the decision makers
and auditors) see the campaigns and their funnels."""

from django.utils.translation import gettext as _

from lom.common.verdict import Verdict
from lom.organisations.access import Actor

YES = Verdict(True)

SENDERS = ("coordinator", "org_admin")
READERS = ("coordinator", "org_admin", "union_rep", "decision_maker", "auditor")

# Who sees the levers: those who run the process, and the union representatives (read only:
# they see what could be done and its expected effect, the employer acts).
LEVER_READERS = ("coordinator", "org_admin", "union_rep")
# Who acts on a lever (a campaign from it).
LEVER_ACTORS = ("coordinator", "org_admin")


def can_read_levers(actor: Actor) -> Verdict:
    if actor.has(*LEVER_READERS):
        return YES
    return Verdict(False, _("Din roll kan inte se hävstängerna mot outnyttjade medel."))


def can_act_on_levers(actor: Actor) -> Verdict:
    if actor.has(*LEVER_ACTORS):
        return YES
    return Verdict(False, _("Bara samordnare och administratörer agerar på hävstängerna."))


def can_open_round(actor: Actor) -> Verdict:
    """A round is the coordinator's (as every application round is)."""
    if actor.is_coordinator:
        return YES
    return Verdict(False, _("Bara samordnaren utlyser en ansökningsomgång."))


def sees_manager_names(actor: Actor) -> bool:
    """The silent units' managers by name: for coordinators."""
    return actor.is_coordinator
