"""The outbox in Django admin, read-only: superusers see every mail, also those that belong to
no organisation (system mail)."""

from django.contrib import admin
from django.http import HttpRequest

from lom.mail.models import MailAttempt, OutboundMail


class _ReadOnly:
    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class MailAttemptInline(_ReadOnly, admin.TabularInline):
    model = MailAttempt
    fields = ("at", "ok", "code", "error")
    readonly_fields = fields
    extra = 0


@admin.register(OutboundMail)
class OutboundMailAdmin(_ReadOnly, admin.ModelAdmin):
    list_display = ("created_at", "to_address", "subject", "kind", "status", "attempts")
    list_filter = ("status", "kind", "organisation")
    search_fields = ("to_address", "subject")
    date_hierarchy = "created_at"
    list_select_related = ("organisation",)
    readonly_fields = [f.name for f in OutboundMail._meta.fields]
    inlines = [MailAttemptInline]


@admin.register(MailAttempt)
class MailAttemptAdmin(_ReadOnly, admin.ModelAdmin):
    list_display = ("at", "mail", "ok", "code", "error")
    list_filter = ("ok", "code")
    search_fields = ("mail__to_address", "mail__subject")
    list_select_related = ("mail",)
    readonly_fields = ("mail", "at", "ok", "code", "error")
