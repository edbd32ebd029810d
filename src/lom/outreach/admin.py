from django.contrib import admin

from lom.outreach.models import Campaign, ContactPerson, NewsItem, ReachCounter


@admin.register(ContactPerson)
class ContactPersonAdmin(admin.ModelAdmin):
    list_display = ("name", "role", "email", "organisation", "union")
    list_filter = ("organisation",)


@admin.register(NewsItem)
class NewsItemAdmin(admin.ModelAdmin):
    list_display = ("title", "organisation", "status", "publish_from", "publish_to")
    list_filter = ("organisation", "status")


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ("title", "organisation", "status", "starts_on", "ends_on")
    list_filter = ("organisation", "status")


@admin.register(ReachCounter)
class ReachCounterAdmin(admin.ModelAdmin):
    """Aggregate numbers written by the public pages: read-only."""

    list_display = ("day", "organisation", "kind", "detail", "campaign", "count")
    list_filter = ("organisation", "kind")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
