"""Who reads the register of documents and who sets the numbering series.

The register is read by the organisation's staff (coordinators, decision makers, auditors,
administrators) and, in a fund organisation, by its fund officers: they see every registered
document. A union representative reads the register too, but only the documents marked public
(minutes, agreement versions, …): the others may hold an applicant's personal circumstances and
are tried for secrecy before anyone outside the employer's staff sees them."""

from django.utils.translation import gettext as _

from lom.common.verdict import YES, Verdict
from lom.organisations.access import Actor
from lom.organisations.models import Role

FULL_READERS = (
    Role.COORDINATOR,
    Role.DECISION_MAKER,
    Role.AUDITOR,
    Role.ORG_ADMIN,
    Role.FUND_OFFICER,
)
SERIES_MANAGERS = (Role.COORDINATOR, Role.ORG_ADMIN)


def can_read_register(actor: Actor) -> Verdict:
    if actor.has(*FULL_READERS, Role.UNION_REP):
        return YES
    return Verdict(False, _("Din roll har inte tillgång till diariet."))


def reads_public_only(actor: Actor) -> bool:
    """A union representative (without a staff role) sees the public documents only."""
    return not actor.has(*FULL_READERS)


def can_manage_series(actor: Actor) -> Verdict:
    if actor.has(*SERIES_MANAGERS):
        return YES
    return Verdict(False, _("Bara samordnare och administratörer ställer in diariets nummerserie."))
