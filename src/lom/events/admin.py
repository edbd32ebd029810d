from django.contrib import admin

from lom.common.admin import ReadOnlyAdmin, ReadOnlyTabularInline
from lom.events.models import Event, ProgrammeItem, Registration


class ProgrammeInline(ReadOnlyTabularInline):
    model = ProgrammeItem


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    """Read-only: events change through the services (reminders, cancellation notices)."""

    list_display = ("title", "kind", "starts_at", "capacity", "cancelled_at")
    list_filter = ("kind",)
    search_fields = ("title",)
    inlines = [ProgrammeInline]


@admin.register(Registration)
class RegistrationAdmin(ReadOnlyAdmin):
    """Read-only: registrations change through the services (capacity and waiting list)."""

    list_display = ("event", "organisation", "status", "persons", "created_at")
    list_filter = ("status",)


# Evaluations are deliberately not registered: read them only as statistics.
