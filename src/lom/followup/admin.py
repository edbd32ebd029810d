from django.contrib import admin

from lom.followup.models import FollowUp, FollowUpSettings


@admin.register(FollowUp)
class FollowUpAdmin(admin.ModelAdmin):
    """Read-only: follow-ups are recorded through the service. Survey answers are not shown
    here at all: they are reported only in aggregate."""

    list_display = ["case", "kind", "need_met", "recorded_at", "organisation"]
    list_filter = ["organisation", "kind", "need_met"]
    list_select_related = ["case", "organisation"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(FollowUpSettings)
class FollowUpSettingsAdmin(admin.ModelAdmin):
    list_display = ["organisation", "later_months", "survey_reminder_days"]
