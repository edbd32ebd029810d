"""The second factor's devices in the Django admin: readable, and removable only through the
identity service that resets a lost authenticator (audited; a recent sign-in needed). The
secrets are not shown, and devices are never added or edited here: users enrol their own."""

from typing import Any

from django.contrib import admin
from django.contrib.auth.models import Group
from django.http import HttpRequest
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from lom.common.admin import ServiceAdmin
from lom.identity.services.account import two_factor_reset

# LOM's roles are memberships of organisations; Django's groups are not used.
for model in (TOTPDevice, StaticDevice, Group):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


class DeviceAdmin(ServiceAdmin):
    needs_recent_auth = True
    can_delete_through_service = True
    list_display = ("user", "name", "confirmed")
    list_select_related = ("user",)
    search_fields = ("user__username",)
    fields = readonly_fields = ("user", "name", "confirmed")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def delete_through_service(self, request, obj):
        two_factor_reset(actor=request.user, user=obj.user)


admin.site.register(TOTPDevice, DeviceAdmin)
admin.site.register(StaticDevice, DeviceAdmin)
