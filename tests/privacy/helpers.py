"""Test data for the privacy tests: a closed case with a personal reason, a held counselling
session with a note, and timestamps moved into the past."""

from datetime import timedelta

from django.utils import timezone

from lom.cases import services as case_services
from lom.cases.models import Case
from lom.organisations.access import actor_for
from lom.support import services as support_services
from tests.factories import make_case, make_coach, make_slot

REASON = "Utbränd efter omorganisationen, sjukskriven i tre månader"
NOTE = "Funderar på att byta yrke; oro för hälsan HEMLIGT"


def closed_case_with_reason(world, *, reason: str = REASON, age_days: int = 0) -> Case:
    case = make_case(world, private_reason=reason)
    coord = world.actor(world.coordinator)
    case = case_services.case_transition(actor=coord, case=case, name="start_review")
    case = case_services.case_transition(
        actor=coord, case=case, name="reject", reason="Ryms inte i avtalet."
    )
    if age_days:
        age(case, age_days)
    case.refresh_from_db()
    return case


def age(case: Case, days: int) -> None:
    Case.objects.filter(pk=case.pk).update(updated_at=timezone.now() - timedelta(days=days))


def session_with_note(world, *, text: str = NOTE, coach=None):
    """A booking of the world's employee with an own-organisation coach, and a coach's note."""
    coach = coach or make_coach(world.org, f"{world.org.slug}-coach")
    slot = make_slot(coach, world.org)
    booking = support_services.slot_book(actor=world.actor(world.employee), slot_id=slot.pk)
    coach_actor = actor_for(user=coach, organisation_id=world.org.pk)
    assert coach_actor is not None
    note = support_services.note_add(actor=coach_actor, booking=booking, text=text)
    return coach, booking, note
