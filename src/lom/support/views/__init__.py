"""Individual support: eligibility checks and career and study counselling. Thin views: parse,
check, call one service or selector, render."""

from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lom.common.errors import DomainError
from lom.common.models import ReadLog
from lom.common.parity import api_counterpart
from lom.common.web import actor_view, add_domain_error, run_form
from lom.organisations.access import Actor
from lom.organisations.models import Role
from lom.organisations.selectors import employees_for_org
from lom.support import selectors, services
from lom.support.forms import (
    AsOfForm,
    CancelForm,
    ImportForm,
    MonthFormSet,
    NoteForm,
    RuleForm,
    SlotForm,
    month_records,
)
from lom.support.imports import TEMPLATE_HEADER, read_upload
from lom.support.models import Booking
from lom.support.permissions import (
    CANCEL_NOTICE,
    can_cancel,
    can_check_employees,
    can_edit_rules,
    can_import_employment,
    can_mark_held,
    can_read_checks,
    can_read_counts,
    can_self_check,
    can_write_note,
    is_booking_coach,
    is_coach,
)
from lom.support.reads import record_note_reads


def _require(verdict) -> None:
    if not verdict:
        raise PermissionDenied(verdict.reason)


@api_counterpart(
    "GET /support/eligibility-checks",
    "GET /support/slots",
    "GET /support/bookings",
    "GET /support/applications",
)
@actor_view()
def index_view(request, actor: Actor):
    return render(
        request,
        "support/index.html",
        {
            "can_self_check": bool(can_self_check(actor)),
            "can_check": bool(can_check_employees(actor)),
            "can_read_checks": bool(can_read_checks(actor)),
            "can_import": bool(can_import_employment(actor)),
            "can_counts": bool(can_read_counts(actor)),
            "is_coach": is_coach(actor),
            "is_employee": actor.employee is not None,
            "new_applications": (
                selectors.new_applications_count(actor=actor) if is_coach(actor) else 0
            ),
        },
    )


# --- eligibility -----------------------------------------------------------------------------


def _as_of(request) -> tuple[AsOfForm, date]:
    data = request.GET if "as_of" in request.GET else None
    form = AsOfForm(data, initial={"as_of": timezone.localdate()})
    as_of = timezone.localdate()
    if data is not None and form.is_valid():
        as_of = form.cleaned_data["as_of"]
    return form, as_of


@api_counterpart("POST /support/eligibility/self-check")
@actor_view()
def self_check_view(request, actor: Actor):
    """The employee's own check. Nothing is saved: the page says so."""
    _require(can_self_check(actor))
    result = None
    rule_error = ""
    if request.method == "POST":
        as_of_form = AsOfForm(request.POST)
        formset = MonthFormSet(request.POST, prefix="m")
        if as_of_form.is_valid() and formset.is_valid():
            records = month_records(formset)
            try:
                result = selectors.self_check(
                    actor=actor, as_of=as_of_form.cleaned_data["as_of"], records=records
                )
            except DomainError as exc:
                add_domain_error(as_of_form, exc)
            except ValueError:
                as_of_form.add_error(None, _("Samma månad finns två gånger i tabellen."))
    else:
        as_of_form, as_of = _as_of(request)
        try:
            window = selectors.rule_for(as_of=as_of).window_months
        except DomainError as exc:
            rule_error = str(exc.message)
            window = 24
        rows = selectors.prefill_months(actor=actor, as_of=as_of, window=window)
        formset = MonthFormSet(
            prefix="m",
            initial=[
                {
                    "month": r["month"],
                    "hours_per_week": r["hours_per_week"],
                    "income": r["income_ore"],
                }
                for r in rows
            ],
        )
        as_of_form = AsOfForm(initial={"as_of": as_of})
    return render(
        request,
        "support/self_check.html",
        {
            "form": as_of_form,
            "formset": formset,
            "result": result,
            "rule_error": rule_error,
            "has_data": actor.employee is not None and actor.employee.employment_months.exists(),
        },
    )


@api_counterpart("GET /support/eligibility-checks")
@actor_view()
def eligibility_view(request, actor: Actor):
    """The coordinator's list of employees to check, and the latest recorded checks."""
    _require(can_read_checks(actor))
    q = request.GET.get("q", "").strip()[:100]
    employees = None
    if can_check_employees(actor):
        employees = employees_for_org(organisation=actor.organisation, q=q)[:50]
    return render(
        request,
        "support/eligibility.html",
        {
            "employees": employees,
            "q": q,
            "checks": selectors.checks_for_org(organisation=actor.organisation)[:50],
            "can_import": bool(can_import_employment(actor)),
        },
    )


@api_counterpart(
    "GET /support/employees/{employee_id}/employment-months",
    "POST /support/employees/{employee_id}/eligibility-checks",
    "GET /support/eligibility-checks",
)
@actor_view()
def employee_check_view(request, actor: Actor, employee_id: int):
    _require(can_check_employees(actor))
    employee = selectors.employee_get(organisation=actor.organisation, pk=employee_id)
    if employee is None:
        raise Http404
    result = None
    check = None
    if request.method == "POST":
        form = AsOfForm(request.POST)
        if form.is_valid():
            try:
                check, result = services.eligibility_check_record(
                    actor=actor, employee=employee, as_of=form.cleaned_data["as_of"]
                )
            except DomainError as exc:
                add_domain_error(form, exc)
    else:
        form = AsOfForm(initial={"as_of": timezone.localdate()})
    months = selectors.employment_months(organisation=actor.organisation, employee=employee)
    return render(
        request,
        "support/employee_check.html",
        {
            "employee": employee,
            "form": form,
            "result": result,
            "check": check,
            "months": months.order_by("-month")[:36],
            "month_count": months.count(),
            "history": selectors.checks_for_org(organisation=actor.organisation, employee=employee)[
                :20
            ],
        },
    )


@api_counterpart("GET /support/eligibility-checks/{check_id}")
@actor_view()
def check_detail_view(request, actor: Actor, pk: int):
    _require(can_read_checks(actor))
    check = selectors.check_get(organisation=actor.organisation, pk=pk)
    if check is None:
        raise Http404
    return render(request, "support/check_detail.html", {"check": check, "r": check.reasoning})


@api_counterpart("POST /support/eligibility/imports")
@actor_view()
def import_view(request, actor: Actor):
    _require(can_import_employment(actor))
    result = None
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                rows = read_upload(upload)
                result = services.employment_import(actor=actor, rows=rows)
            except DomainError as exc:
                add_domain_error(form, exc)
            if result is not None and result.imported:
                messages.success(
                    request,
                    _("Inläst: %(c)s nya månader och %(u)s uppdaterade.")
                    % {"c": result.created, "u": result.updated},
                )
                return redirect("support:eligibility")
    else:
        form = ImportForm()
    return render(
        request,
        "support/import.html",
        {"form": form, "result": result, "header": ";".join(TEMPLATE_HEADER)},
    )


@api_counterpart("GET /support/eligibility/rules", "PUT /support/eligibility/rules/{year}")
@actor_view()
def rules_view(request, actor: Actor):
    editable = bool(can_edit_rules(actor))
    form = None
    if editable:
        try:
            year = int(request.GET.get("year", ""))
        except ValueError:  # empty, text, or digits int() does not read (e.g. "²")
            year = None
        initial = {"months_required": 12, "window_months": 24, "min_hours_per_week": "16"}
        rule = selectors.rule_get(year=year) if year else None
        if rule is not None:
            initial = {
                "year": rule.year,
                "months_required": rule.months_required,
                "window_months": rule.window_months,
                "min_hours_per_week": rule.min_hours_per_week,
                "min_monthly_income": rule.min_monthly_income_ore,
                "confirmed": rule.confirmed,
                "source": rule.source,
            }
        form = RuleForm(request.POST or None, initial=initial)
        done = run_form(
            request,
            form,
            lambda d: services.rule_save(
                actor=actor,
                year=d["year"],
                months_required=d["months_required"],
                window_months=d["window_months"],
                min_hours_per_week=d["min_hours_per_week"],
                min_monthly_income_ore=d["min_monthly_income"],
                confirmed=d["confirmed"],
                source=d["source"],
            ),
            success=reverse("support:rules"),
            message=lambda r: _("Gränsvärdena för %(y)s är sparade.") % {"y": r.year},
        )
        if done:
            return done
    elif request.method == "POST":
        raise PermissionDenied
    return render(
        request,
        "support/rules.html",
        {"rules": selectors.rules_all(), "form": form, "editable": editable},
    )


# --- counselling -----------------------------------------------------------------------------


@api_counterpart("GET /support/slots", "POST /support/slots", "GET /support/bookings")
@actor_view()
def counselling_view(request, actor: Actor):
    """Employees: coaches, free times, own bookings. Coaches: their times and bookings, and the
    form to publish a time."""
    coach = is_coach(actor)
    if not coach and actor.employee is None:
        raise PermissionDenied
    slot_form = None
    if coach:
        slot_form = SlotForm(request.POST or None)
        done = run_form(
            request,
            slot_form,
            lambda d: services.slot_create(actor=actor, **d),
            success=reverse("support:counselling"),
            message=_("Tiden är publicerad."),
        )
        if done:
            return done
    elif request.method == "POST":
        raise PermissionDenied
    return render(
        request,
        "support/counselling.html",
        {
            "is_coach": coach,
            "is_employee": actor.employee is not None,
            "form": slot_form,
            "coach_slots": selectors.coach_slots(actor=actor)[:200] if coach else [],
            "coach_bookings": selectors.bookings_for_coach(actor=actor)[:100] if coach else [],
            "available": selectors.slots_available(actor=actor)[:100],
            "coaches": selectors.coaches_available(actor=actor) if actor.employee else [],
            "my_bookings": selectors.bookings_for_employee(actor=actor)[:50],
            "cancel_hours": int(CANCEL_NOTICE.total_seconds() // 3600),
        },
    )


@api_counterpart("POST /support/slots/{slot_id}/booking")
@require_POST
@actor_view()
def book_view(request, actor: Actor, pk: int):
    try:
        booking = services.slot_book(actor=actor, slot_id=pk)
    except DomainError as exc:
        if exc.code == "not_found":
            raise Http404 from exc
        messages.error(request, str(exc.message))
        return redirect("support:counselling")
    messages.success(request, _("Tiden är bokad. Du och vägledaren har fått en avisering."))
    return redirect("support:booking", pk=booking.pk)


@api_counterpart("POST /support/slots/{slot_id}/withdraw")
@require_POST
@actor_view()
def slot_withdraw_view(request, actor: Actor, pk: int):
    slot = selectors.coach_slot_get(actor=actor, pk=pk)
    if slot is None:
        raise Http404
    try:
        services.slot_withdraw(actor=actor, slot=slot)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Tiden är borttagen."))
    return redirect("support:counselling")


def _booking_or_404(actor: Actor, pk: int) -> Booking:
    booking = selectors.booking_get_for_party(actor=actor, pk=pk)
    if booking is None:
        raise Http404
    return booking


@api_counterpart("GET /support/bookings/{booking_id}", "POST /support/bookings/{booking_id}/notes")
@actor_view()
def booking_view(request, actor: Actor, pk: int):
    booking = _booking_or_404(actor, pk)
    now = timezone.now()
    note_form = NoteForm(request.POST or None)
    done = run_form(
        request,
        note_form,
        lambda d: services.note_add(actor=actor, booking=booking, text=d["text"]),
        success=reverse("support:booking", args=[booking.pk]),
        message=_("Anteckningen är sparad."),
    )
    if done:
        return done
    notes = selectors.notes_for(actor=actor, booking=booking)
    record_note_reads(actor=actor, booking=booking, notes=notes, channel=ReadLog.Channel.PAGE)
    return render(
        request,
        "support/booking.html",
        {
            "booking": booking,
            "as_coach": is_booking_coach(actor, booking),
            "notes": notes,
            "note_form": note_form if can_write_note(actor, booking) else None,
            "cancel": can_cancel(actor, booking, now=now),
            "cancel_form": CancelForm(),
            "held": can_mark_held(actor, booking, now=now),
            "booked": booking.status == Booking.Status.BOOKED,
        },
    )


@api_counterpart("POST /support/bookings/{booking_id}/cancel")
@require_POST
@actor_view()
def booking_cancel_view(request, actor: Actor, pk: int):
    booking = _booking_or_404(actor, pk)
    form = CancelForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.booking_cancel(actor=actor, booking=booking, reason=reason)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Samtalet är avbokat."))
    return redirect("support:booking", pk=booking.pk)


@api_counterpart("POST /support/bookings/{booking_id}/held")
@require_POST
@actor_view()
def booking_held_view(request, actor: Actor, pk: int):
    booking = _booking_or_404(actor, pk)
    try:
        services.booking_mark_held(actor=actor, booking=booking)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Samtalet är markerat som genomfört."))
    return redirect("support:booking", pk=booking.pk)


@api_counterpart("GET /support/counselling-counts/{year}")
@actor_view()
def counts_view(request, actor: Actor):
    _require(can_read_counts(actor))
    this_year = timezone.localdate().year
    try:
        year = int(request.GET.get("year", this_year))
    except ValueError:
        year = this_year
    if not 2000 <= year <= this_year + 1:
        year = this_year
    counts = selectors.counselling_counts(organisation=actor.organisation, year=year)
    return render(
        request,
        "support/counts.html",
        {
            "counts": counts,
            "year": year,
            "years": list(range(this_year + 1, this_year - 5, -1)),
            "is_fund": actor.has(Role.FUND_OFFICER) or actor.organisation.kind == "fund",
        },
    )
