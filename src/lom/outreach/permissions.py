"""Who may do what with the outreach material. Each answer carries a reason."""

from django.utils.translation import gettext as _

from lom.common.verdict import Verdict
from lom.organisations.access import Actor

YES = Verdict(True)
EDITORS = ("coordinator", "org_admin")
STATS_READERS = ("coordinator", "org_admin", "decision_maker", "auditor", "union_rep")


def can_manage_outreach(actor: Actor) -> Verdict:
    if actor.has(*EDITORS):
        return YES
    return Verdict(
        False, _("Bara samordnare och administratörer kan ändra informationen till medarbetarna.")
    )


def can_read_reach(actor: Actor) -> Verdict:
    if actor.has(*STATS_READERS):
        return YES
    return Verdict(False, _("Din roll kan inte se statistiken över informationssidan."))
