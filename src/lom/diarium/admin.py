"""The register in the Django admin, read-only: a registration is never changed or deleted,
and the series is set on the organisation's own settings page (audited)."""

from django.contrib import admin

from lom.common.admin import ReadOnlyAdmin
from lom.diarium.models import DocumentSeries, RegisteredDocument


@admin.register(RegisteredDocument)
class RegisteredDocumentAdmin(ReadOnlyAdmin):
    list_display = ("number", "registered_at", "kind", "title", "organisation", "secrecy")
    list_filter = ("kind", "secrecy", "direction", "year")
    search_fields = ("number", "title", "case_number")
    readonly_fields = [f.name for f in RegisteredDocument._meta.fields]


@admin.register(DocumentSeries)
class DocumentSeriesAdmin(ReadOnlyAdmin):
    list_display = ("organisation", "prefix", "number_format", "number_width")
    readonly_fields = [f.name for f in DocumentSeries._meta.fields]
