"""The outbox in Django admin, read-only: superusers see every mail, also those that belong to
no organisation (system mail)."""

from django.contrib import admin

from lom.common.admin import ReadOnlyAdmin, ReadOnlyTabularInline
from lom.mail.models import MailAttempt, OutboundMail


class MailAttemptInline(ReadOnlyTabularInline):
    model = MailAttempt
    fields = ("at", "ok", "code", "error")
    readonly_fields = fields


@admin.register(OutboundMail)
class OutboundMailAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "to_address", "subject", "kind", "status", "attempts")
    list_filter = ("status", "kind", "organisation")
    search_fields = ("to_address", "subject")
    date_hierarchy = "created_at"
    list_select_related = ("organisation",)
    readonly_fields = [f.name for f in OutboundMail._meta.fields]
    inlines = [MailAttemptInline]


@admin.register(MailAttempt)
class MailAttemptAdmin(ReadOnlyAdmin):
    list_display = ("at", "mail", "ok", "code", "error")
    list_filter = ("ok", "code")
    search_fields = ("mail__to_address", "mail__subject")
    list_select_related = ("mail",)
    readonly_fields = ("mail", "at", "ok", "code", "error")
