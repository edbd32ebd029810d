"""The organisation administrator's SCIM tokens, under /sso/scim-tokens/."""

from django.urls import path

from lom.identity.views import scim_tokens

urlpatterns = [
    path("", scim_tokens.scim_tokens_view, name="scim_tokens"),
    path("<int:pk>/revoke/", scim_tokens.scim_token_revoke_view, name="scim_token_revoke"),
]
