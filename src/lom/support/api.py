"""API routes of this app, mounted at /api/v1/support by lom.api.api.

The same selectors and services as the HTML views. Bookings and their notes are answered only
to the booking's employee and coach (404 for everyone else); counts are suppressed below 5."""

from datetime import date, datetime
from decimal import Decimal

from django.http import Http404
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from lom.common.bounds import COMMENT_MAX, MAX_AMOUNT_ORE
from lom.common.errors import DomainError, PermissionDeniedError
from lom.common.models import ReadLog
from lom.common.schemas import ErrorOut
from lom.common.validation import require as _require
from lom.support import selectors, services
from lom.support.eligibility import MonthRecord
from lom.support.models import Booking, Slot
from lom.support.permissions import (
    can_check_employees,
    can_read_checks,
    can_read_counts,
    can_self_check,
    is_booking_coach,
)
from lom.support.reads import record_note_reads

router = Router(tags=["support"])
ERR = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut}


# --- schemas ---------------------------------------------------------------------------------


class RuleOut(Schema):
    year: int
    months_required: int
    window_months: int
    min_hours_per_week: Decimal
    min_monthly_income_ore: int
    confirmed: bool
    source: str


class MonthIn(Schema):
    month: str = Field(..., description="YYYY-MM", pattern=r"^\d{4}-\d{2}$")
    hours_per_week: Decimal | None = Field(None, ge=0, le=168)
    income_ore: int | None = Field(None, ge=0, le=MAX_AMOUNT_ORE)


class SelfCheckIn(Schema):
    as_of: date
    months: list[MonthIn] = Field(..., max_length=120)


class CheckIn(Schema):
    as_of: date


class EmploymentMonthOut(Schema):
    month: str
    hours_per_week: Decimal
    income_ore: int


class CheckOut(Schema):
    id: int
    employee_id: int
    checked_by: str
    checked_at: datetime
    as_of: date
    rule_year: int
    eligible: bool
    counted_months: int
    months_required: int


class SlotIn(Schema):
    starts_at: datetime
    duration_minutes: int = Field(60, ge=15, le=240)
    mode: Slot.Mode
    place: str = Field("", max_length=200)
    video_link: str = Field("", max_length=200)


class SlotOut(Schema):
    id: int
    coach: str
    organisation: str
    starts_at: datetime
    duration_minutes: int
    mode: str
    place: str
    is_booked: bool


class NoteOut(Schema):
    author: str
    text: str
    created_at: datetime


class BookingOut(Schema):
    id: int
    slot: SlotOut
    employee: str
    status: str
    booked_at: datetime
    video_link: str = ""
    notes: list[NoteOut] = []


class CancelIn(Schema):
    reason: str = Field("", max_length=300)


class NoteIn(Schema):
    text: str = Field(..., max_length=COMMENT_MAX)


class MonthLineOut(Schema):
    month: str
    counted: bool
    reason: str
    hours_per_week: str | None
    income_ore: int | None
    explanation: str


class ThresholdsOut(Schema):
    year: int
    months_required: int
    window_months: int
    min_hours_per_week: str
    min_monthly_income_ore: int
    confirmed: bool


class EligibilityOut(Schema):
    """The reasoning of a check (`EligibilityResult.as_json()`), month by month."""

    eligible: bool
    as_of: str
    window_start: str
    window_end: str
    counted_months: int
    months_required: int
    rule: ThresholdsOut
    months: list[MonthLineOut]
    outside_window: list[MonthLineOut]
    conclusion: str
    notes: list[str]


class SelfCheckOut(EligibilityOut):
    stored: bool


class RecordedCheckOut(EligibilityOut):
    id: int


class CheckDetailOut(CheckOut):
    reasoning: EligibilityOut


class CountRowOut(Schema):
    label: str
    booked: int | None
    held: int | None
    cancelled: int | None


class CountsOut(Schema):
    """Counts only (never names or notes); cells of 1-4 are null."""

    year: int
    months: list[CountRowOut]
    total: CountRowOut
    by_organisation: list[CountRowOut]


def _slot_out(s: Slot) -> dict:
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


def _booking_out(actor, b: Booking, *, with_notes: bool = False) -> dict:
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


def _check_out(c) -> dict:
    return {
        "id": c.pk,
        "employee_id": c.employee_id,
        "checked_by": c.checked_by.get_full_name() or c.checked_by.username,
        "checked_at": c.checked_at,
        "as_of": c.as_of,
        "rule_year": c.rule_year,
        "eligible": c.eligible,
        "counted_months": c.counted_months,
        "months_required": c.months_required,
    }


# --- eligibility -----------------------------------------------------------------------------


@router.get("/eligibility/rules", response=list[RuleOut])
def list_rules(request):
    return list(selectors.rules_all())


@router.post("/eligibility/self-check", response={200: SelfCheckOut, **ERR})
def self_check(request, payload: SelfCheckIn):
    """The employee's own check on months they send. Nothing is stored."""
    actor = request.api_actor
    _require(can_self_check(actor))
    records = []
    for m in payload.months:
        year, month = (int(x) for x in m.month.split("-"))
        if not (1 <= month <= 12 and 1900 <= year <= 2200):
            raise DomainError("month must be YYYY-MM", field="months")
        records.append(
            MonthRecord(
                month=date(year, month, 1),
                hours_per_week=m.hours_per_week,
                income_ore=m.income_ore,
            )
        )
    try:
        result = selectors.self_check(actor=actor, as_of=payload.as_of, records=records)
    except ValueError as exc:
        raise DomainError("the same month appears twice", field="months") from exc
    return {**result.as_json(), "stored": False}


def _employee(actor, employee_id: int):
    employee = selectors.employee_get(organisation=actor.organisation, pk=employee_id)
    if employee is None:
        raise Http404
    return employee


@router.get(
    "/employees/{employee_id}/employment-months",
    response={200: list[EmploymentMonthOut], **ERR},
)
def employment_months(request, employee_id: int):
    actor = request.api_actor
    _require(can_check_employees(actor))
    employee = _employee(actor, employee_id)
    return [
        {
            "month": m.month.strftime("%Y-%m"),
            "hours_per_week": m.hours_per_week,
            "income_ore": m.income_ore,
        }
        for m in selectors.employment_months(organisation=actor.organisation, employee=employee)
    ]


@router.post("/employees/{employee_id}/eligibility-checks", response={201: RecordedCheckOut, **ERR})
def record_check(request, employee_id: int, payload: CheckIn):
    """The coordinator's check from the employment data; recorded for audit."""
    actor = request.api_actor
    _require(can_check_employees(actor))
    employee = _employee(actor, employee_id)
    check, result = services.eligibility_check_record(
        actor=actor, employee=employee, as_of=payload.as_of
    )
    return Status(201, {"id": check.pk, **result.as_json()})


@router.get("/eligibility-checks", response={200: list[CheckOut], **ERR})
def list_checks(request, employee_id: int | None = None):
    actor = request.api_actor
    _require(can_read_checks(actor))
    employee = _employee(actor, employee_id) if employee_id is not None else None
    qs = selectors.checks_for_org(organisation=actor.organisation, employee=employee)
    return [_check_out(c) for c in qs[:500]]


@router.get("/eligibility-checks/{check_id}", response={200: CheckDetailOut, **ERR})
def get_check(request, check_id: int):
    actor = request.api_actor
    _require(can_read_checks(actor))
    check = selectors.check_get(organisation=actor.organisation, pk=check_id)
    if check is None:
        raise Http404
    return {**_check_out(check), "reasoning": check.reasoning}


# --- counselling -----------------------------------------------------------------------------


@router.get("/slots", response=list[SlotOut])
def list_slots(request):
    """Free future slots the actor may book; for a coach, also their own slots."""
    actor = request.api_actor
    slots = list(selectors.slots_available(actor=actor)[:500])
    seen = {s.pk for s in slots}
    own = selectors.coach_slots(actor=actor).select_related("coach", "organisation")[:500]
    return [_slot_out(s) for s in slots] + [_slot_out(s) for s in own if s.pk not in seen]


@router.post("/slots", response={201: SlotOut, **ERR})
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


@router.post("/slots/{slot_id}/booking", response={201: BookingOut, **ERR})
def book_slot(request, slot_id: int):
    actor = request.api_actor
    try:
        booking = services.slot_book(actor=actor, slot_id=slot_id)
    except DomainError as exc:
        if exc.code == "not_found":
            raise Http404 from exc
        if exc.code == "taken":
            raise DomainError(exc.message, code="taken") from exc
        raise
    booking = selectors.booking_get_for_party(actor=actor, pk=booking.pk)
    return Status(201, _booking_out(actor, booking))


@router.get("/bookings", response=list[BookingOut])
def list_bookings(request):
    """The actor's own bookings as employee, and as coach. Without notes."""
    actor = request.api_actor
    rows = list(selectors.bookings_for_employee(actor=actor)[:500])
    seen = {b.pk for b in rows}
    rows += [b for b in selectors.bookings_for_coach(actor=actor)[:500] if b.pk not in seen]
    return [_booking_out(actor, b) for b in rows]


def _booking(actor, booking_id: int) -> Booking:
    booking = selectors.booking_get_for_party(actor=actor, pk=booking_id)
    if booking is None:
        raise Http404
    return booking


@router.get("/bookings/{booking_id}", response={200: BookingOut, **ERR})
def get_booking(request, booking_id: int):
    """With notes: for the employee and the coach of the booking only (404 for anyone else)."""
    actor = request.api_actor
    return _booking_out(actor, _booking(actor, booking_id), with_notes=True)


@router.post("/bookings/{booking_id}/cancel", response={200: BookingOut, **ERR})
def cancel_booking(request, booking_id: int, payload: CancelIn):
    actor = request.api_actor
    booking = services.booking_cancel(
        actor=actor, booking=_booking(actor, booking_id), reason=payload.reason
    )
    return _booking_out(actor, _booking(actor, booking.pk))


@router.post("/bookings/{booking_id}/held", response={200: BookingOut, **ERR})
def mark_held(request, booking_id: int):
    actor = request.api_actor
    booking = _booking(actor, booking_id)
    if not is_booking_coach(actor, booking):
        raise PermissionDeniedError("Only the coach marks a session as held.")
    services.booking_mark_held(actor=actor, booking=booking)
    return _booking_out(actor, _booking(actor, booking_id))


@router.post("/bookings/{booking_id}/notes", response={201: NoteOut, **ERR})
def add_note(request, booking_id: int, payload: NoteIn):
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


@router.get("/counselling-counts/{year}", response={200: CountsOut, **ERR})
def counselling_counts(request, year: int):
    """Counts only (never names or notes); cells of 1-4 are null."""
    actor = request.api_actor
    _require(can_read_counts(actor))
    if not 2000 <= year <= timezone.localdate().year + 1:
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
