"""SAML 2.0 service provider URLs, one SP per organisation (mounted at /sso/saml/)."""

from django.urls import path

from lom.identity.views import saml

urlpatterns = [
    path("<slug:slug>/login/", saml.SamlLoginView.as_view(), name="saml_login"),
    path("<slug:slug>/acs/", saml.SamlAcsView.as_view(), name="saml_acs"),
    path("<slug:slug>/metadata/", saml.SamlMetadataView.as_view(), name="saml_metadata"),
    path("<slug:slug>/logout/", saml.SamlLogoutView.as_view(), name="saml_logout"),
    path("<slug:slug>/ls/", saml.SamlLogoutServiceView.as_view(), name="saml_ls"),
    path("<slug:slug>/ls/post/", saml.SamlLogoutServiceView.as_view(), name="saml_ls_post"),
]
