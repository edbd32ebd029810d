"""The operations records in the Django admin: read-only (the scheduler and the workers write
them; `manage.py jobs` is the operator's view)."""

from django.contrib import admin

from lom.common.admin import ServiceAdmin
from lom.operations import services
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


@admin.register(AccessibilityStatement)
class AccessibilityStatementAdmin(ServiceAdmin):
    """The platform administrator keeps the accessibility statement's status, method, dates
    and contact here (one statement per installation); its known issues are kept below it."""

    list_display = ["__str__", "compliance", "assessed_on", "reviewed_on"]
    fields = [
        "compliance",
        "assessment_method",
        "assessed_on",
        "published_on",
        "reviewed_on",
        "contact_email",
    ]

    def save_through_service(self, request, form, change):
        data = form.cleaned_data
        return services.accessibility_statement_save(
            statement=form.instance if change else None,
            compliance=data["compliance"],
            assessment_method=data["assessment_method"],
            assessed_on=data["assessed_on"],
            published_on=data["published_on"],
            reviewed_on=data["reviewed_on"],
            contact_email=data.get("contact_email", ""),
        )


@admin.register(AccessibilityIssue)
class AccessibilityIssueAdmin(ServiceAdmin):
    """The statement's known issues: content that is not accessible, and why."""

    list_display = ["title", "reason", "order"]
    fields = ["order", "title", "reason", "description"]
    can_delete_through_service = True

    def save_through_service(self, request, form, change):
        data = form.cleaned_data
        return services.accessibility_issue_save(
            issue=form.instance if change else None,
            title=data["title"],
            description=data.get("description", ""),
            reason=data["reason"],
            order=data.get("order") or 0,
        )

    def delete_through_service(self, request, obj):
        services.accessibility_issue_delete(issue=obj)
