from django.contrib import admin

from lom.library.models import LibraryEntry


@admin.register(LibraryEntry)
class LibraryEntryAdmin(admin.ModelAdmin):
    """Read-only: entries change only through the services (consent, withdrawal, audit)."""

    list_display = ("title", "organisation", "status", "sector", "size_band", "year")
    list_filter = ("status", "sector", "year")
    search_fields = ("title",)
    exclude = ("embedding",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
