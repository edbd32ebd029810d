"""Reads for individual support. Every read is scoped to the actor's organisation; bookings
and notes only to their two parties. Counts for reports never carry content."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from lom.common.errors import DomainError
from lom.fundmode.models import FundMembership
from lom.organisations.access import Actor
from lom.organisations.models import Employee, Membership, Organisation, Role
from lom.reports.figures import MIN_CELL, SUPPRESSED, suppression_mask
from lom.support.eligibility import (
    EligibilityResult,
    MonthRecord,
    Thresholds,
    check_eligibility,
    window_months,
)
from lom.support.models import (
    Booking,
    EligibilityCheck,
    EligibilityRule,
    EmploymentMonth,
    SessionNote,
    Slot,
    SupportApplication,
)
from lom.support.permissions import is_booking_party, is_coach
from lom.support.workflow import COACH, EMPLOYEE

# --- eligibility -----------------------------------------------------------------------------


def rules_all() -> QuerySet[EligibilityRule]:
    return EligibilityRule.objects.order_by("-year")


def rule_get(*, year: int) -> EligibilityRule | None:
    return EligibilityRule.objects.filter(year=year).first()


def rule_for(*, as_of: date) -> EligibilityRule:
    """The thresholds of the year of `as_of`. A missing year is an error the user can act on."""
    rule = EligibilityRule.objects.filter(year=as_of.year).first()
    if rule is None:
        raise DomainError(
            _(
                "Det finns inga gränsvärden för grundvillkoret år %(y)s. "
                "Fondens administratör behöver lägga in dem."
            )
            % {"y": as_of.year},
            field="as_of",
            code="no_rule",
        )
    return rule


def thresholds_of(rule: EligibilityRule) -> Thresholds:
    return Thresholds(
        year=rule.year,
        months_required=rule.months_required,
        window_months=rule.window_months,
        min_hours_per_week=rule.min_hours_per_week,
        min_monthly_income_ore=rule.min_monthly_income_ore,
        confirmed=rule.confirmed,
    )


def employee_get(*, organisation: Organisation, pk: int) -> Employee | None:
    return Employee.objects.filter(organisation=organisation, pk=pk).select_related("unit").first()


def employment_months(
    *, organisation: Organisation, employee: Employee, first: date | None = None
) -> QuerySet[EmploymentMonth]:
    qs = EmploymentMonth.objects.filter(organisation=organisation, employee=employee)
    if first is not None:
        qs = qs.filter(month__gte=first)
    return qs.order_by("month")


def employment_records(
    *, organisation: Organisation, employee: Employee, as_of: date, window: int
) -> list[MonthRecord]:
    months = window_months(as_of, window)
    rows = employment_months(organisation=organisation, employee=employee, first=months[0]).filter(
        month__lte=months[-1]
    )
    return [
        MonthRecord(month=r.month, hours_per_week=r.hours_per_week, income_ore=r.income_ore)
        for r in rows
    ]


def prefill_months(*, actor: Actor, as_of: date, window: int) -> list[dict[str, Any]]:
    """The rows of the self-check table: every month of the window, with the employee's own
    employment data where it exists."""
    known: dict[date, EmploymentMonth] = {}
    if actor.employee is not None:
        months = window_months(as_of, window)
        known = {
            r.month: r
            for r in employment_months(
                organisation=actor.organisation, employee=actor.employee, first=months[0]
            ).filter(month__lte=months[-1])
        }
    out = []
    for m in window_months(as_of, window):
        r = known.get(m)
        out.append(
            {
                "month": m,
                "hours_per_week": r.hours_per_week if r else None,
                "income_ore": r.income_ore if r else None,
            }
        )
    return out


def self_check(*, actor: Actor, as_of: date, records: list[MonthRecord]) -> EligibilityResult:
    """The employee's own check. Nothing is stored."""
    rule = rule_for(as_of=as_of)
    return check_eligibility(records=records, thresholds=thresholds_of(rule), as_of=as_of)


def employee_check_preview(
    *, organisation: Organisation, employee: Employee, as_of: date
) -> EligibilityResult:
    rule = rule_for(as_of=as_of)
    records = employment_records(
        organisation=organisation, employee=employee, as_of=as_of, window=rule.window_months
    )
    return check_eligibility(records=records, thresholds=thresholds_of(rule), as_of=as_of)


def checks_for_org(
    *, organisation: Organisation, employee: Employee | None = None
) -> QuerySet[EligibilityCheck]:
    qs = EligibilityCheck.objects.filter(organisation=organisation).select_related(
        "employee", "checked_by"
    )
    if employee is not None:
        qs = qs.filter(employee=employee)
    return qs


def check_get(*, organisation: Organisation, pk: int) -> EligibilityCheck | None:
    return checks_for_org(organisation=organisation).filter(pk=pk).first()


# --- counselling -----------------------------------------------------------------------------


def coach_organisation_ids(organisation: Organisation) -> list[int]:
    """Organisations whose coaches serve the employees of `organisation`: itself and the funds
    it is a member of."""
    funds = FundMembership.objects.filter(member=organisation).values_list("fund_id", flat=True)
    return [organisation.pk, *funds]


def member_organisation_ids(organisation: Organisation) -> list[int]:
    """Employers whose employees a coach of `organisation` serves."""
    if organisation.kind == Organisation.Kind.FUND:
        members = FundMembership.objects.filter(fund=organisation).values_list(
            "member_id", flat=True
        )
        return [organisation.pk, *members]
    return [organisation.pk]


def _active_coach():
    return Exists(
        Membership.objects.filter(
            user_id=OuterRef("coach_id"),
            organisation_id=OuterRef("organisation_id"),
            role=Role.COACH,
        )
    )


def slots_available(*, actor: Actor) -> QuerySet[Slot]:
    """Free future slots of the coaches available to the actor as an employee."""
    if actor.employee is None:
        return Slot.objects.none()
    return (
        Slot.objects.filter(
            organisation_id__in=coach_organisation_ids(actor.organisation),
            is_booked=False,
            withdrawn=False,
            starts_at__gt=timezone.now(),
        )
        .filter(_active_coach())
        .select_related("coach", "organisation")
        .order_by("starts_at")
    )


def slot_get_for_booking(*, actor: Actor, pk: int) -> Slot | None:
    if actor.employee is None:
        return None
    return (
        Slot.objects.filter(pk=pk, organisation_id__in=coach_organisation_ids(actor.organisation))
        .filter(_active_coach())
        .first()
    )


def coaches_available(*, actor: Actor) -> list[Membership]:
    return list(
        Membership.objects.filter(
            organisation_id__in=coach_organisation_ids(actor.organisation), role=Role.COACH
        )
        .select_related("user", "organisation")
        .order_by("organisation__name", "user__last_name")
    )


def coach_slots(*, actor: Actor, upcoming_only: bool = True) -> QuerySet[Slot]:
    if not is_coach(actor):
        return Slot.objects.none()
    qs = Slot.objects.filter(coach=actor.user, organisation=actor.organisation)
    if upcoming_only:
        qs = qs.filter(starts_at__gt=timezone.now() - timedelta(days=1))
    return qs.order_by("starts_at")


def coach_slot_get(*, actor: Actor, pk: int) -> Slot | None:
    if not is_coach(actor):
        return None
    return Slot.objects.filter(pk=pk, coach=actor.user, organisation=actor.organisation).first()


def bookings_for_employee(*, actor: Actor) -> QuerySet[Booking]:
    if actor.employee is None:
        return Booking.objects.none()
    return (
        Booking.objects.filter(employee=actor.employee, employee_organisation=actor.organisation)
        .select_related("slot", "slot__coach", "slot__organisation")
        .order_by("-slot__starts_at")
    )


def bookings_for_coach(*, actor: Actor) -> QuerySet[Booking]:
    if not is_coach(actor):
        return Booking.objects.none()
    return (
        Booking.objects.filter(slot__coach=actor.user, slot__organisation=actor.organisation)
        .select_related("slot", "employee", "employee_organisation")
        .order_by("-slot__starts_at")
    )


def upcoming_count(*, employee: Employee) -> int:
    return Booking.objects.filter(
        employee=employee, status=Booking.Status.BOOKED, slot__starts_at__gt=timezone.now()
    ).count()


def booking_get_for_party(*, actor: Actor, pk: int) -> Booking | None:
    """A booking for its employee or its coach; None (404) for everyone else."""
    booking = (
        Booking.objects.filter(pk=pk)
        .select_related("slot", "slot__coach", "slot__organisation", "employee")
        .first()
    )
    if booking is None or not is_booking_party(actor, booking):
        return None
    return booking


def notes_for(*, actor: Actor, booking: Booking) -> list[SessionNote]:
    if not is_booking_party(actor, booking):
        return []
    return list(booking.notes.select_related("author"))


# --- counts for reports ----------------------------------------------------------------------


@dataclass
class CountRow:
    label: str
    booked: Any
    held: Any
    cancelled: Any

    @property
    def cells(self) -> list[int | None]:
        """booked, held, cancelled; None where suppressed."""
        return [None if v is SUPPRESSED else v for v in (self.booked, self.held, self.cancelled)]


@dataclass
class CounsellingCounts:
    """Sessions per month of the session, and per employer. Cells of 1-4 are SUPPRESSED (and
    when one cell of a column is hidden, the next smallest too), as in lom.reports."""

    year: int
    months: list[CountRow] = field(default_factory=list)
    total: CountRow | None = None
    by_organisation: list[CountRow] = field(default_factory=list)


def _suppress_rows(labels: list[str], cols: list[list[int]]) -> list[CountRow]:
    masks = [suppression_mask(c) for c in cols]
    rows = []
    for i, label in enumerate(labels):
        cells = [SUPPRESSED if masks[k][i] else cols[k][i] for k in range(3)]
        rows.append(CountRow(label, *cells))
    return rows


def counselling_counts(*, organisation: Organisation, year: int) -> CounsellingCounts:
    """Counselling sessions of the employees of `organisation` (for a fund: of all its member
    employers) in `year`: booked (every booking), held and cancelled, per month of the session
    and per employer. Never names, never notes."""
    employer_ids = member_organisation_ids(organisation)
    tz = timezone.get_default_timezone()
    rows = Booking.objects.filter(
        employee_organisation_id__in=employer_ids,
        slot__starts_at__year=year,
    ).values_list("slot__starts_at", "status", "employee_organisation_id")
    per_month: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    per_org: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    for starts_at, status, org_id in rows:
        local = timezone.localtime(starts_at, tz)
        if local.year != year:
            continue
        for bucket in (per_month[local.month], per_org[org_id]):
            bucket[0] += 1
            if status == Booking.Status.HELD:
                bucket[1] += 1
            elif status == Booking.Status.CANCELLED:
                bucket[2] += 1
    # Month names in the reader's language (Django's localisation), e.g. "januari 2025".
    labels = [date_format(date(year, m, 1), "F Y") for m in range(1, 13)]
    cols = [[per_month[m][k] for m in range(1, 13)] for k in range(3)]
    result = CounsellingCounts(year=year, months=_suppress_rows(labels, cols))
    totals = [sum(c) for c in cols]
    result.total = CountRow(_("Totalt"), *[SUPPRESSED if 0 < t < MIN_CELL else t for t in totals])
    orgs = {o.pk: o.name for o in Organisation.objects.filter(pk__in=employer_ids)}
    org_ids = sorted((i for i in employer_ids if i in orgs), key=lambda i: orgs[i])
    if organisation.kind == Organisation.Kind.FUND:
        org_ids = [i for i in org_ids if i != organisation.pk]
    org_cols = [[per_org[i][k] for i in org_ids] for k in range(3)]
    result.by_organisation = _suppress_rows([orgs[i] for i in org_ids], org_cols)
    return result


# --- applications for individual support -----------------------------------------------------


def applications_for_employee(*, actor: Actor) -> QuerySet[SupportApplication]:
    """The actor's own applications (as an employee of the actor's organisation)."""
    if actor.employee is None:
        return SupportApplication.objects.none()
    return SupportApplication.objects.filter(
        organisation=actor.organisation, employee=actor.employee
    ).select_related("employee", "coach")


def applications_for_coach(*, actor: Actor) -> QuerySet[SupportApplication]:
    """The applications a coach of the actor's organisation serves: of the organisation's
    employees, and for a fund, of its member employers' employees."""
    if not is_coach(actor):
        return SupportApplication.objects.none()
    return SupportApplication.objects.filter(
        organisation_id__in=member_organisation_ids(actor.organisation)
    ).select_related("employee", "coach", "organisation")


def new_applications_count(*, actor: Actor) -> int:
    return (
        applications_for_coach(actor=actor)
        .filter(status=SupportApplication.Status.SUBMITTED)
        .count()
    )


def application_parties(*, actor: Actor, application: SupportApplication) -> frozenset[str]:
    """Who the actor is to the application: EMPLOYEE (the applicant), COACH, both or none."""
    parties = set()
    if actor.employee is not None and application.employee_id == actor.employee.pk:
        parties.add(EMPLOYEE)
    if is_coach(actor) and application.organisation_id in member_organisation_ids(
        actor.organisation
    ):
        parties.add(COACH)
    return frozenset(parties)


def application_get(*, actor: Actor, pk: int) -> SupportApplication | None:
    """An application for its applicant and the coaches who serve them; None (404) for
    everyone else."""
    # The party check below admits only the applicant and the coaches who serve them.
    qs = SupportApplication.objects.filter(pk=pk)  # tenant-scope: parties checked below
    application = qs.select_related("employee", "coach", "organisation", "created_by").first()
    if application is None or not application_parties(actor=actor, application=application):
        return None
    return application


def application_coach_users(*, organisation: Organisation) -> dict[int, list[Any]]:
    """The coaches who serve the employees of `organisation`, by their own organisation."""
    out: dict[int, list[Any]] = defaultdict(list)
    for m in Membership.objects.filter(
        organisation_id__in=coach_organisation_ids(organisation), role=Role.COACH
    ).select_related("user"):
        if m.user.is_active:
            out[m.organisation_id].append(m.user)
    return dict(out)
