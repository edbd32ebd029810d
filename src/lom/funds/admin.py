from django.contrib import admin

from lom.funds.models import ForecastSettings, FundPeriod, LedgerEntry


@admin.register(FundPeriod)
class FundPeriodAdmin(admin.ModelAdmin):
    """Periods are created through the application (the allocation goes into the ledger);
    here they can be read."""

    list_display = ["name", "organisation", "start", "end", "method"]
    list_filter = ["organisation", "method"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(LedgerEntry)
class LedgerEntryAdmin(admin.ModelAdmin):
    """The ledger is append-only: read-only here."""

    list_display = ["created_at", "organisation", "period", "kind", "amount_ore", "case", "memo"]
    list_filter = ["kind", "organisation"]
    raw_id_fields = ["case", "period"]
    list_select_related = ["organisation", "period", "case"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ForecastSettings)
class ForecastSettingsAdmin(admin.ModelAdmin):
    list_display = ["organisation", "unused_warning_percent"]
