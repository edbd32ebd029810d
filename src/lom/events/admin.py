from django.contrib import admin

from lom.events.models import Event, ProgrammeItem, Registration


class ProgrammeInline(admin.TabularInline):
    model = ProgrammeItem
    extra = 0


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "starts_at", "capacity", "cancelled_at")
    list_filter = ("kind",)
    search_fields = ("title",)
    inlines = [ProgrammeInline]


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    """Read-only: registrations change through the services (capacity and waiting list)."""

    list_display = ("event", "organisation", "status", "persons", "created_at")
    list_filter = ("status",)
    readonly_fields = [f.name for f in Registration._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# Evaluations are deliberately not registered: read them only as statistics.
