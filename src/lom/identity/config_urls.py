"""The organisation admin's SSO settings, under /sso/settings/."""

from django.urls import path

from lom.identity.views import config as views

urlpatterns = [
    path("", views.settings_view, name="config"),
    path("delete/", views.delete_view, name="config_delete"),
    path("mappings/", views.mapping_add_view, name="config_mapping_add"),
    path("mappings/<int:pk>/remove/", views.mapping_remove_view, name="config_mapping_remove"),
]
