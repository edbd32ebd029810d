"""The read log of counselling notes: a row per note each time the notes are shown to the
coach (the employee reading the notes of their own session is not logged)."""

from lom.common.readlog import record_reads
from lom.organisations.access import Actor
from lom.support.models import Booking, SessionNote


def record_note_reads(
    *, actor: Actor, booking: Booking, notes: list[SessionNote], channel: str
) -> None:
    if actor.employee is not None and booking.employee_id == actor.employee.pk:
        return
    record_reads(
        organisation_id=booking.employee_organisation_id,
        actor=actor.user,
        data_class="support.session_note",
        targets=[(n, booking.employee_id) for n in notes if n.text],
        channel=channel,
    )
