"""Every URL of the identity package, under /sso/ (namespace `identity`)."""

from django.urls import include, path

app_name = "identity"
urlpatterns = [
    path("saml/", include("lom.identity.saml_urls")),
    path("oidc/", include("lom.identity.oidc_urls")),
    path("account/", include("lom.identity.account_urls")),
    path("settings/", include("lom.identity.config_urls")),
    path("scim-tokens/", include("lom.identity.scim_admin_urls")),
]
