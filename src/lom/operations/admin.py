"""The operations records in the Django admin: read-only (the scheduler and the workers write
them; `manage.py jobs` is the operator's view)."""

from django.contrib import admin

from lom.operations.models import JobRun, OperationsEvent, WorkerHeartbeat


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
