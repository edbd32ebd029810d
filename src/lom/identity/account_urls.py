"""The password sign-in's second step, the user's own two-factor settings, and
re-authentication (under /sso/account/)."""

from django.urls import path

from lom.identity.views import account, account_2fa

urlpatterns = [
    path("reauth/", account.reauth_view, name="reauth"),
    path("two-factor/", account_2fa.two_factor_view, name="two_factor"),
    path("two-factor/enrol/", account_2fa.two_factor_enrol_view, name="two_factor_enrol"),
    path("two-factor/codes/", account_2fa.recovery_codes_view, name="recovery_codes"),
    path("two-factor/settings/", account_2fa.two_factor_settings_view, name="two_factor_settings"),
    path("two-factor/disable/", account_2fa.two_factor_disable_view, name="two_factor_disable"),
]
