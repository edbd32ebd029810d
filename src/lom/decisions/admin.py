from django.contrib import admin

from lom.decisions.models import ApplicationRound, Meeting, Objection


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Meeting)
class MeetingAdmin(ReadOnly):
    list_display = ["title", "organisation", "starts_at", "status"]
    list_filter = ["organisation", "status"]


@admin.register(Objection)
class ObjectionAdmin(ReadOnly):
    """Objections are never deleted or edited outside their routine."""

    list_display = ["subject", "organisation", "union", "status", "raised_at"]
    list_filter = ["organisation", "status"]


@admin.register(ApplicationRound)
class ApplicationRoundAdmin(ReadOnly):
    list_display = ["title", "organisation", "opens_on", "closes_on", "status"]
