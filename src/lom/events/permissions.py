"""Who may do what with events.

Events organiser (installation-wide): a user with the permission `events.manage_events`
(granted in the Django admin to a user or a group; superusers have it), or a user who is
administrator (ORG_ADMIN) or fund officer (FUND_OFFICER) of an organisation of kind FUND,
the body that in practice runs the experience exchanges. Being Django staff alone is not
enough. Registering an organisation: its coordinator, administrator or union
representative (the parties attend together, so either side may register both)."""

from django.utils import timezone
from django.utils.translation import gettext as _

from lom.accounts.models import User
from lom.common.verdict import YES, Verdict
from lom.events.models import Event, Participant, Registration
from lom.organisations.access import Actor
from lom.organisations.models import Membership, Organisation, Role

REGISTRARS = (Role.COORDINATOR, Role.ORG_ADMIN, Role.UNION_REP)


def is_organiser(user: User | None) -> bool:
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.has_perm("events.manage_events"):
        return True
    return Membership.objects.filter(
        user=user,
        role__in=(Role.ORG_ADMIN, Role.FUND_OFFICER),
        organisation__kind=Organisation.Kind.FUND,
    ).exists()


def can_organise(actor: Actor) -> Verdict:
    if is_organiser(actor.user):
        return YES
    return Verdict(False, _("Bara evenemangsansvariga kan skapa och ändra evenemang."))


def can_register(actor: Actor, event: Event) -> Verdict:
    if not actor.has(*REGISTRARS):
        return Verdict(
            False,
            _("Samordnare, administratörer och fackliga företrädare anmäler organisationen."),
        )
    if event.cancelled_at:
        return Verdict(False, _("Evenemanget är inställt."))
    if timezone.now() > event.registration_deadline:
        return Verdict(False, _("Sista anmälningsdag har passerat."))
    return YES


def can_change_registration(actor: Actor, registration: Registration) -> Verdict:
    if registration.organisation_id != actor.organisation.pk:
        return Verdict(False, _("Anmälan tillhör en annan organisation."))
    if not actor.has(*REGISTRARS):
        return Verdict(
            False,
            _("Samordnare, administratörer och fackliga företrädare anmäler organisationen."),
        )
    if registration.status == Registration.Status.CANCELLED:
        return Verdict(False, _("Anmälan är redan avanmäld."))
    if timezone.now() >= registration.event.starts_at:
        return Verdict(False, _("Evenemanget har redan börjat."))
    return YES


EVALUATION_OPEN_DAYS = 60


def evaluation_participant(actor: Actor, event: Event) -> Participant | None:
    """The actor's participation (confirmed) in the event, if any."""
    return (
        Participant.objects.filter(
            registration__event=event,
            registration__status=Registration.Status.CONFIRMED,
            user=actor.user,
        )
        .select_related("registration")
        .first()
    )


def can_evaluate(actor: Actor, event: Event) -> Verdict:
    now = timezone.now()
    if event.cancelled_at:
        return Verdict(False, _("Evenemanget är inställt."))
    if now < event.ends_at:
        return Verdict(False, _("Utvärderingen öppnar när evenemanget är slut."))
    if (now - event.ends_at).days > EVALUATION_OPEN_DAYS:
        return Verdict(False, _("Utvärderingen är stängd."))
    participant = evaluation_participant(actor, event)
    if participant is None:
        return Verdict(False, _("Bara deltagare kan utvärdera evenemanget."))
    if participant.evaluated:
        return Verdict(False, _("Du har redan lämnat din utvärdering. Tack!"))
    return YES
