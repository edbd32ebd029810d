from django.contrib import admin

from lom.cases.models import Case


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    """Read-only: every change of a case goes through the workflow service."""

    list_display = ["number", "title", "organisation", "status", "requested_ore", "approved_ore"]
    list_filter = ["organisation", "status"]
    search_fields = ["number", "title"]
    list_select_related = ["organisation"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
