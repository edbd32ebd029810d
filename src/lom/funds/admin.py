from django.contrib import admin

from lom.common.admin import ReadOnlyAdmin
from lom.funds.models import ForecastSettings, FundPeriod, LedgerEntry


@admin.register(FundPeriod)
class FundPeriodAdmin(ReadOnlyAdmin):
    """Periods are created through the application (the allocation goes into the ledger);
    here they can be read."""

    list_display = ["name", "organisation", "start", "end", "method"]
    list_filter = ["organisation", "method"]


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    """The ledger is append-only: read-only here."""

    list_display = [
        "created_at",
        "organisation",
        "period",
        "kind",
        "amount_ore",
        "case",
        "memo_shown",
    ]
    list_filter = ["kind", "organisation"]
    raw_id_fields = ["case", "period"]
    list_select_related = ["organisation", "period", "case"]


@admin.register(ForecastSettings)
class ForecastSettingsAdmin(ReadOnlyAdmin):
    list_display = ["organisation", "unused_warning_percent"]
