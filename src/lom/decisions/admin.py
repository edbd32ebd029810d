from django.contrib import admin

from lom.common.admin import ReadOnlyAdmin
from lom.decisions.models import ApplicationRound, Meeting, Objection


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyAdmin):
    list_display = ["title", "organisation", "starts_at", "status"]
    list_filter = ["organisation", "status"]


@admin.register(Objection)
class ObjectionAdmin(ReadOnlyAdmin):
    """Objections are never deleted or edited outside their routine."""

    list_display = ["subject", "organisation", "union", "status", "raised_at"]
    list_filter = ["organisation", "status"]


@admin.register(ApplicationRound)
class ApplicationRoundAdmin(ReadOnlyAdmin):
    list_display = ["title", "organisation", "opens_on", "closes_on", "status"]
