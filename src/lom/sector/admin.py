from django.contrib import admin

from lom.common.admin import ReadOnlyAdmin
from lom.sector.models import BenchmarkRun


@admin.register(BenchmarkRun)
class BenchmarkRunAdmin(ReadOnlyAdmin):
    """Read-only: the cache is written by the refresh task only. Per-organisation values are
    deliberately not listed here."""

    list_display = ("year", "computed_at", "seconds", "organisations", "requested_at")
    readonly_fields = list_display
