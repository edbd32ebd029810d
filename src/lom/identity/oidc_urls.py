"""OpenID Connect sign-in, under /sso/oidc/."""

from django.urls import path

from lom.identity.views import oidc

urlpatterns = [
    path("<slug:slug>/login/", oidc.oidc_login, name="oidc_login"),
    path("<slug:slug>/callback/", oidc.oidc_callback, name="oidc_callback"),
]
