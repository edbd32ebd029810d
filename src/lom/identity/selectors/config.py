"""Reads for an organisation's SSO configuration and its group → role mappings."""

from django.db.models import QuerySet

from lom.accounts.models import User
from lom.identity.models import ExternalIdentity, RoleMapping, SsoConfig
from lom.organisations.models import Organisation, Union, Unit


def sso_config_for_org(*, organisation: Organisation) -> SsoConfig | None:
    return SsoConfig.objects.filter(organisation=organisation).first()


def role_mappings_for_org(*, organisation: Organisation) -> QuerySet[RoleMapping]:
    return RoleMapping.objects.filter(config__organisation=organisation).select_related(
        "unit", "union"
    )


def role_mapping_get(*, organisation: Organisation, pk: int) -> RoleMapping | None:
    return role_mappings_for_org(organisation=organisation).filter(pk=pk).first()


def has_sso_link(*, organisation: Organisation, user: User) -> bool:
    """Whether the user has signed in through the organisation's IdP (or was linked to it)."""
    return ExternalIdentity.objects.filter(organisation=organisation, user=user).exists()


def unit_of_org(*, organisation: Organisation, pk: int) -> Unit | None:
    return Unit.objects.filter(organisation=organisation, pk=pk).first()


def union_of_org(*, organisation: Organisation, pk: int) -> Union | None:
    return Union.objects.filter(organisation=organisation, pk=pk).first()
