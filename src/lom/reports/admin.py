from django.contrib import admin

from lom.reports.models import ReportJob


@admin.register(ReportJob)
class ReportJobAdmin(admin.ModelAdmin):
    """Read-only: jobs are started and run through the service."""

    list_display = ["organisation", "year", "format", "status", "progress", "created_at"]
    list_filter = ["organisation", "status"]
    list_select_related = ["organisation"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
