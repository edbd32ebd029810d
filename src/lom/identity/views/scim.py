"""SCIM 2.0 endpoints (RFC 7644) at /scim/v2/, one organisation per bearer token.

Plain Django views rather than django-scim2 or ninja: django-scim2 assumes one global tenant
authenticated by Django's own auth, and ninja's 422 validation answers are not SCIM errors. Each
view parses the body (services.scim_protocol), reads through selectors.scim and calls one
service; every refusal answers a SCIM error and is audited in the token's organisation.

The base URL may also name the organisation (/scim/v2/<slug>/…); a token of another
organisation is then refused with 401."""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from lom.common.errors import DomainError
from lom.identity.models import ScimToken
from lom.identity.selectors.scim import (
    group_resource,
    scim_account,
    scim_accounts,
    scim_group,
    scim_groups,
    scim_organisation,
    scim_token_by_raw,
    user_resource,
    user_resources,
)
from lom.identity.services import scim as services
from lom.identity.services.scim_protocol import (
    BODY_MAX,
    SCHEMA_ENTERPRISE,
    SCHEMA_GROUP,
    SCHEMA_LIST,
    SCHEMA_USER,
    ScimError,
    group_input,
    paging,
    parse_filter,
    parse_json,
    patch_ops,
    user_input,
)

logger = logging.getLogger("lom.scim")
CONTENT_TYPE = "application/scim+json"


def scim_json(data: dict[str, Any], status: int = 200, location: str = "") -> HttpResponse:
    response = JsonResponse(data, status=status, content_type=CONTENT_TYPE)
    if location:
        response["Location"] = location
    return response


def _unauthorised() -> ScimError:
    return ScimError(401, _("SCIM-nyckeln saknas, är fel eller återkallad."))


def _token(request: HttpRequest, org_slug: str | None) -> ScimToken:
    header = request.headers.get("Authorization", "")
    scheme, _sep, raw = header.partition(" ")
    token = scim_token_by_raw(raw=raw.strip()) if scheme.lower() == "bearer" else None
    if token is None:
        raise _unauthorised()
    if org_slug is not None and token.organisation.slug != org_slug:
        raise _unauthorised()
    return token


def _base(request: HttpRequest, org_slug: str | None) -> str:
    users = (
        reverse("scim:users_org", kwargs={"org": org_slug})
        if org_slug is not None
        else reverse("scim:users")
    )
    return request.build_absolute_uri(users)[: -len("Users")]


@dataclass(frozen=True)
class Scim:
    """Who is asking: the token, its organisation, and the base URL resources are named by."""

    token: ScimToken
    base: str

    @property
    def organisation(self):
        return self.token.organisation


def scim_endpoint(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Bearer token → organisation; a ScimError (or any refusal) → a SCIM error, audited."""

    @csrf_exempt
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, org: str | None = None, **kwargs: Any):
        token: ScimToken | None = None
        try:
            token = _token(request, org)
            if int(request.META.get("CONTENT_LENGTH") or 0) > BODY_MAX:
                raise RequestDataTooBig
            return view(request, Scim(token=token, base=_base(request, org)), *args, **kwargs)
        except RequestDataTooBig:
            error = ScimError(413, _("Begäran är för stor (högst %(n)d byte).") % {"n": BODY_MAX})
        except DomainError as exc:
            error = exc if isinstance(exc, ScimError) else ScimError(400, str(exc.message))
        organisation = (
            token.organisation if token else (scim_organisation(slug=org) if org else None)
        )
        if organisation is not None:
            services.scim_refusal_record(
                organisation=organisation,
                token=token,
                method=request.method or "",
                path=request.path,
                error=error,
            )
        else:
            logger.warning("SCIM refused %s %s: %s", request.method, request.path, error)
        return scim_json(error.body(), status=error.status)

    return wrapper


def _method_not_allowed() -> ScimError:
    return ScimError(405, _("Metoden stöds inte här."))


def _list(resources: list[dict[str, Any]], total: int, start: int) -> HttpResponse:
    return scim_json(
        {
            "schemas": [SCHEMA_LIST],
            "totalResults": total,
            "startIndex": start,
            "itemsPerPage": len(resources),
            "Resources": resources,
        }
    )


def _searched(request: HttpRequest, organisation, *, selector, allowed: tuple[str, ...]):
    """The query of a list request (its `filter`) and the page it asks for."""
    found = parse_filter(raw=request.GET.get("filter", ""), allowed=allowed)
    start, count = paging(start_index=request.GET.get("startIndex"), count=request.GET.get("count"))
    attribute, value = found if found else ("", "")
    return selector(organisation=organisation, attribute=attribute, value=value), start, count


def _not_found(kind: str, pk: str) -> ScimError:
    return ScimError(404, _("%(kind)s %(id)s finns inte.") % {"kind": kind, "id": pk[:40]})


@scim_endpoint
def users_view(request: HttpRequest, scim: Scim):  # one action per branch
    organisation, base, token = scim.organisation, scim.base, scim.token
    if request.method == "POST":
        data = user_input(data=parse_json(raw=request.body))
        account = services.scim_user_create(organisation=organisation, token=token, data=data)
        body = user_resource(account=account, base=base)
        return scim_json(body, status=201, location=body["meta"]["location"])
    if request.method != "GET":
        raise _method_not_allowed()
    qs, start, count = _searched(
        request, organisation, selector=scim_accounts, allowed=("userName", "externalId")
    )
    page = list(qs[start - 1 : start - 1 + count])
    services.scim_token_touch(token=token)
    return _list(user_resources(accounts=page, base=base), qs.count(), start)


@scim_endpoint
def user_view(request: HttpRequest, scim: Scim, pk: str):  # one action per branch
    organisation, base, token = scim.organisation, scim.base, scim.token
    account = scim_account(organisation=organisation, user_id=pk)
    if account is None:
        raise _not_found("User", pk)
    if request.method == "GET":
        services.scim_token_touch(token=token)
    elif request.method == "PUT":
        data = user_input(data=parse_json(raw=request.body))
        services.scim_user_replace(
            organisation=organisation, token=token, account=account, data=data
        )
    elif request.method == "PATCH":
        ops = patch_ops(data=parse_json(raw=request.body))
        services.scim_user_patch(
            organisation=organisation, token=token, account=account, operations=ops
        )
    elif request.method == "DELETE":
        services.scim_user_deactivate(organisation=organisation, token=token, account=account)
        return HttpResponse(status=204)
    else:
        raise _method_not_allowed()
    account.user.refresh_from_db()
    account.refresh_from_db()
    return scim_json(user_resource(account=account, base=base))


@scim_endpoint
def groups_view(request: HttpRequest, scim: Scim):  # one action per branch
    organisation, base, token = scim.organisation, scim.base, scim.token
    if request.method == "POST":
        data = group_input(data=parse_json(raw=request.body))
        group = services.scim_group_create(organisation=organisation, token=token, data=data)
        body = group_resource(group=group, base=base)
        return scim_json(body, status=201, location=body["meta"]["location"])
    if request.method != "GET":
        raise _method_not_allowed()
    qs, start, count = _searched(
        request, organisation, selector=scim_groups, allowed=("displayName", "externalId")
    )
    members = "members" not in request.GET.get("excludedAttributes", "")
    rows = qs[start - 1 : start - 1 + count]
    page = [group_resource(group=g, base=base, members=members) for g in rows]
    services.scim_token_touch(token=token)
    return _list(page, qs.count(), start)


@scim_endpoint
def group_view(request: HttpRequest, scim: Scim, pk: str):  # one action per branch
    organisation, base, token = scim.organisation, scim.base, scim.token
    group = scim_group(organisation=organisation, group_id=pk)
    if group is None:
        raise _not_found("Group", pk)
    if request.method == "GET":
        services.scim_token_touch(token=token)
    elif request.method == "PUT":
        data = group_input(data=parse_json(raw=request.body))
        services.scim_group_replace(organisation=organisation, token=token, group=group, data=data)
    elif request.method == "PATCH":
        ops = patch_ops(data=parse_json(raw=request.body))
        services.scim_group_patch(
            organisation=organisation, token=token, group=group, operations=ops
        )
        # Entra and Okta expect 204 or the group; the group it is (without a second read).
    elif request.method == "DELETE":
        services.scim_group_delete(organisation=organisation, token=token, group=group)
        return HttpResponse(status=204)
    else:
        raise _method_not_allowed()
    members = "members" not in request.GET.get("excludedAttributes", "")
    return scim_json(group_resource(group=group, base=base, members=members))


def _schema(schema_id: str, name: str, attributes: list[dict[str, Any]], base: str) -> dict:
    return {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Schema"],
        "id": schema_id,
        "name": name,
        "attributes": attributes,
        "meta": {"resourceType": "Schema", "location": f"{base}Schemas/{schema_id}"},
    }


def _attr(name: str, *, kind: str = "string", required: bool = False, **extra: Any) -> dict:
    return {
        "name": name,
        "type": kind,
        "multiValued": extra.pop("multi", False),
        "required": required,
        "caseExact": False,
        "mutability": extra.pop("mutability", "readWrite"),
        "returned": "default",
        "uniqueness": extra.pop("uniqueness", "none"),
    } | extra


def _schemas(base: str) -> list[dict[str, Any]]:
    name = _attr(
        "name",
        kind="complex",
        subAttributes=[_attr("givenName"), _attr("familyName"), _attr("formatted")],
    )
    return [
        _schema(
            SCHEMA_USER,
            "User",
            [
                _attr("userName", required=True, uniqueness="server"),
                name,
                _attr("emails", kind="complex", multi=True),
                _attr("active", kind="boolean"),
                _attr("groups", kind="complex", multi=True, mutability="readOnly"),
            ],
            base,
        ),
        _schema(SCHEMA_ENTERPRISE, "EnterpriseUser", [_attr("employeeNumber")], base),
        _schema(
            SCHEMA_GROUP,
            "Group",
            [
                _attr("displayName", required=True, uniqueness="server"),
                _attr("members", kind="complex", multi=True),
            ],
            base,
        ),
    ]


@scim_endpoint
def service_provider_config_view(request: HttpRequest, scim: Scim):
    base = scim.base
    return scim_json(
        {
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
            "documentationUri": "https://datatracker.ietf.org/doc/html/rfc7644",
            "patch": {"supported": True},
            "bulk": {"supported": False, "maxOperations": 0, "maxPayloadSize": 0},
            "filter": {"supported": True, "maxResults": 200},
            "changePassword": {"supported": False},
            "sort": {"supported": False},
            "etag": {"supported": False},
            "authenticationSchemes": [
                {
                    "type": "oauthbearertoken",
                    "name": "Bearer token",
                    "description": "A SCIM token issued by the organisation's administrator.",
                    "primary": True,
                }
            ],
            "meta": {
                "resourceType": "ServiceProviderConfig",
                "location": f"{base}ServiceProviderConfig",
            },
        }
    )


@scim_endpoint
def resource_types_view(request: HttpRequest, scim: Scim):
    base = scim.base
    types: list[dict[str, Any]] = [
        {
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ResourceType"],
            "id": "User",
            "name": "User",
            "endpoint": "/Users",
            "schema": SCHEMA_USER,
            "schemaExtensions": [{"schema": SCHEMA_ENTERPRISE, "required": False}],
            "meta": {"resourceType": "ResourceType", "location": f"{base}ResourceTypes/User"},
        },
        {
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ResourceType"],
            "id": "Group",
            "name": "Group",
            "endpoint": "/Groups",
            "schema": SCHEMA_GROUP,
            "meta": {"resourceType": "ResourceType", "location": f"{base}ResourceTypes/Group"},
        },
    ]
    return _list(types, len(types), 1)


@scim_endpoint
def schemas_view(request: HttpRequest, scim: Scim):
    schemas = _schemas(scim.base)
    return _list(schemas, len(schemas), 1)
