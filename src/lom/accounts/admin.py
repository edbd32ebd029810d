"""Accounts in the Django admin, through the account services: creating an account, changing
names and the active, staff and superuser flags, setting a password and revoking an API token
are audited; switching an account off signs it out and stops its tokens. Django's groups and
per-user permissions are not used by LOM and not offered."""

import copy
from functools import partial
from typing import Any, cast

from django.contrib import admin
from django.contrib.admin.options import csrf_protect_m
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.http import HttpRequest, HttpResponse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_post_parameters

from lom.accounts import services
from lom.accounts.models import ApiToken, User
from lom.common.admin import ServiceAdmin

sensitive_post_parameters_m = method_decorator(sensitive_post_parameters())


class PasswordThroughService(AdminPasswordChangeForm):
    actor: User | None = None

    def save(self, commit: bool = True) -> User:
        data = self.cleaned_data
        password = data["password1"] if data["set_usable_password"] else None
        self.user = services.user_password_set(actor=self.actor, user=self.user, password=password)
        return self.user


@admin.register(User)
class UserAdmin(ServiceAdmin, DjangoUserAdmin):
    needs_recent_auth = True
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personuppgifter"), {"fields": ("first_name", "last_name", "email")}),
        (_("Behörighet"), {"fields": ("is_active", "is_staff", "is_superuser")}),
        (_("Datum"), {"fields": ("last_login", "date_joined")}),
    )
    readonly_fields = ("username", "last_login", "date_joined")
    list_filter = ("is_staff", "is_superuser", "is_active")
    filter_horizontal = ()

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return self.readonly_fields if obj is not None else ()

    def save_through_service(self, request, form, change):
        data = form.cleaned_data
        if not change:
            password = data.get("password1") if data.get("set_usable_password") else None
            return services.user_create(
                actor=request.user, username=data["username"], password=password or None
            )
        changes = {f: data[f] for f in form.changed_data if f in services.USER_ADMIN_FIELDS}
        return services.user_update(actor=request.user, user=form.instance, changes=changes)

    @sensitive_post_parameters_m
    @csrf_protect_m
    def add_view(
        self, request: HttpRequest, form_url: str = "", extra_context: dict | None = None
    ) -> HttpResponse:
        # Django's UserAdmin wraps this in a transaction; the service holds its own.
        view = cast(Any, self)._add_view
        return self._fresh(view)(request, form_url, extra_context)

    @sensitive_post_parameters_m
    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> Any:
        bound = copy.copy(self)
        bound.change_password_form = type(
            "PasswordForm", (PasswordThroughService,), {"actor": request.user}
        )
        view = partial(DjangoUserAdmin.user_change_password, bound)
        return self._fresh(view)(request, id, form_url)


@admin.register(ApiToken)
class ApiTokenAdmin(ServiceAdmin):
    """Tokens are issued with `manage.py create_api_token` (the raw key is shown once); here
    they can be read and revoked."""

    can_delete_through_service = True
    list_display = ["user", "name", "prefix", "created_at", "last_used_at"]
    fields = readonly_fields = ("user", "name", "prefix", "created_at", "last_used_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def delete_through_service(self, request, obj):
        services.api_token_revoke(actor=request.user, token=obj)
