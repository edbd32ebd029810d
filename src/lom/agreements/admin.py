"""The installation's reference data (kinds of measure, contribution rates) is written here,
through its services; local agreements are read-only (the organisation's agreement page writes
them, audited)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from lom.agreements import services
from lom.agreements.models import ContributionRate, LocalAgreement, MeasureType
from lom.common.admin import ReadOnlyAdmin, ServiceAdmin


@admin.register(MeasureType)
class MeasureTypeAdmin(ServiceAdmin):
    list_display = ["name", "code", "sort_order"]
    ordering = ["sort_order"]
    fields = ["code", "name", "description", "sort_order"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["code"] if obj is not None else []

    def save_through_service(self, request, form, change):
        data = form.cleaned_data
        return services.measure_type_save(
            measure_type=form.instance if change else None,
            code=data.get("code", ""),
            name=data["name"],
            description=data.get("description", ""),
            sort_order=data["sort_order"],
        )


@admin.register(ContributionRate)
class ContributionRateAdmin(ServiceAdmin):
    list_display = ["name", "percent", "valid_from", "valid_to"]
    fields = ["name", "percent", "valid_from", "valid_to"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["percent", "valid_from"] if obj is not None else []

    def save_through_service(self, request, form, change):
        data = form.cleaned_data
        rate = form.instance if change else None
        return services.contribution_rate_save(
            rate=rate,
            name=data["name"],
            percent=data["percent"] if rate is None else rate.percent,
            valid_from=data["valid_from"] if rate is None else rate.valid_from,
            valid_to=data.get("valid_to"),
        )


@admin.register(LocalAgreement)
class LocalAgreementAdmin(ReadOnlyAdmin):
    list_display = ["title", "organisation", "valid_from", "valid_to", "decision_model"]
    list_filter = ["organisation", "decision_model"]
