"""Django admin for individual support. The notes of counselling sessions (SessionNote) are
deliberately NOT registered: only the employee and the coach may read them."""

from django.contrib import admin

from lom.common.admin import ReadOnlyAdmin
from lom.support.models import Booking, EligibilityCheck, EligibilityRule, EmploymentMonth, Slot


@admin.register(EligibilityRule)
class EligibilityRuleAdmin(ReadOnlyAdmin):
    list_display = [
        "year",
        "months_required",
        "window_months",
        "min_hours_per_week",
        "min_monthly_income_ore",
        "confirmed",
    ]
    list_filter = ["confirmed"]


@admin.register(EmploymentMonth)
class EmploymentMonthAdmin(ReadOnlyAdmin):
    list_display = ["employee", "organisation", "month", "hours_per_week", "income_ore"]
    list_filter = ["organisation"]
    list_select_related = ["employee", "organisation"]


@admin.register(EligibilityCheck)
class EligibilityCheckAdmin(ReadOnlyAdmin):
    """Append-only audit of the coordinators' checks."""

    list_display = ["checked_at", "organisation", "employee", "checked_by", "as_of", "eligible"]
    list_filter = ["organisation", "eligible"]
    list_select_related = ["organisation", "employee", "checked_by"]
    exclude = ["reasoning"]


@admin.register(Slot)
class SlotAdmin(ReadOnlyAdmin):
    list_display = ["starts_at", "coach", "organisation", "mode", "is_booked", "withdrawn"]
    list_filter = ["organisation", "mode", "is_booked"]
    list_select_related = ["coach", "organisation"]


@admin.register(Booking)
class BookingAdmin(ReadOnlyAdmin):
    """Status only. No notes, no cancellation reasons (they may be personal)."""

    list_display = ["id", "slot", "employee_organisation", "status", "booked_at"]
    list_filter = ["employee_organisation", "status"]
    list_select_related = ["slot", "slot__coach", "employee_organisation"]
    fields = readonly_fields = (
        "slot",
        "employee_organisation",
        "status",
        "booked_at",
        "cancelled_at",
        "held_at",
    )
