from django.contrib import admin

from lom.common.admin import ReadOnlyAdmin
from lom.outreach.models import Campaign, ContactPerson, NewsItem, ReachCounter


@admin.register(ContactPerson)
class ContactPersonAdmin(ReadOnlyAdmin):
    list_display = ("name", "role", "email", "organisation", "union")
    list_filter = ("organisation",)


@admin.register(NewsItem)
class NewsItemAdmin(ReadOnlyAdmin):
    list_display = ("title", "organisation", "status", "publish_from", "publish_to")
    list_filter = ("organisation", "status")


@admin.register(Campaign)
class CampaignAdmin(ReadOnlyAdmin):
    list_display = ("title", "organisation", "status", "starts_on", "ends_on")
    list_filter = ("organisation", "status")


@admin.register(ReachCounter)
class ReachCounterAdmin(ReadOnlyAdmin):
    """Aggregate numbers written by the public pages: read-only."""

    list_display = ("day", "organisation", "kind", "detail", "campaign", "count")
    list_filter = ("organisation", "kind")
