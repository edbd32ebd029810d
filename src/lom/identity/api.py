"""API routes of the SSO configuration, mounted at /api/v1/identity by lom.api.api.

Organisation admins only. The OIDC client secret is write-only: answers say whether one is
stored (`has_client_secret`), never what it is. A call made with the browser session must come
from a recent sign-in (as the settings page asks); a call with an API token need not."""

from datetime import datetime
from typing import Annotated, Literal

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from lom.accounts.api_reauth import ensure_recent_auth
from lom.common.bounds import DB_ID_MAX
from lom.common.errors import PermissionDeniedError, fields_renamed
from lom.common.pagination import keyset_page
from lom.common.schemas import DEFAULT_LIMIT, Cursor, ErrorOut, Limit, Page
from lom.identity.models import METADATA_XML_MAX, RoleMapping, ScimToken, SsoConfig
from lom.identity.selectors.config import (
    role_mapping_get,
    role_mappings_for_org,
    sso_config_for_org,
)
from lom.identity.selectors.scim import scim_token_get, scim_tokens_for_org
from lom.identity.services.config import (
    role_mapping_add,
    role_mapping_remove,
    sso_config_delete,
    sso_config_save,
)
from lom.identity.services.scim_tokens import TOKEN_NAME_MAX, scim_token_issue, scim_token_revoke
from lom.organisations.models import Role

router = Router(tags=["identity"])
ERR = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut}
# The service names the unit and union as the forms do; the JSON names their ids.
API_FIELD_NAMES = {"unit": "unit_id", "union": "union_id"}
DbId = Annotated[int, Field(ge=1, le=DB_ID_MAX)]
Name = Annotated[str, Field(max_length=255)]
Url = Annotated[str, Field(max_length=1000)]


class SsoConfigIn(Schema):
    protocol: Literal["saml", "oidc"]
    enabled: bool = True
    button_label: str = Field("", max_length=200)
    saml_metadata_url: Url = ""
    saml_metadata_xml: str = Field(
        "", max_length=METADATA_XML_MAX, description="Uploaded IdP metadata; empty keeps it."
    )
    sweden_connect: bool = False
    oidc_issuer: Url = ""
    oidc_client_id: Name = ""
    oidc_client_secret: str = Field(
        "", max_length=500, description="Write-only; empty keeps the stored secret."
    )
    oidc_scopes: Name = "openid email profile"
    attr_email: Name = "email"
    attr_employee_number: Name = "employeeNumber"
    attr_groups: Name = "groups"
    attr_given_name: Name = "given_name"
    attr_family_name: Name = "family_name"
    employee_role_from_register: bool = True
    password_login_enabled: bool = True


class SsoConfigOut(Schema):
    protocol: str
    enabled: bool
    button_label: str
    saml_metadata_url: str
    has_saml_metadata_xml: bool
    saml_idp_entity_id: str
    sweden_connect: bool
    oidc_issuer: str
    oidc_client_id: str
    has_client_secret: bool
    oidc_scopes: str
    attr_email: str
    attr_employee_number: str
    attr_groups: str
    attr_given_name: str
    attr_family_name: str
    employee_role_from_register: bool
    password_login_enabled: bool


class GroupMappingIn(Schema):
    group: str = Field(min_length=1, max_length=255)
    role: Role
    unit_id: DbId | None = None
    union_id: DbId | None = None


class GroupMappingOut(Schema):
    id: int
    group: str
    role: str
    unit_id: int | None
    union_id: int | None


def _admin(request, *, changes: bool = False):
    """The acting org admin; for a change by browser session, a recent sign-in too."""
    actor = request.api_actor
    if not actor.has("org_admin"):
        raise PermissionDeniedError(_("Bara organisationens administratör får ändra inloggningen."))
    if changes:
        ensure_recent_auth(request)
    return actor


def _config_out(config: SsoConfig) -> SsoConfigOut:
    plain = {
        f: getattr(config, f)
        for f in SsoConfigOut.model_fields
        if f not in ("has_saml_metadata_xml", "has_client_secret")
    }
    return SsoConfigOut(
        **plain,
        has_saml_metadata_xml=bool(config.saml_metadata_xml),
        has_client_secret=config.has_client_secret,
    )


def _mapping_out(m: RoleMapping) -> GroupMappingOut:
    return GroupMappingOut(
        id=m.pk, group=m.group, role=m.role, unit_id=m.unit_id, union_id=m.union_id
    )


def _config(actor) -> SsoConfig:
    config = sso_config_for_org(organisation=actor.organisation)
    if config is None:
        raise Http404
    return config


@router.get("/sso", response={200: SsoConfigOut, **ERR}, summary="The sign-in (SSO) configuration")
def get_config(request):
    return _config_out(_config(_admin(request)))


@router.put("/sso", response={200: SsoConfigOut, **ERR}, summary="Save the sign-in configuration")
def put_config(request, payload: SsoConfigIn):
    actor = _admin(request, changes=True)
    config = sso_config_save(
        actor=actor.user, organisation=actor.organisation, **payload.model_dump()
    )
    return _config_out(config)


@router.delete(
    "/sso", response={204: None, **ERR}, summary="Remove the sign-in configuration (passwords only)"
)
def delete_config(request):
    actor = _admin(request, changes=True)
    _config(actor)
    sso_config_delete(actor=actor.user, organisation=actor.organisation)
    return Status(204, None)


@router.get(
    "/sso/mappings",
    response={200: Page[GroupMappingOut], **ERR},
    summary="The identity provider's groups mapped to roles",
)
def list_mappings(request, cursor: Cursor | None = None, limit: Limit = DEFAULT_LIMIT):
    actor = _admin(request)
    rows, nxt = keyset_page(
        role_mappings_for_org(organisation=actor.organisation),
        cursor=cursor,
        limit=limit,
        order=("id",),
    )
    return Page[GroupMappingOut](items=[_mapping_out(m) for m in rows], next_cursor=nxt)


@router.post(
    "/sso/mappings", response={201: GroupMappingOut, **ERR}, summary="Map a group to a role"
)
def add_mapping(request, payload: GroupMappingIn):
    actor = _admin(request, changes=True)
    with fields_renamed(API_FIELD_NAMES):
        mapping = role_mapping_add(
            actor=actor.user,
            organisation=actor.organisation,
            group=payload.group,
            role=str(payload.role),
            unit_id=payload.unit_id,
            union_id=payload.union_id,
        )
    return Status(201, _mapping_out(mapping))


@router.delete(
    "/sso/mappings/{mapping_id}", response={204: None, **ERR}, summary="Remove a group's mapping"
)
def delete_mapping(request, mapping_id: DbId):
    actor = _admin(request, changes=True)
    mapping = role_mapping_get(organisation=actor.organisation, pk=mapping_id)
    if mapping is None:
        raise Http404
    role_mapping_remove(actor=actor.user, mapping=mapping)
    return Status(204, None)


# --- SCIM tokens ----------------------------------------------------------------------------


class ScimTokenIn(Schema):
    name: str = Field(min_length=1, max_length=TOKEN_NAME_MAX)


class ScimTokenOut(Schema):
    id: int
    name: str
    prefix: str = Field(description="The first characters after `scim_`, to tell tokens apart.")
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class ScimTokenIssuedOut(ScimTokenOut):
    token: str = Field(description="The secret: shown in this answer only, never again.")


def _token_out(t: ScimToken) -> ScimTokenOut:
    return ScimTokenOut(
        id=t.pk,
        name=t.name,
        prefix=t.prefix,
        created_at=t.created_at,
        last_used_at=t.last_used_at,
        revoked_at=t.revoked_at,
    )


@router.get(
    "/scim-tokens",
    response={200: Page[ScimTokenOut], **ERR},
    summary="The SCIM endpoint's tokens (without their secrets)",
)
def list_scim_tokens(request, cursor: Cursor | None = None, limit: Limit = DEFAULT_LIMIT):
    actor = _admin(request)
    rows, nxt = keyset_page(
        scim_tokens_for_org(organisation=actor.organisation), cursor=cursor, limit=limit
    )
    return Page[ScimTokenOut](items=[_token_out(t) for t in rows], next_cursor=nxt)


@router.post(
    "/scim-tokens",
    response={201: ScimTokenIssuedOut, **ERR},
    summary="Issue a SCIM token (its secret is in this answer only)",
)
def issue_scim_token(request, payload: ScimTokenIn) -> Status:
    actor = _admin(request, changes=True)
    token, raw = scim_token_issue(
        actor=actor.user, organisation=actor.organisation, name=payload.name
    )
    return Status(201, ScimTokenIssuedOut(**_token_out(token).model_dump(), token=raw))


@router.delete(
    "/scim-tokens/{token_id}",
    response={204: None, 409: ErrorOut, **ERR},
    summary="Revoke a SCIM token (the identity provider using it is refused from now on)",
)
def revoke_scim_token(request, token_id: DbId) -> Status:
    actor = _admin(request, changes=True)
    if scim_token_get(organisation=actor.organisation, pk=token_id) is None:
        raise Http404
    scim_token_revoke(actor=actor.user, organisation=actor.organisation, token_id=token_id)
    return Status(204, None)
