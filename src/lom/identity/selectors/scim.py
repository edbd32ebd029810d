"""Reads of the SCIM endpoint: the token's organisation, its managed users and groups, and
their SCIM representation. Nothing outside the token's organisation is ever visible."""

from typing import Any

from django.db.models import QuerySet

from lom.common.validation import id_or_none
from lom.identity.models import ManagedAccount, ScimGroup, ScimToken, hash_secret
from lom.organisations.models import Organisation

SCHEMA_USER = "urn:ietf:params:scim:schemas:core:2.0:User"
SCHEMA_GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"
SCHEMA_ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"


def scim_token_by_raw(*, raw: str) -> ScimToken | None:  # tenant-scope: the token names its org
    if not raw or len(raw) > 200:
        return None
    return (
        ScimToken.objects.select_related("organisation")
        .filter(key_hash=hash_secret(raw), revoked_at__isnull=True)
        .first()
    )


def scim_tokens_for_org(*, organisation: Organisation) -> QuerySet[ScimToken]:
    return ScimToken.objects.filter(organisation=organisation).order_by("revoked_at", "-created_at")


def scim_token_get(*, organisation: Organisation, pk: int) -> ScimToken | None:
    """One of the organisation's tokens (None for another organisation's)."""
    return ScimToken.objects.filter(organisation=organisation, pk=pk).first()


def scim_accounts(
    *, organisation: Organisation, attribute: str = "", value: str = ""
) -> QuerySet[ManagedAccount]:
    """The organisation's managed users, filtered on `userName` or `externalId` when given."""
    qs = ManagedAccount.objects.filter(organisation=organisation).select_related("user")
    if attribute == "userName":
        qs = qs.filter(user__username__iexact=value)
    elif attribute == "externalId":
        qs = qs.filter(external_id=value)
    return qs.order_by("pk")


def scim_account(*, organisation: Organisation, user_id: str) -> ManagedAccount | None:
    if id_or_none(user_id, digits=18) is None:
        return None
    return (
        ManagedAccount.objects.filter(organisation=organisation, user_id=int(user_id))
        .select_related("user")
        .first()
    )


def scim_groups(
    *, organisation: Organisation, attribute: str = "", value: str = ""
) -> QuerySet[ScimGroup]:
    qs = ScimGroup.objects.filter(organisation=organisation).prefetch_related("members")
    if attribute == "displayName":
        qs = qs.filter(display_name=value)
    elif attribute == "externalId":
        qs = qs.filter(external_id=value)
    return qs.order_by("pk")


def scim_group(*, organisation: Organisation, group_id: str) -> ScimGroup | None:
    pk = id_or_none(group_id, digits=18)
    if pk is None:
        return None
    return ScimGroup.objects.filter(organisation=organisation, pk=pk).first()


def _meta(kind: str, obj: Any, location: str) -> dict[str, Any]:
    return {
        "resourceType": kind,
        "created": obj.created_at.isoformat(),
        "lastModified": obj.updated_at.isoformat(),
        "location": location,
    }


def groups_by_user(*, organisation_id: int, user_ids: list[int]) -> dict[int, list[ScimGroup]]:
    """Each user's SCIM groups in the organisation, by display name: one query for a page."""
    rows = (
        ScimGroup.members.through.objects.filter(
            user_id__in=user_ids, scimgroup__organisation_id=organisation_id
        )
        .select_related("scimgroup")
        .order_by("scimgroup__display_name")
    )
    out: dict[int, list[ScimGroup]] = {pk: [] for pk in user_ids}
    for row in rows:
        out[row.user_id].append(row.scimgroup)
    return out


def user_resources(*, accounts: list[ManagedAccount], base: str) -> list[dict[str, Any]]:
    """A page of SCIM Users, their groups read in one query."""
    if not accounts:
        return []
    groups = groups_by_user(
        organisation_id=accounts[0].organisation_id, user_ids=[a.user_id for a in accounts]
    )
    return [user_resource(account=a, base=base, groups=groups[a.user_id]) for a in accounts]


def user_resource(
    *, account: ManagedAccount, base: str, groups: list[ScimGroup] | None = None
) -> dict[str, Any]:
    """The SCIM User of a managed account (`base` ends with a slash: …/scim/v2/)."""
    user = account.user
    if groups is None:
        groups = groups_by_user(organisation_id=account.organisation_id, user_ids=[user.pk])[
            user.pk
        ]
    out: dict[str, Any] = {
        "schemas": [SCHEMA_USER, SCHEMA_ENTERPRISE],
        "id": str(user.pk),
        "userName": user.username,
        "name": {
            "givenName": user.first_name,
            "familyName": user.last_name,
            "formatted": user.get_full_name(),
        },
        "displayName": user.get_full_name() or user.username,
        "emails": ([{"value": user.email, "type": "work", "primary": True}] if user.email else []),
        "active": user.is_active,
        "groups": [
            {"value": str(g.pk), "display": g.display_name, "$ref": f"{base}Groups/{g.pk}"}
            for g in groups
        ],
        SCHEMA_ENTERPRISE: {"employeeNumber": account.employee_number},
        "meta": _meta("User", account, f"{base}Users/{user.pk}"),
    }
    if account.external_id:
        out["externalId"] = account.external_id
    return out


def group_resource(*, group: ScimGroup, base: str, members: bool = True) -> dict[str, Any]:
    out: dict[str, Any] = {
        "schemas": [SCHEMA_GROUP],
        "id": str(group.pk),
        "displayName": group.display_name,
        "meta": _meta("Group", group, f"{base}Groups/{group.pk}"),
    }
    if group.external_id:
        out["externalId"] = group.external_id
    if members:
        out["members"] = [
            {"value": str(u.pk), "display": u.username, "$ref": f"{base}Users/{u.pk}"}
            for u in sorted(group.members.all(), key=lambda u: u.pk)
        ]
    return out


def managed_user_ids(*, organisation: Organisation, user_ids: tuple[int, ...]) -> set[int]:
    """Which of `user_ids` are users managed by the organisation (a group may hold only them)."""
    return set(
        ManagedAccount.objects.filter(organisation=organisation, user_id__in=user_ids).values_list(
            "user_id", flat=True
        )
    )


def scim_organisation(*, slug: str) -> Organisation | None:  # tenant-scope: the URL names it
    return Organisation.objects.filter(slug=slug).first()
