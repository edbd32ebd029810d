"""Career and study counselling in the API: slots, bookings, session notes and the counts.
Bookings and their notes are answered only to the booking's employee and coach (404 for
everyone else); counts are suppressed below 5. The same selectors and services as the pages."""

from typing import Any

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Status

from lom.common.errors import DomainError, PermissionDeniedError
from lom.common.models import ReadLog
from lom.common.pagination import keyset_page
from lom.common.schemas import DEFAULT_LIMIT, Cursor, Id, Limit, Page
from lom.common.validation import require as _require
from lom.organisations.access import Actor
from lom.support import selectors, services
from lom.support.api.schemas import (
    REFUSALS,
    BookingOut,
    CancelIn,
    CountsOut,
    NoteIn,
    NoteOut,
    SlotIn,
    SlotOut,
    Year,
)
from lom.support.models import Booking, Slot
from lom.support.permissions import can_read_counts, is_booking_coach
from lom.support.reads import record_note_reads

router = Router(tags=["support"])


def _slot_out(s: Slot) -> dict[str, Any]:
    return {
        "id": s.pk,
        "coach": s.coach.get_full_name() or s.coach.username,
        "organisation": s.organisation.name,
        "starts_at": s.starts_at,
        "duration_minutes": s.duration_minutes,
        "mode": s.mode,
        "place": s.place,
        "is_booked": s.is_booked,
    }


def _booking_out(actor: Actor, b: Booking, *, with_notes: bool = False) -> dict[str, Any]:
    out = {
        "id": b.pk,
        "slot": _slot_out(b.slot),
        "employee": b.employee.full_name,
        "status": b.status,
        "booked_at": b.booked_at,
        "video_link": b.slot.video_link if b.status != Booking.Status.CANCELLED else "",
        "notes": [],
    }
    if with_notes:
        notes = selectors.notes_for(actor=actor, booking=b)
        record_note_reads(actor=actor, booking=b, notes=notes, channel=ReadLog.Channel.API)
        out["notes"] = [
            {
                "author": n.author.get_full_name() or n.author.username,
                "text": n.text,
                "created_at": n.created_at,
            }
            for n in notes
        ]
    return out


@router.get(
    "/slots",
    response=Page[SlotOut],
    summary="Free future slots the caller may book; with mine=true, a coach's own slots",
)
def list_slots(
    request, mine: bool = False, cursor: Cursor | None = None, limit: Limit = DEFAULT_LIMIT
):
    actor = request.api_actor
    qs = (
        selectors.coach_slots(actor=actor).select_related("coach", "organisation")
        if mine
        else selectors.slots_available(actor=actor)
    )
    rows, nxt = keyset_page(qs, cursor=cursor, limit=limit, order=("starts_at", "id"))
    return Page[SlotOut](items=[SlotOut(**_slot_out(s)) for s in rows], next_cursor=nxt)


@router.post("/slots", response={201: SlotOut, **REFUSALS}, summary="Publish a slot (coach)")
def create_slot(request, payload: SlotIn):
    actor = request.api_actor
    starts_at = payload.starts_at
    if timezone.is_naive(starts_at):
        starts_at = timezone.make_aware(starts_at)
    slot = services.slot_create(
        actor=actor,
        starts_at=starts_at,
        duration_minutes=payload.duration_minutes,
        mode=payload.mode,
        place=payload.place,
        video_link=payload.video_link,
    )
    return Status(201, _slot_out(slot))


@router.post(
    "/slots/{slot_id}/withdraw",
    response={204: None, **REFUSALS},
    summary="Withdraw one's own unbooked slot (coach)",
)
def withdraw_slot(request, slot_id: Id):
    actor = request.api_actor
    slot = selectors.coach_slot_get(actor=actor, pk=slot_id)
    if slot is None:
        raise Http404
    services.slot_withdraw(actor=actor, slot=slot)
    return Status(204, None)


@router.post(
    "/slots/{slot_id}/booking",
    response={201: BookingOut, **REFUSALS},
    summary="Book a slot (employee)",
)
def book_slot(request, slot_id: Id):
    actor = request.api_actor
    try:
        booking = services.slot_book(actor=actor, slot_id=slot_id)
    except DomainError as exc:
        if exc.code == "not_found":
            raise Http404 from exc
        raise
    return Status(201, _booking_out(actor, _booking(actor, booking.pk)))


@router.get(
    "/bookings",
    response=Page[BookingOut],
    summary="The caller's own bookings as employee; with as_coach=true, as coach. No notes.",
)
def list_bookings(
    request, as_coach: bool = False, cursor: Cursor | None = None, limit: Limit = DEFAULT_LIMIT
):
    actor = request.api_actor
    qs = (
        selectors.bookings_for_coach(actor=actor).select_related("slot__coach")
        if as_coach
        else selectors.bookings_for_employee(actor=actor).select_related("employee")
    )
    rows, nxt = keyset_page(qs, cursor=cursor, limit=limit)
    return Page[BookingOut](
        items=[BookingOut(**_booking_out(actor, b)) for b in rows], next_cursor=nxt
    )


def _booking(actor: Actor, booking_id: int) -> Booking:
    booking = selectors.booking_get_for_party(actor=actor, pk=booking_id)
    if booking is None:
        raise Http404
    return booking


@router.get(
    "/bookings/{booking_id}",
    response=BookingOut,
    summary="Read a booking with its notes (its employee and coach only)",
)
def get_booking(request, booking_id: Id):
    actor = request.api_actor
    return _booking_out(actor, _booking(actor, booking_id), with_notes=True)


@router.post(
    "/bookings/{booking_id}/cancel",
    response={200: BookingOut, **REFUSALS},
    summary="Cancel a booking (the coach gives the reason)",
)
def cancel_booking(request, booking_id: Id, payload: CancelIn):
    actor = request.api_actor
    booking = services.booking_cancel(
        actor=actor, booking=_booking(actor, booking_id), reason=payload.reason
    )
    return _booking_out(actor, _booking(actor, booking.pk))


@router.post(
    "/bookings/{booking_id}/held",
    response={200: BookingOut, **REFUSALS},
    summary="Mark a session as held (coach)",
)
def mark_held(request, booking_id: Id):
    actor = request.api_actor
    booking = _booking(actor, booking_id)
    if not is_booking_coach(actor, booking):
        raise PermissionDeniedError(_("Bara vägledaren kan markera samtalet som genomfört."))
    services.booking_mark_held(actor=actor, booking=booking)
    return _booking_out(actor, _booking(actor, booking_id))


@router.post(
    "/bookings/{booking_id}/notes",
    response={201: NoteOut, **REFUSALS},
    summary="Add a note to a booking (its employee or coach)",
)
def add_note(request, booking_id: Id, payload: NoteIn):
    actor = request.api_actor
    note = services.note_add(actor=actor, booking=_booking(actor, booking_id), text=payload.text)
    return Status(
        201,
        {
            "author": actor.user.get_full_name() or actor.user.username,
            "text": note.text,
            "created_at": note.created_at,
        },
    )


@router.get(
    "/counselling-counts/{year}",
    response=CountsOut,
    summary="Counselling counts of a year (never names or notes; cells of 1-4 are null)",
)
def counselling_counts(request, year: Year):
    actor = request.api_actor
    _require(can_read_counts(actor))
    if year > timezone.localdate().year + 1:
        raise Http404
    counts = selectors.counselling_counts(organisation=actor.organisation, year=year)

    def row(r):
        booked, held, cancelled = r.cells
        return {"label": r.label, "booked": booked, "held": held, "cancelled": cancelled}

    return {
        "year": year,
        "months": [row(r) for r in counts.months],
        "total": row(counts.total),
        "by_organisation": [row(r) for r in counts.by_organisation],
    }
