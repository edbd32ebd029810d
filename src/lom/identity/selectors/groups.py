"""The IdP groups a user is in, as LOM knows them (SCIM and the last sign-in)."""

from lom.accounts.models import User
from lom.identity.models import ExternalIdentity, ScimGroup
from lom.organisations.models import Organisation


def scim_groups_of(*, organisation: Organisation, user: User) -> set[str]:
    return set(
        ScimGroup.objects.filter(organisation=organisation, members=user).values_list(
            "display_name", flat=True
        )
    )


def idp_groups_of(*, organisation: Organisation, user: User) -> set[str]:
    """Every IdP group of the user in the organisation: the SCIM groups, and those the last
    sign-in carried (so a sync by one channel does not drop roles the other gave)."""
    last = (
        ExternalIdentity.objects.filter(organisation=organisation, user=user)
        .order_by("-last_login_at", "-pk")
        .values_list("groups", flat=True)
        .first()
    )
    signed_in = {g for g in (last or []) if isinstance(g, str)}
    return scim_groups_of(organisation=organisation, user=user) | signed_in
