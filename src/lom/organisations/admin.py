from django.contrib import admin

from lom.organisations.models import Employee, Membership, Organisation, Union, Unit


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "org_number", "slug"]
    search_fields = ["name", "org_number"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "code", "path"]
    list_filter = ["organisation"]
    search_fields = ["name", "code"]
    raw_id_fields = ["parent"]
    readonly_fields = ["path"]


@admin.register(Union)
class UnionAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation"]
    list_filter = ["organisation"]


@admin.register(Employee)
class EmployeeAdmin(admin.ModelAdmin):
    list_display = ["__str__", "organisation", "unit", "occupational_group", "employment_start"]
    list_filter = ["organisation", "gender", "employment_form", "active"]
    search_fields = ["first_name", "last_name", "email"]
    raw_id_fields = ["unit", "user"]
    list_select_related = ["organisation", "unit"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "role", "unit", "union"]
    list_filter = ["organisation", "role"]
    search_fields = ["user__username", "user__last_name"]
    raw_id_fields = ["user", "unit"]
    list_select_related = ["user", "organisation", "unit", "union"]
