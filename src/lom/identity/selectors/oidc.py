"""Reads of the OpenID Connect sign-in."""

from lom.identity.models import Protocol, SsoConfig
from lom.organisations.models import Organisation


def oidc_organisation(*, slug: str) -> Organisation | None:
    """The organisation a sign-in URL names (public: the login page links to it)."""
    return Organisation.objects.filter(slug=slug).first()


def oidc_config(*, organisation: Organisation) -> SsoConfig | None:
    """The organisation's OpenID Connect settings, when it signs in through OIDC."""
    return (
        SsoConfig.objects.select_related("organisation")
        .filter(organisation=organisation, protocol=Protocol.OIDC, enabled=True)
        .first()
    )
