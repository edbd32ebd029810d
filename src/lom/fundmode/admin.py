from django.contrib import admin

from lom.common.admin import ReadOnlyAdmin
from lom.fundmode.models import (
    Claim,
    Criterion,
    FundDecision,
    FundMembership,
    FundRound,
    MeasureNotification,
    MemberPayroll,
    Pot,
    PotEntry,
)


@admin.register(FundMembership)
class FundMembershipAdmin(ReadOnlyAdmin):
    list_display = ["fund", "member", "joined_on"]
    list_select_related = ["fund", "member"]


@admin.register(FundRound)
class FundRoundAdmin(ReadOnlyAdmin):
    list_display = ["name", "fund", "start", "end", "claim_deadline", "total_ore", "status"]


@admin.register(Criterion)
class CriterionAdmin(ReadOnlyAdmin):
    list_display = ["text", "round", "order", "active"]
    list_filter = ["round", "active"]


@admin.register(MemberPayroll)
class MemberPayrollAdmin(ReadOnlyAdmin):
    list_display = ["round", "member", "payroll_ore"]


@admin.register(Pot)
class PotAdmin(ReadOnlyAdmin):
    list_display = ["member", "round", "payroll_ore"]


@admin.register(PotEntry)
class PotEntryAdmin(ReadOnlyAdmin):
    """Append-only: entries are never changed or deleted."""

    list_display = ["created_at", "pot", "kind", "amount_ore", "memo"]
    list_filter = ["kind"]


@admin.register(MeasureNotification)
class MeasureNotificationAdmin(ReadOnlyAdmin):
    list_display = ["number", "title", "member", "status", "approved_ore"]
    list_filter = ["status"]


@admin.register(FundDecision)
class FundDecisionAdmin(ReadOnlyAdmin):
    list_display = ["notification", "outcome", "amount_ore", "decided_at"]


@admin.register(Claim)
class ClaimAdmin(ReadOnlyAdmin):
    list_display = ["notification", "status", "total_ore", "submitted_at"]
