from django.contrib import admin

from lom.common.admin import ReadOnlyAdmin
from lom.reports.models import ReportJob


@admin.register(ReportJob)
class ReportJobAdmin(ReadOnlyAdmin):
    """Read-only: jobs are started and run through the service."""

    list_display = ["organisation", "year", "format", "status", "progress", "created_at"]
    list_filter = ["organisation", "status"]
    list_select_related = ["organisation"]
