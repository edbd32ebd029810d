from django.contrib import admin

from lom.common.admin import ReadOnlyAdmin
from lom.library.models import LibraryEntry


@admin.register(LibraryEntry)
class LibraryEntryAdmin(ReadOnlyAdmin):
    """Read-only: entries change only through the services (consent, withdrawal, audit)."""

    list_display = ("title", "organisation", "status", "sector", "size_band", "year")
    list_filter = ("status", "sector", "year")
    search_fields = ("title",)
    exclude = ("embedding",)
