"""Organisations, units and roles in the Django admin: every add, change and delete goes through
the same services as the organisation pages (audited; a unit move recomputes its subtree's
paths; role changes need a recent sign-in). Unions and employees are read-only here: the
organisation pages and the staff register import write them."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from lom.common.admin import ReadOnlyAdmin, ServiceAdmin
from lom.organisations import services
from lom.organisations.models import Employee, Membership, Organisation, Union, Unit


@admin.register(Organisation)
class OrganisationAdmin(ServiceAdmin):
    list_display = ["name", "kind", "org_number", "slug"]
    search_fields = ["name", "org_number"]
    prepopulated_fields = {"slug": ["name"]}
    fields = ["name", "slug", "org_number", "kind"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["kind"] if obj is not None else []

    def get_prepopulated_fields(self, request: HttpRequest, obj: Any = None) -> dict:
        return self.prepopulated_fields if obj is None else {}

    def save_through_service(self, request, form, change):
        data = form.cleaned_data
        return services.organisation_save(
            actor=request.user,
            organisation=form.instance if change else None,
            name=data["name"],
            slug=data["slug"],
            org_number=data.get("org_number", ""),
            kind=data.get("kind") or form.instance.kind,
        )


@admin.register(Unit)
class UnitAdmin(ServiceAdmin):
    list_display = ["name", "organisation", "code", "path"]
    list_filter = ["organisation"]
    search_fields = ["name", "code"]
    raw_id_fields = ["parent"]
    fields = ["organisation", "parent", "name", "code", "manager", "path"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # The manager is the staff register's (it grants the manager role at the import).
        return ["organisation", "manager", "path"] if obj is not None else ["manager", "path"]

    def save_through_service(self, request, form, change):
        data = form.cleaned_data
        if change:
            return services.unit_update(
                actor=request.user,
                unit=form.instance,
                name=data["name"],
                parent=data["parent"],
                code=data.get("code", ""),
            )
        return services.unit_create(
            actor=request.user,
            organisation=data["organisation"],
            name=data["name"],
            parent=data["parent"],
            code=data.get("code", ""),
        )


@admin.register(Membership)
class MembershipAdmin(ServiceAdmin):
    """Grant, change and revoke roles through the membership services; a recent sign-in is
    needed, as on the organisation's role page."""

    needs_recent_auth = True
    can_delete_through_service = True
    list_display = ["user", "organisation", "role", "unit", "union", "source"]
    list_filter = ["organisation", "role"]
    search_fields = ["user__username", "user__last_name"]
    raw_id_fields = ["user", "unit"]
    list_select_related = ["user", "organisation", "unit", "union"]
    fields = ["user", "organisation", "role", "unit", "union", "source"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # Another person or organisation is another membership: revoke and grant.
        return ["user", "organisation", "source"] if obj is not None else ["source"]

    def save_through_service(self, request, form, change):
        data = form.cleaned_data
        if change:
            return services.membership_change(
                actor=request.user,
                membership=form.instance,
                role=data["role"],
                unit=data.get("unit"),
                union=data.get("union"),
            )
        return services.membership_grant(
            actor=request.user,
            organisation=data["organisation"],
            user=data["user"],
            role=data["role"],
            unit=data.get("unit"),
            union=data.get("union"),
        )

    def delete_through_service(self, request, obj):
        services.membership_revoke(actor=request.user, membership=obj)


@admin.register(Union)
class UnionAdmin(ReadOnlyAdmin):
    list_display = ["name", "organisation"]
    list_filter = ["organisation"]


@admin.register(Employee)
class EmployeeAdmin(ReadOnlyAdmin):
    """Employment data change on the organisation's pages and by the staff register import."""

    list_display = ["__str__", "organisation", "unit", "occupational_group", "employment_start"]
    list_filter = ["organisation", "gender", "employment_form", "active"]
    search_fields = ["first_name", "last_name", "email"]
    list_select_related = ["organisation", "unit"]
    exclude = ["identity_hash"]
