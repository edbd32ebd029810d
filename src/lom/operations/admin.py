"""The operations records in the Django admin: read-only (the scheduler and the workers write
them; `manage.py jobs` is the operator's view)."""

from django.contrib import admin

from lom.operations.models import (
    AccessibilityIssue,
    AccessibilityStatement,
    JobRun,
    OperationsEvent,
    WorkerHeartbeat,
)


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(JobRun)
class JobRunAdmin(_ReadOnly):
    list_display = ["job", "slot", "outcome", "duration_ms", "started_at", "detail"]
    list_filter = ["job", "outcome"]


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(_ReadOnly):
    list_display = ["worker_id", "role", "host", "pid", "started_at", "seen_at"]
    list_filter = ["role"]


@admin.register(OperationsEvent)
class OperationsEventAdmin(_ReadOnly):
    list_display = ["at", "action", "subject", "detail"]
    list_filter = ["action"]


class AccessibilityIssueInline(admin.TabularInline):
    model = AccessibilityIssue
    extra = 1
    fields = ["order", "title", "reason", "description"]


@admin.register(AccessibilityStatement)
class AccessibilityStatementAdmin(admin.ModelAdmin):
    """The platform administrator keeps the accessibility statement's status, known issues and
    dates here (one statement per installation)."""

    list_display = ["__str__", "compliance", "assessed_on", "reviewed_on"]
    inlines = [AccessibilityIssueInline]

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request) and not AccessibilityStatement.objects.exists()
