from django.contrib import admin

from lom.cases.models import Case
from lom.common.admin import ReadOnlyAdmin


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    """Read-only: every change of a case goes through the workflow service. The personal
    reason is not shown here (special-category data: read only where the read is logged)."""

    list_display = ["number", "title", "organisation", "status", "requested_ore", "approved_ore"]
    list_filter = ["organisation", "status"]
    search_fields = ["number", "title"]
    list_select_related = ["organisation"]
    exclude = ["private_reason"]
