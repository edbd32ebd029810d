"""Named predicates about the measure library. Each answers with a reason the UI can show."""

from django.utils.translation import gettext as _

from lom.cases.models import Case, Status
from lom.common.verdict import YES, Verdict
from lom.followup.models import FollowUp
from lom.library.models import EntryStatus, LibraryEntry
from lom.organisations.access import Actor

EMPLOYER_ROLES = ("coordinator", "decision_maker")
UNION_ROLES = ("union_rep",)


def can_read_library(actor: Actor) -> bool:
    """Every logged-in user of any organisation of the installation."""
    return actor is not None


def can_manage_library(actor: Actor) -> bool:
    """Sees the organisation's own drafts and withdrawn entries."""
    return actor.has(*EMPLOYER_ROLES, *UNION_ROLES)


def can_draft_entry(actor: Actor, case: Case) -> Verdict:
    if case.organisation_id != actor.organisation.pk:
        return Verdict(False, _("Ärendet finns inte."))
    if not actor.has("coordinator"):
        return Verdict(False, _("Bara samordnaren kan skriva ett utkast till biblioteket."))
    if case.status != Status.COMPLETED:
        return Verdict(False, _("Bara avslutade insatser kan delas i biblioteket."))
    if not FollowUp.objects.filter(case=case, kind=FollowUp.Kind.END).exists():
        return Verdict(False, _("Insatsen måste vara uppföljd innan den kan delas."))
    return YES


def can_edit_entry(actor: Actor, entry: LibraryEntry) -> Verdict:
    if entry.organisation_id != actor.organisation.pk or not actor.has("coordinator"):
        return Verdict(False, _("Bara samordnaren kan ändra utkastet."))
    if entry.status != EntryStatus.DRAFT:
        return Verdict(False, _("Bara utkast kan ändras."))
    return YES


def consent_side(actor: Actor, entry: LibraryEntry, side: str) -> Verdict:
    """May the actor give consent for `side` ("employer" or "union")?"""
    if entry.organisation_id != actor.organisation.pk:
        return Verdict(False, _("Exemplet finns inte."))
    if entry.status != EntryStatus.DRAFT:
        return Verdict(False, _("Samtycke ges bara till utkast."))
    if side == "employer":
        if not actor.has(*EMPLOYER_ROLES):
            return Verdict(
                False, _("Arbetsgivarens samtycke ges av samordnare eller beslutsfattare.")
            )
        if entry.employer_consent_at:
            return Verdict(False, _("Arbetsgivaren har redan samtyckt."))
        if entry.union_consent_by_id == actor.user.pk:
            return Verdict(False, _("Samma person kan inte samtycka för båda parter."))
        return YES
    if side == "union":
        if not actor.has(*UNION_ROLES):
            return Verdict(False, _("Den fackliga sidans samtycke ges av en facklig företrädare."))
        if entry.union_consent_at:
            return Verdict(False, _("Den fackliga sidan har redan samtyckt."))
        if entry.employer_consent_by_id == actor.user.pk:
            return Verdict(False, _("Samma person kan inte samtycka för båda parter."))
        return YES
    return Verdict(False, _("Okänd part."))


def can_withdraw_entry(actor: Actor, entry: LibraryEntry) -> Verdict:
    if entry.organisation_id != actor.organisation.pk:
        return Verdict(False, _("Exemplet finns inte."))
    if not actor.has(*EMPLOYER_ROLES, *UNION_ROLES):
        return Verdict(False, _("Bara parterna kan återta ett exempel."))
    if entry.status == EntryStatus.WITHDRAWN:
        return Verdict(False, _("Exemplet är redan återtaget."))
    return YES


def can_publish_anyway(actor: Actor, entry: LibraryEntry) -> Verdict:
    """May the actor confirm that a draft close to a published entry is a measure of its own?"""
    if entry.organisation_id != actor.organisation.pk or not actor.has("coordinator"):
        return Verdict(False, _("Bara samordnaren kan bekräfta att exemplet ska publiceras."))
    if entry.status != EntryStatus.DRAFT:
        return Verdict(False, _("Bara utkast kan bekräftas."))
    if entry.publish_anyway_at:
        return Verdict(False, _("Publiceringen är redan bekräftad."))
    return YES
