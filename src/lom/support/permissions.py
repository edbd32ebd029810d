"""Named predicates for individual support. Each answers with a reason the UI can show."""

from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from lom.common.verdict import YES, Verdict
from lom.organisations.access import Actor
from lom.organisations.models import Organisation, Role
from lom.support.models import Booking, Slot, SupportApplication
from lom.support.workflow import COACH, TRANSITIONS, state_allows

# An employee may cancel a booking up to this long before the session starts.
CANCEL_NOTICE = timedelta(hours=24)
# How many upcoming sessions one employee may hold at the same time.
MAX_UPCOMING_BOOKINGS = 2
COUNT_READERS = (
    Role.COORDINATOR,
    Role.DECISION_MAKER,
    Role.AUDITOR,
    Role.ORG_ADMIN,
    Role.UNION_REP,
    Role.FUND_OFFICER,
)


def can_self_check(actor: Actor) -> Verdict:
    if actor.employee is None:
        return Verdict(False, _("Du behöver vara registrerad som medarbetare."))
    return YES


def can_check_employees(actor: Actor) -> Verdict:
    if not actor.has(Role.COORDINATOR):
        return Verdict(False, _("Bara samordnare kan pröva grundvillkoret för medarbetare."))
    return YES


def can_read_checks(actor: Actor) -> Verdict:
    if not actor.has(Role.COORDINATOR, Role.AUDITOR):
        return Verdict(False, _("Bara samordnare och revisorer kan läsa kontrollerna."))
    return YES


def can_import_employment(actor: Actor) -> Verdict:
    if not actor.has(Role.COORDINATOR):
        return Verdict(False, _("Bara samordnare kan läsa in anställningsuppgifter."))
    return YES


def can_edit_rules(actor: Actor) -> Verdict:
    """The thresholds follow the collective agreement and apply to every employer, so only an
    administrator of a fund organisation may change them (and superusers in Django admin)."""
    if not (actor.has(Role.ORG_ADMIN) and actor.organisation.kind == Organisation.Kind.FUND):
        return Verdict(
            False, _("Bara fondens administratör kan ändra gränsvärdena för grundvillkoret.")
        )
    return YES


def is_coach(actor: Actor) -> bool:
    return actor.has(Role.COACH)


def can_publish_slots(actor: Actor) -> Verdict:
    if not is_coach(actor):
        return Verdict(False, _("Bara vägledare kan lägga ut tider."))
    return YES


def can_read_counts(actor: Actor) -> Verdict:
    if not actor.has(*COUNT_READERS):
        return Verdict(False, _("Din roll får inte läsa statistiken."))
    return YES


def is_booking_employee(actor: Actor, booking: Booking) -> bool:
    return actor.employee is not None and booking.employee_id == actor.employee.pk


def is_booking_coach(actor: Actor, booking: Booking) -> bool:
    slot = booking.slot
    return (
        is_coach(actor)
        and slot.coach_id == actor.user.pk
        and slot.organisation_id == actor.organisation.pk
    )


def is_booking_party(actor: Actor, booking: Booking) -> bool:
    """The employee and the coach of the booking: the only ones who see it and its notes."""
    return is_booking_employee(actor, booking) or is_booking_coach(actor, booking)


def can_book(actor: Actor, slot: Slot, *, now: datetime, upcoming: int) -> Verdict:
    if actor.employee is None:
        return Verdict(False, _("Du behöver vara registrerad som medarbetare för att boka."))
    if slot.withdrawn:
        return Verdict(False, _("Tiden är inte längre tillgänglig."))
    if slot.starts_at <= now:
        return Verdict(False, _("Tiden har redan passerat."))
    if slot.is_booked:
        return Verdict(False, _("Tiden är redan bokad."))
    if upcoming >= MAX_UPCOMING_BOOKINGS:
        return Verdict(
            False,
            _("Du kan ha högst %(n)s kommande bokningar samtidigt.") % {"n": MAX_UPCOMING_BOOKINGS},
        )
    return YES


def can_cancel(actor: Actor, booking: Booking, *, now: datetime) -> Verdict:
    if booking.status != Booking.Status.BOOKED:
        return Verdict(False, _("Bokningen är redan avbokad eller genomförd."))
    if booking.slot.starts_at <= now:
        return Verdict(False, _("Samtalet har redan börjat."))
    if is_booking_coach(actor, booking):
        return YES
    if is_booking_employee(actor, booking):
        if booking.slot.starts_at - now < CANCEL_NOTICE:
            return Verdict(
                False,
                _(
                    "Du kan avboka senast 24 timmar innan samtalet. Kontakta vägledaren "
                    "om du inte kan komma."
                ),
            )
        return YES
    return Verdict(False, _("Bara medarbetaren och vägledaren kan avboka."))


def can_mark_held(actor: Actor, booking: Booking, *, now: datetime) -> Verdict:
    if not is_booking_coach(actor, booking):
        return Verdict(False, _("Bara vägledaren kan markera samtalet som genomfört."))
    if booking.status != Booking.Status.BOOKED:
        return Verdict(False, _("Bokningen är redan avbokad eller genomförd."))
    if booking.slot.starts_at > now:
        return Verdict(False, _("Samtalet har inte börjat än."))
    return YES


def can_write_note(actor: Actor, booking: Booking) -> Verdict:
    if not is_booking_party(actor, booking):
        return Verdict(False, _("Bara medarbetaren och vägledaren kan skriva anteckningar."))
    if booking.status == Booking.Status.CANCELLED:
        return Verdict(False, _("Bokningen är avbokad."))
    return YES


def now() -> datetime:
    return timezone.now()


def can_transition_application(
    parties: frozenset[str], application: SupportApplication, name: str
) -> Verdict:
    """Who may take the transition `name` (EMPLOYEE or COACH in `workflow.TRANSITIONS`), and
    whether the application's status allows it now."""
    t = TRANSITIONS.get(name)
    if t is None:
        return Verdict(False, _("Okänd åtgärd."))
    if t.actor not in parties:
        if t.actor == COACH:
            return Verdict(False, _("Bara en vägledare kan göra det här."))
        return Verdict(False, _("Bara den som ansökte kan återkalla ansökan."))
    return state_allows(application, name)
