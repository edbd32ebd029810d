"""Who may do what in meetings, objections and rounds. Each answer carries a reason."""

from django.utils.translation import gettext as _

from lom.common.verdict import Verdict
from lom.organisations.access import Actor

YES = Verdict(True)
EMPLOYER_DECIDERS = ("coordinator", "decision_maker")
# The roles that read meetings and objections.
READERS = ("coordinator", "decision_maker", "union_rep", "auditor", "org_admin")
# The roles that score the applications of a round (the parties).
ASSESSOR_ROLES = ("coordinator", "decision_maker", "union_rep")


def can_manage_meetings(actor: Actor) -> Verdict:
    if actor.is_coordinator:
        return YES
    return Verdict(False, _("Bara samordnaren planerar sammanträden och för protokoll."))


def can_read_meetings(actor: Actor) -> Verdict:
    if actor.has(*READERS):
        return YES
    return Verdict(False, _("Din roll har inte tillgång till sammanträden."))


def can_read_objections(actor: Actor) -> Verdict:
    if actor.has(*READERS):
        return YES
    return Verdict(False, _("Din roll har inte tillgång till invändningar."))


def can_record_position(actor: Actor, union_id: int | None) -> Verdict:
    """A party's representative speaks only for their own party."""
    if union_id is None:
        if actor.has(*EMPLOYER_DECIDERS):
            return YES
        return Verdict(
            False, _("Bara arbetsgivarens företrädare kan ta ställning för arbetsgivaren.")
        )
    if union_id in actor.union_ids:
        return YES
    return Verdict(False, _("Du kan bara ta ställning för ditt eget fackförbund."))


def can_raise_objection(actor: Actor) -> Verdict:
    if actor.union_ids:
        return YES
    return Verdict(False, _("Bara fackliga företrädare kan framföra invändningar."))


def can_answer_objection(actor: Actor) -> Verdict:
    if actor.has(*EMPLOYER_DECIDERS):
        return YES
    return Verdict(False, _("Arbetsgivarens företrädare besvarar invändningar."))


def can_assess(actor: Actor) -> Verdict:
    if actor.has(*ASSESSOR_ROLES):
        return YES
    return Verdict(False, _("Din roll bedömer inte ansökningar i omgången."))
