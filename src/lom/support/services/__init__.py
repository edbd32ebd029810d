"""Writes for individual support: employment data import, recorded eligibility checks, the
yearly thresholds, and counselling slots, bookings and notes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lom.common.audit import audit
from lom.common.errors import ConflictError, DomainError, PermissionDeniedError
from lom.common.money import MoneyParseError, parse_kronor
from lom.common.verdict import Verdict
from lom.mail.notify import notify
from lom.organisations.access import Actor
from lom.organisations.models import Employee
from lom.support import selectors
from lom.support.eligibility import EligibilityResult, check_eligibility
from lom.support.imports import RawRow, parse_month
from lom.support.messages import (
    BOOKING_BOOKED,
    BOOKING_CANCELLED,
    BOOKING_CANCELLED_BY_COACH,
    BOOKING_NEW,
)
from lom.support.models import (
    Booking,
    EligibilityCheck,
    EligibilityRule,
    EmploymentMonth,
    SessionNote,
    Slot,
)
from lom.support.permissions import (
    can_book,
    can_cancel,
    can_check_employees,
    can_edit_rules,
    can_import_employment,
    can_mark_held,
    can_publish_slots,
    can_write_note,
    is_booking_coach,
)

MAX_HOURS_PER_WEEK = Decimal(168)
MAX_NOTE_CHARS = 5000
MIN_SLOT_MINUTES, MAX_SLOT_MINUTES = 15, 240
NOTIFY_KIND = "counselling"
# The video link is shown to the employee as a link: only web addresses (never javascript:).
WEB_ADDRESS = URLValidator(schemes=["http", "https"])


def _deny(verdict) -> None:
    if not verdict:
        raise PermissionDeniedError(verdict.reason)


# --- employment data -------------------------------------------------------------------------


@dataclass
class RowError:
    number: int
    message: str


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def imported(self) -> bool:
        return not self.errors


def _parse_hours(value: object) -> Decimal | None:
    text = str(value if value is not None else "").strip().replace(",", ".").replace(" ", "")
    if not text:
        return None
    try:
        hours = Decimal(text)
    except InvalidOperation:
        return None
    if not hours.is_finite() or hours < 0 or hours > MAX_HOURS_PER_WEEK:
        return None
    return hours.quantize(Decimal("0.1"))


def _parse_income(value: object) -> int | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = f"{value:.2f}"
    try:
        ore = parse_kronor(str(value or ""))
    except MoneyParseError:
        return None
    return ore if ore >= 0 else None


@transaction.atomic(durable=True)
def employment_import(*, actor: Actor, rows: list[RawRow]) -> ImportResult:
    """All or nothing: every row is checked first; if any row is wrong nothing is saved and
    every wrong row is reported with its row number. A month that already exists for the
    employee is replaced by the file's values."""
    _deny(can_import_employment(actor))
    org = actor.organisation
    employees = list(Employee.objects.filter(organisation=org).only("pk", "email"))
    by_id = {str(e.pk): e for e in employees}
    by_email: dict[str, list[Employee]] = {}
    for e in employees:
        if e.email:
            by_email.setdefault(e.email.strip().lower(), []).append(e)
    result = ImportResult()
    parsed: dict[tuple[int, date], tuple[int, Decimal, int]] = {}
    for row in rows:
        problems = []
        emp = None
        if row.employee_id:
            emp = by_id.get(row.employee_id)
            if emp is None:
                problems.append(
                    _("medarbetar-id %(v)s finns inte i organisationen") % {"v": row.employee_id}
                )
        elif row.email:
            matches = by_email.get(row.email.lower(), [])
            if len(matches) == 1:
                emp = matches[0]
            elif not matches:
                problems.append(_("ingen medarbetare har e-postadressen %(v)s") % {"v": row.email})
            else:
                problems.append(
                    _("flera medarbetare har e-postadressen %(v)s: ange medarbetar-id")
                    % {"v": row.email}
                )
        else:
            problems.append(_("medarbetare saknas (medarbetar_id eller epost)"))
        month = parse_month(row.month)
        if month is None:
            problems.append(_("månaden ska skrivas ÅÅÅÅ-MM, till exempel 2025-03"))
        hours = _parse_hours(row.hours)
        if hours is None:
            problems.append(_("timmar per vecka ska vara ett tal mellan 0 och 168"))
        income = _parse_income(row.income)
        if income is None:
            problems.append(_("inkomsten ska vara ett belopp i kronor, minst 0"))
        if emp is not None and month is not None and (emp.pk, month) in parsed:
            problems.append(
                _("samma medarbetare och månad finns redan på rad %(n)s")
                % {"n": parsed[(emp.pk, month)][0]}
            )
        if problems:
            result.errors.append(RowError(row.number, "; ".join(str(p) for p in problems)))
            continue
        # No problem recorded means every part was read.
        assert emp is not None and month is not None and hours is not None and income is not None
        parsed[(emp.pk, month)] = (row.number, hours, income)
    if result.errors:
        return result
    existing = {
        (m.employee_id, m.month): m
        for m in EmploymentMonth.objects.filter(
            organisation=org, employee_id__in={k[0] for k in parsed}
        )
    }
    new, changed = [], []
    for (emp_id, month), (_n, hours, income) in parsed.items():
        old = existing.get((emp_id, month))
        if old is None:
            new.append(
                EmploymentMonth(
                    organisation=org,
                    employee_id=emp_id,
                    month=month,
                    hours_per_week=hours,
                    income_ore=income,
                    imported_by=actor.user,
                )
            )
        else:
            old.hours_per_week, old.income_ore, old.imported_by = hours, income, actor.user
            old.imported_at = timezone.now()
            changed.append(old)
    EmploymentMonth.objects.bulk_create(new, batch_size=1000)
    EmploymentMonth.objects.bulk_update(
        changed, ["hours_per_week", "income_ore", "imported_by", "imported_at"], batch_size=1000
    )
    result.created, result.updated = len(new), len(changed)
    audit(
        organisation_id=org.pk,
        actor=actor.user,
        action="support.employment_import",
        target=org,
        after={"created": result.created, "updated": result.updated, "rows": len(rows)},
    )
    return result


# --- eligibility -----------------------------------------------------------------------------


@transaction.atomic(durable=True)
def eligibility_check_record(
    *, actor: Actor, employee: Employee, as_of: date
) -> tuple[EligibilityCheck, EligibilityResult]:
    """The coordinator's check from the employment data, recorded for audit."""
    _deny(can_check_employees(actor))
    if employee.organisation_id != actor.organisation.pk:
        raise PermissionDeniedError(_("Medarbetaren tillhör en annan organisation."))
    rule = selectors.rule_for(as_of=as_of)
    records = selectors.employment_records(
        organisation=actor.organisation,
        employee=employee,
        as_of=as_of,
        window=rule.window_months,
    )
    result = check_eligibility(
        records=records, thresholds=selectors.thresholds_of(rule), as_of=as_of
    )
    check = EligibilityCheck.objects.create(
        organisation=actor.organisation,
        employee=employee,
        checked_by=actor.user,
        as_of=as_of,
        rule_year=rule.year,
        eligible=result.eligible,
        counted_months=result.counted_months,
        months_required=result.months_required,
        reasoning=result.as_json(),
    )
    audit(
        organisation_id=actor.organisation.pk,
        actor=actor.user,
        action="support.eligibility_check",
        target=check,
        after={
            "employee": employee.pk,
            "as_of": as_of.isoformat(),
            "eligible": result.eligible,
            "counted_months": result.counted_months,
        },
    )
    return check, result


@transaction.atomic(durable=True)
def rule_save(
    *,
    actor: Actor,
    year: int,
    months_required: int,
    window_months: int,
    min_hours_per_week: Decimal,
    min_monthly_income_ore: int,
    confirmed: bool,
    source: str = "",
) -> EligibilityRule:
    _deny(can_edit_rules(actor))
    if not 2000 <= year <= 2100:
        raise DomainError(_("Ange ett år mellan 2000 och 2100."), field="year")
    if window_months < 1 or months_required < 1:
        raise DomainError(_("Antalet månader måste vara minst 1."), field="months_required")
    if months_required > window_months:
        raise DomainError(
            _("Antalet månader som krävs kan inte vara fler än ramtiden."),
            field="months_required",
        )
    if min_hours_per_week < 0 or min_hours_per_week > MAX_HOURS_PER_WEEK:
        raise DomainError(_("Ange timmar per vecka mellan 0 och 168."), field="min_hours_per_week")
    if min_monthly_income_ore < 0:
        raise DomainError(_("Beloppet kan inte vara negativt."), field="min_monthly_income_ore")
    rule = EligibilityRule.objects.select_for_update().filter(year=year).first()
    before = {}
    if rule is None:
        rule = EligibilityRule(year=year)
    else:
        before = {
            "months_required": rule.months_required,
            "window_months": rule.window_months,
            "min_hours_per_week": str(rule.min_hours_per_week),
            "min_monthly_income_ore": rule.min_monthly_income_ore,
            "confirmed": rule.confirmed,
        }
    rule.months_required = months_required
    rule.window_months = window_months
    rule.min_hours_per_week = min_hours_per_week
    rule.min_monthly_income_ore = min_monthly_income_ore
    rule.confirmed = confirmed
    rule.source = source[:200]
    rule.save()
    audit(
        organisation_id=actor.organisation.pk,
        actor=actor.user,
        action="support.rule_save",
        target=rule,
        before=before,
        after={
            "year": year,
            "months_required": months_required,
            "window_months": window_months,
            "min_hours_per_week": str(min_hours_per_week),
            "min_monthly_income_ore": min_monthly_income_ore,
            "confirmed": confirmed,
        },
    )
    return rule


# --- counselling -----------------------------------------------------------------------------


def _local(dt: datetime) -> str:
    return timezone.localtime(dt).strftime("%Y-%m-%d %H:%M")


def _name(user) -> str:
    return user.get_full_name() or user.username


@transaction.atomic(durable=True)
def slot_create(
    *,
    actor: Actor,
    starts_at: datetime,
    duration_minutes: int,
    mode: str,
    place: str = "",
    video_link: str = "",
) -> Slot:
    _deny(can_publish_slots(actor))
    if starts_at <= timezone.now():
        raise DomainError(_("Tiden måste ligga i framtiden."), field="starts_at")
    if starts_at.year > 2100:
        raise DomainError(_("Ange ett datum mellan år 2000 och 2100."), field="starts_at")
    if not MIN_SLOT_MINUTES <= duration_minutes <= MAX_SLOT_MINUTES:
        raise DomainError(
            _("Ett samtal är mellan %(a)s och %(b)s minuter.")
            % {"a": MIN_SLOT_MINUTES, "b": MAX_SLOT_MINUTES},
            field="duration_minutes",
        )
    if mode not in Slot.Mode.values:
        raise DomainError(_("Välj digitalt eller på plats."), field="mode")
    if mode == Slot.Mode.ONLINE and not video_link.strip():
        raise DomainError(_("Ange videolänken för ett digitalt samtal."), field="video_link")
    if mode == Slot.Mode.ONLINE:
        try:
            WEB_ADDRESS(video_link.strip())
        except ValidationError as exc:
            raise DomainError(
                _("Videolänken ska vara en webbadress som börjar med https:// eller http://."),
                field="video_link",
            ) from exc
    if mode == Slot.Mode.ON_SITE and not place.strip():
        raise DomainError(_("Ange platsen för ett samtal på plats."), field="place")
    ends_at = starts_at + timedelta(minutes=duration_minutes)
    nearby = Slot.objects.select_for_update().filter(
        coach=actor.user,
        withdrawn=False,
        starts_at__lt=ends_at,
        starts_at__gt=starts_at - timedelta(minutes=MAX_SLOT_MINUTES),
    )
    for other in nearby:
        if other.starts_at + timedelta(minutes=other.duration_minutes) > starts_at:
            raise DomainError(
                _("Tiden krockar med en annan av dina tider (%(t)s).")
                % {"t": _local(other.starts_at)},
                field="starts_at",
            )
    slot = Slot.objects.create(
        organisation=actor.organisation,
        coach=actor.user,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        mode=mode,
        place=place.strip() if mode == Slot.Mode.ON_SITE else "",
        video_link=video_link.strip() if mode == Slot.Mode.ONLINE else "",
    )
    audit(
        organisation_id=actor.organisation.pk,
        actor=actor.user,
        action="support.slot_create",
        target=slot,
        after={"starts_at": starts_at.isoformat(), "minutes": duration_minutes, "mode": mode},
    )
    return slot


@transaction.atomic(durable=True)
def slot_withdraw(*, actor: Actor, slot: Slot) -> None:
    """A coach removes an unbooked time. A booked time is cancelled first (which notifies)."""
    _deny(can_publish_slots(actor))
    slot = Slot.objects.select_for_update().get(pk=slot.pk)
    if slot.coach_id != actor.user.pk or slot.organisation_id != actor.organisation.pk:
        raise PermissionDeniedError(_("Tiden är inte din."))
    if slot.is_booked:
        raise ConflictError(_("Tiden är bokad. Avboka samtalet först."), code="booked")
    audit(
        organisation_id=actor.organisation.pk,
        actor=actor.user,
        action="support.slot_withdraw",
        target=slot,
    )
    if slot.bookings.exists():
        slot.withdrawn = True
        slot.save(update_fields=["withdrawn"])
    else:
        slot.delete()


@transaction.atomic(durable=True)
def slot_book(*, actor: Actor, slot_id: int) -> Booking:
    """Book a slot. Two employees booking the last slot at the same moment: the row lock
    (PostgreSQL) serialises them, the conditional update lets only one flip `is_booked`, and
    the unique constraint on active bookings per slot is the last guard."""
    if actor.employee is None:
        raise PermissionDeniedError(_("Du behöver vara registrerad som medarbetare för att boka."))
    visible = selectors.slot_get_for_booking(actor=actor, pk=slot_id)
    if visible is None:
        raise DomainError(_("Tiden finns inte."), code="not_found")
    # Lock the employee first (always in this order: employee, then slot), so one person's
    # two bookings at the same moment are counted one after the other against the limit.
    list(Employee.objects.select_for_update().filter(pk=actor.employee.pk).values_list("pk"))
    slot = Slot.objects.select_for_update().get(pk=visible.pk)
    now = timezone.now()
    _verdict = can_book(
        actor, slot, now=now, upcoming=selectors.upcoming_count(employee=actor.employee)
    )
    if not _verdict:
        if slot.is_booked:
            raise ConflictError(_verdict.reason, code="taken")
        raise DomainError(_verdict.reason, code="refused")
    if not Slot.objects.filter(pk=slot.pk, is_booked=False, withdrawn=False).update(is_booked=True):
        raise ConflictError(_("Tiden är redan bokad."), code="taken")
    try:
        with transaction.atomic():
            booking = Booking.objects.create(
                slot=slot,
                employee=actor.employee,
                employee_organisation=actor.organisation,
            )
    except IntegrityError as exc:
        raise ConflictError(_("Tiden är redan bokad."), code="taken") from exc
    audit(
        organisation_id=actor.organisation.pk,
        actor=actor.user,
        action="support.booking_create",
        target=booking,
        after={"slot": slot.pk},
    )
    when = _local(slot.starts_at)
    url = f"/support/counselling/bookings/{booking.pk}/"
    notify(
        users=[slot.coach],
        organisation_id=slot.organisation_id,
        kind=NOTIFY_KIND,
        text=BOOKING_NEW,
        params={"t": when, "n": actor.employee.full_name},
        url=url,
    )
    notify(
        users=[actor.user],
        organisation_id=actor.organisation.pk,
        kind=NOTIFY_KIND,
        text=BOOKING_BOOKED,
        params={"t": when, "n": _name(slot.coach)},
        url=url,
    )
    return booking


def _refuse_unless(verdict: Verdict, booking: Booking) -> None:  # pure: a check that raises
    """A booking already cancelled or held refuses as a conflict (its state), else as a rule."""
    if verdict:
        return
    if booking.status != Booking.Status.BOOKED:
        raise ConflictError(verdict.reason, code="state")
    raise DomainError(verdict.reason, code="refused")


@transaction.atomic(durable=True)
def booking_cancel(*, actor: Actor, booking: Booking, reason: str = "") -> Booking:
    """The employee cancels up to 24 hours before (the time becomes free again); the coach
    may cancel until the start (the time is withdrawn). The other party is notified."""
    booking = Booking.objects.select_for_update().get(pk=booking.pk)
    slot = Slot.objects.select_for_update().get(pk=booking.slot_id)
    booking.slot = slot
    _refuse_unless(can_cancel(actor, booking, now=timezone.now()), booking)
    by_coach = is_booking_coach(actor, booking)
    if by_coach and not reason.strip():
        raise DomainError(_("Skriv varför du avbokar, så att medarbetaren vet."), field="reason")
    booking.status = Booking.Status.CANCELLED
    booking.cancelled_at = timezone.now()
    booking.cancelled_by = actor.user
    booking.cancel_reason = reason.strip()[:300]
    booking.save(update_fields=["status", "cancelled_at", "cancelled_by", "cancel_reason"])
    slot.is_booked = False
    slot.withdrawn = slot.withdrawn or by_coach
    slot.save(update_fields=["is_booked", "withdrawn"])
    audit(
        organisation_id=actor.organisation.pk,
        actor=actor.user,
        action="support.booking_cancel",
        target=booking,
        after={"by": "coach" if by_coach else "employee"},
    )
    when = _local(slot.starts_at)
    url = f"/support/counselling/bookings/{booking.pk}/"
    if by_coach:
        employee_user = booking.employee.user
        notify(
            users=[employee_user] if employee_user else [],
            organisation_id=booking.employee_organisation_id,
            kind=NOTIFY_KIND,
            text=BOOKING_CANCELLED_BY_COACH,
            params={"t": when, "r": booking.cancel_reason},
            url=url,
        )
    else:
        notify(
            users=[slot.coach],
            organisation_id=slot.organisation_id,
            kind=NOTIFY_KIND,
            text=BOOKING_CANCELLED,
            params={"n": booking.employee.full_name, "t": when},
            url=url,
        )
    return booking


@transaction.atomic(durable=True)
def booking_mark_held(*, actor: Actor, booking: Booking) -> Booking:
    booking = Booking.objects.select_for_update().get(pk=booking.pk)
    _refuse_unless(can_mark_held(actor, booking, now=timezone.now()), booking)
    booking.status = Booking.Status.HELD
    booking.held_at = timezone.now()
    booking.save(update_fields=["status", "held_at"])
    audit(
        organisation_id=actor.organisation.pk,
        actor=actor.user,
        action="support.booking_held",
        target=booking,
    )
    return booking


@transaction.atomic(durable=True)
def note_add(*, actor: Actor, booking: Booking, text: str) -> SessionNote:
    """A note visible to the employee and the coach only. The audit trail records that a
    note was written, never its text."""
    verdict = can_write_note(actor, booking)
    if not verdict:
        raise PermissionDeniedError(verdict.reason)
    text = text.strip()
    if not text:
        raise DomainError(_("Skriv en anteckning."), field="text")
    if len(text) > MAX_NOTE_CHARS:
        raise DomainError(
            _("Anteckningen får vara högst %(n)s tecken.") % {"n": MAX_NOTE_CHARS}, field="text"
        )
    note = SessionNote.objects.create(booking=booking, author=actor.user, text=text)
    audit(
        organisation_id=actor.organisation.pk,
        actor=actor.user,
        action="support.note_add",
        target=note,
    )
    return note
