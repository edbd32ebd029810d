"""Django admin for individual support. The notes of counselling sessions (SessionNote) are
deliberately NOT registered: only the employee and the coach may read them."""

from django.contrib import admin

from lom.support.models import Booking, EligibilityCheck, EligibilityRule, EmploymentMonth, Slot


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(EligibilityRule)
class EligibilityRuleAdmin(admin.ModelAdmin):
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
class EmploymentMonthAdmin(ReadOnly):
    list_display = ["employee", "organisation", "month", "hours_per_week", "income_ore"]
    list_filter = ["organisation"]
    list_select_related = ["employee", "organisation"]


@admin.register(EligibilityCheck)
class EligibilityCheckAdmin(ReadOnly):
    """Append-only audit of the coordinators' checks."""

    list_display = ["checked_at", "organisation", "employee", "checked_by", "as_of", "eligible"]
    list_filter = ["organisation", "eligible"]
    list_select_related = ["organisation", "employee", "checked_by"]
    exclude = ["reasoning"]


@admin.register(Slot)
class SlotAdmin(ReadOnly):
    list_display = ["starts_at", "coach", "organisation", "mode", "is_booked", "withdrawn"]
    list_filter = ["organisation", "mode", "is_booked"]
    list_select_related = ["coach", "organisation"]


@admin.register(Booking)
class BookingAdmin(ReadOnly):
    """Status only. No notes, no cancellation reasons (they may be personal)."""

    list_display = ["id", "slot", "employee_organisation", "status", "booked_at"]
    list_filter = ["employee_organisation", "status"]
    list_select_related = ["slot", "slot__coach", "employee_organisation"]
    fields = ["slot", "employee_organisation", "status", "booked_at", "cancelled_at", "held_at"]
    readonly_fields = fields
