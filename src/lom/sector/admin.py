from django.contrib import admin

from lom.sector.models import BenchmarkRun


@admin.register(BenchmarkRun)
class BenchmarkRunAdmin(admin.ModelAdmin):
    """Read-only: the cache is written by the refresh task only. Per-organisation values are
    deliberately not listed here."""

    list_display = ("year", "computed_at", "seconds", "organisations", "requested_at")
    readonly_fields = list_display

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
