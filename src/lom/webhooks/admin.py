"""Webhook endpoints and deliveries in the Django admin, read-only (the secret is not shown)."""

from django.contrib import admin

from lom.common.admin import ReadOnlyAdmin
from lom.webhooks.models import WebhookDelivery, WebhookEndpoint


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(ReadOnlyAdmin):
    list_display = ("url", "organisation", "active", "created_at")
    list_filter = ("active", "organisation")
    fields = ("organisation", "url", "description", "events", "active", "created_by", "created_at")
    readonly_fields = fields


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "event", "endpoint", "status", "attempts", "last_status_code")
    list_filter = ("status", "event")
    list_select_related = ("endpoint",)
    readonly_fields = [f.name for f in WebhookDelivery._meta.fields]
