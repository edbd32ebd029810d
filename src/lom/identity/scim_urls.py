"""SCIM 2.0 at /scim/v2/ (namespace `scim`): the organisation comes from the bearer token. The
same endpoints under /scim/v2/<organisation slug>/ also check that the token is that
organisation's."""

from django.urls import path

from lom.identity.views import scim

app_name = "scim"


def _routes(prefix: str, suffix: str) -> list:
    return [
        path(
            f"{prefix}ServiceProviderConfig",
            scim.service_provider_config_view,
            name=f"service_provider_config{suffix}",
        ),
        path(f"{prefix}ResourceTypes", scim.resource_types_view, name=f"resource_types{suffix}"),
        path(f"{prefix}Schemas", scim.schemas_view, name=f"schemas{suffix}"),
        path(f"{prefix}Users", scim.users_view, name=f"users{suffix}"),
        path(f"{prefix}Users/<str:pk>", scim.user_view, name=f"user{suffix}"),
        path(f"{prefix}Groups", scim.groups_view, name=f"groups{suffix}"),
        path(f"{prefix}Groups/<str:pk>", scim.group_view, name=f"group{suffix}"),
    ]


urlpatterns = _routes("", "") + _routes("<slug:org>/", "_org")
