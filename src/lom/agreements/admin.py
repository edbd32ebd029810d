from django.contrib import admin

from lom.agreements.models import ContributionRate, LocalAgreement, MeasureType


@admin.register(MeasureType)
class MeasureTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "sort_order"]
    ordering = ["sort_order"]


@admin.register(ContributionRate)
class ContributionRateAdmin(admin.ModelAdmin):
    list_display = ["name", "percent", "valid_from", "valid_to"]


@admin.register(LocalAgreement)
class LocalAgreementAdmin(admin.ModelAdmin):
    list_display = ["title", "organisation", "valid_from", "valid_to", "decision_model"]
    list_filter = ["organisation", "decision_model"]
    filter_horizontal = ["measure_types", "unions"]
