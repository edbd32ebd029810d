from django.contrib import admin

from lom.common.admin import ReadOnlyAdmin
from lom.followup.models import FollowUp, FollowUpSettings


@admin.register(FollowUp)
class FollowUpAdmin(ReadOnlyAdmin):
    """Read-only: follow-ups are recorded through the service. Survey answers are not shown
    here at all: they are reported only in aggregate."""

    list_display = ["case", "kind", "need_met", "recorded_at", "organisation"]
    list_filter = ["organisation", "kind", "need_met"]
    list_select_related = ["case", "organisation"]


@admin.register(FollowUpSettings)
class FollowUpSettingsAdmin(ReadOnlyAdmin):
    list_display = ["organisation", "later_months", "survey_reminder_days"]
