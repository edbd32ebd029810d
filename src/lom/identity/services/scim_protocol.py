"""SCIM 2.0 (RFC 7643/7644) as data: the errors, the request bodies turned into LOM's terms,
PATCH operations applied to a resource's current state, and the filters we answer.

Everything here is pure: it reads a JSON body and answers a value or a `ScimError`. The bodies
are the shapes identity providers really send (Entra ID sends `"op": "Replace"` and booleans
as the strings "True"/"False"; Okta and Entra both send value objects without a path)."""

import json
import re
from dataclasses import dataclass, replace
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from lom.common.errors import DomainError
from lom.common.validation import id_or_none

SCHEMA_USER = "urn:ietf:params:scim:schemas:core:2.0:User"
SCHEMA_GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"
SCHEMA_ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
SCHEMA_PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
SCHEMA_LIST = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
SCHEMA_ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"

BODY_MAX = 1_000_000  # bytes: a group of some thousand members fits
OPERATIONS_MAX = 1_000
MEMBERS_MAX = 10_000
USERNAME_MAX = 150
NAME_PART_MAX = 150
EMAIL_MAX = 254
EXTERNAL_ID_MAX = 255
EMPLOYEE_NUMBER_MAX = 40
GROUP_NAME_MAX = 255
PAGE_MAX = 200

# Attributes of the core and enterprise schemas that LOM does not keep: accepted and ignored,
# so an IdP that sends its whole attribute set still provisions. Anything else is invalidPath.
IGNORED = {
    "displayname",
    "nickname",
    "profileurl",
    "title",
    "usertype",
    "preferredlanguage",
    "locale",
    "timezone",
    "password",
    "addresses",
    "phonenumbers",
    "ims",
    "photos",
    "roles",
    "entitlements",
    "x509certificates",
    "groups",
    "name.formatted",
    "name.middlename",
    "name.honorificprefix",
    "name.honorificsuffix",
    "costcenter",
    "organization",
    "division",
    "department",
    "manager",
}


class ScimError(DomainError):
    """A refused SCIM request: the HTTP status, the RFC 7644 scimType and what was wrong."""

    def __init__(self, status: int, detail: str, *, scim_type: str = "", field: str = ""):
        super().__init__(detail, field=field or None, code=scim_type or str(status))
        self.status = status
        self.scim_type = scim_type

    def body(self) -> dict[str, Any]:  # pure: the error resource
        out: dict[str, Any] = {
            "schemas": [SCHEMA_ERROR],
            "status": str(self.status),
            "detail": str(self.message),
        }
        if self.scim_type:
            out["scimType"] = self.scim_type
        return out


def invalid(  # pure: a 400 naming the attribute
    detail: str, attribute: str, scim_type: str = "invalidValue"
) -> ScimError:
    return ScimError(400, detail, scim_type=scim_type, field=attribute)


@dataclass(frozen=True)
class UserInput:
    """A SCIM User in LOM's terms."""

    user_name: str
    given_name: str = ""
    family_name: str = ""
    email: str = ""
    active: bool = True
    external_id: str = ""
    employee_number: str = ""


@dataclass(frozen=True)
class GroupInput:
    display_name: str
    external_id: str = ""
    member_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class PatchOp:
    op: str  # add | replace | remove
    path: str
    value: Any


def parse_json(*, raw: bytes) -> dict[str, Any]:  # pure: the body as a JSON object
    if len(raw) > BODY_MAX:
        raise ScimError(413, _("Begäran är för stor (högst %(n)d byte).") % {"n": BODY_MAX})
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise ScimError(400, _("Begäran är inte giltig JSON."), scim_type="invalidSyntax") from None
    if not isinstance(data, dict):
        raise ScimError(400, _("Begäran ska vara ett JSON-objekt."), scim_type="invalidSyntax")
    return data


def _text(value: Any, attribute: str, limit: int, *, required: bool = False) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise invalid(_("%(attr)s ska vara en text.") % {"attr": attribute}, attribute)
    value = value.strip()
    if len(value) > limit:
        raise invalid(
            _("%(attr)s får vara högst %(n)d tecken.") % {"attr": attribute, "n": limit},
            attribute,
        )
    if required and not value:
        raise invalid(_("%(attr)s saknas.") % {"attr": attribute}, attribute)
    return value


def _bool(value: Any, attribute: str) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise invalid(_("%(attr)s ska vara true eller false.") % {"attr": attribute}, attribute)


def _email(value: Any) -> str:
    email = _text(value, "emails", EMAIL_MAX)
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise invalid(_("emails innehåller en ogiltig e-postadress."), "emails") from None
    return email


def _primary_email(emails: Any) -> str:
    if emails is None:
        return ""
    if not isinstance(emails, list) or not all(isinstance(e, dict) for e in emails):
        raise invalid(_("emails ska vara en lista med objekt."), "emails")
    if not emails:
        return ""
    chosen = next((e for e in emails if e.get("primary") in (True, "true", "True")), None)
    chosen = chosen or next((e for e in emails if e.get("type") == "work"), emails[0])
    return _email(chosen.get("value"))


def _enterprise(data: dict[str, Any]) -> dict[str, Any]:
    ext = data.get(SCHEMA_ENTERPRISE) or {}
    if not isinstance(ext, dict):
        raise invalid(_("Företagsutökningen ska vara ett objekt."), SCHEMA_ENTERPRISE)
    return ext


def user_input(*, data: dict[str, Any]) -> UserInput:  # pure: a User body (POST, PUT)
    name = data.get("name") or {}
    if not isinstance(name, dict):
        raise invalid(_("name ska vara ett objekt."), "name")
    return UserInput(
        user_name=_text(data.get("userName"), "userName", USERNAME_MAX, required=True),
        given_name=_text(name.get("givenName"), "name.givenName", NAME_PART_MAX),
        family_name=_text(name.get("familyName"), "name.familyName", NAME_PART_MAX),
        email=_primary_email(data.get("emails")),
        active=_bool(data.get("active", True), "active"),
        external_id=_text(data.get("externalId"), "externalId", EXTERNAL_ID_MAX),
        employee_number=_text(
            _enterprise(data).get("employeeNumber"), "employeeNumber", EMPLOYEE_NUMBER_MAX
        ),
    )


def _member_ids(members: Any) -> tuple[int, ...]:
    if members is None:
        return ()
    if isinstance(members, dict):
        members = [members]
    if not isinstance(members, list) or not all(isinstance(m, dict) for m in members):
        raise invalid(_("members ska vara en lista med objekt."), "members")
    if len(members) > MEMBERS_MAX:
        raise invalid(_("För många medlemmar i en begäran."), "members")
    out = []
    for m in members:
        value = m.get("value")
        pk = id_or_none(str(value), digits=18) if isinstance(value, str | int) else None
        if pk is None:
            raise invalid(_("Okänd medlem: %(v)s.") % {"v": str(value)[:40]}, "members")
        out.append(pk)
    return tuple(dict.fromkeys(out))


def group_input(*, data: dict[str, Any]) -> GroupInput:  # pure: a Group body (POST, PUT)
    return GroupInput(
        display_name=_text(data.get("displayName"), "displayName", GROUP_NAME_MAX, required=True),
        external_id=_text(data.get("externalId"), "externalId", EXTERNAL_ID_MAX),
        member_ids=_member_ids(data.get("members")),
    )


def patch_ops(*, data: dict[str, Any]) -> list[PatchOp]:  # pure: a PatchOp body's operations
    ops = data.get("Operations", data.get("operations"))
    if not isinstance(ops, list) or not ops:
        raise invalid(_("Operations saknas eller är inte en lista."), "Operations", "invalidSyntax")
    if len(ops) > OPERATIONS_MAX:
        raise invalid(_("För många operationer i en begäran."), "Operations", "tooMany")
    out = []
    for op in ops:
        if not isinstance(op, dict):
            raise invalid(_("En operation ska vara ett objekt."), "Operations", "invalidSyntax")
        name = str(op.get("op", "")).lower()
        if name not in ("add", "replace", "remove"):
            unknown = str(op.get("op"))[:20]
            raise invalid(_("Okänd operation: %(op)s.") % {"op": unknown}, "op", "invalidSyntax")
        path = op.get("path") or ""
        if not isinstance(path, str) or len(path) > 500:
            raise invalid(_("path ska vara en text."), "path", "invalidPath")
        if name == "remove" and not path:
            raise invalid(_("remove kräver en path."), "path", "noTarget")
        out.append(PatchOp(op=name, path=path.strip(), value=op.get("value")))
    return out


_EMAIL_PATH = re.compile(r'^emails(\[type eq "?(\w+)"?\])?(\.value)?$', re.I)


def _user_attribute(state: UserInput, path: str, value: Any, op: str) -> UserInput:
    key = path.lower()
    if key.startswith(SCHEMA_ENTERPRISE.lower() + ":"):
        key = key[len(SCHEMA_ENTERPRISE) + 1 :]
        if key == "employeenumber":
            number = "" if op == "remove" else value
            return replace(
                state,
                employee_number=_text(number, "employeeNumber", EMPLOYEE_NUMBER_MAX),
            )
        if key in IGNORED:
            return state
        raise invalid(_("Okänt attribut: %(p)s.") % {"p": path[:100]}, "path", "invalidPath")
    removing = op == "remove"
    if key == "active":
        if removing:
            raise invalid(_("active kan inte tas bort."), "active", "mutability")
        return replace(state, active=_bool(value, "active"))
    if key == "username":
        if removing:
            raise invalid(_("userName kan inte tas bort."), "userName", "mutability")
        return replace(state, user_name=_text(value, "userName", USERNAME_MAX, required=True))
    if key == "externalid":
        return replace(
            state, external_id=_text(None if removing else value, "externalId", EXTERNAL_ID_MAX)
        )
    if key == "name":
        if removing:
            return replace(state, given_name="", family_name="")
        if not isinstance(value, dict):
            raise invalid(_("name ska vara ett objekt."), "name")
        for sub, sub_value in value.items():
            state = _user_attribute(state, f"name.{sub}", sub_value, op)
        return state
    if key == "name.givenname":
        given = None if removing else value
        return replace(state, given_name=_text(given, "name.givenName", NAME_PART_MAX))
    if key == "name.familyname":
        family = None if removing else value
        return replace(state, family_name=_text(family, "name.familyName", NAME_PART_MAX))
    match = _EMAIL_PATH.match(path)
    if match:
        if removing:
            return replace(state, email="")
        if match.group(3) or isinstance(value, str):
            return replace(state, email=_email(value))
        return replace(state, email=_primary_email(value if isinstance(value, list) else [value]))
    if key in IGNORED or key.split("[")[0] in IGNORED:
        return state
    raise invalid(_("Okänt attribut: %(p)s.") % {"p": path[:100]}, "path", "invalidPath")


def user_patched(*, state: UserInput, ops: list[PatchOp]) -> UserInput:  # pure: a PATCH
    for op in ops:
        if op.path:
            state = _user_attribute(state, op.path, op.value, op.op)
            continue
        if not isinstance(op.value, dict):
            raise invalid(_("value ska vara ett objekt när path saknas."), "value")
        for attribute, value in op.value.items():
            if attribute == SCHEMA_ENTERPRISE and isinstance(value, dict):
                for sub, sub_value in value.items():
                    state = _user_attribute(state, f"{attribute}:{sub}", sub_value, op.op)
            else:
                state = _user_attribute(state, attribute, value, op.op)
    return state


_MEMBER_FILTER = re.compile(r'^members\[value eq "?(\d{1,18})"?\]$', re.I)


def group_patched(*, state: GroupInput, ops: list[PatchOp]) -> GroupInput:  # pure: a PATCH
    members = list(state.member_ids)
    display_name, external_id = state.display_name, state.external_id
    for op in ops:
        path = op.path.lower()
        if not op.path and isinstance(op.value, dict):
            # Okta and Entra: {"op": "replace", "value": {"id": …, "displayName": …}}
            if "displayName" in op.value:
                display_name = _text(
                    op.value["displayName"], "displayName", GROUP_NAME_MAX, required=True
                )
            if "externalId" in op.value:
                external_id = _text(op.value["externalId"], "externalId", EXTERNAL_ID_MAX)
            if "members" in op.value:
                ids = list(_member_ids(op.value["members"]))
                members = ids if op.op == "replace" else members + ids
            continue
        if path == "displayname":
            display_name = _text(op.value, "displayName", GROUP_NAME_MAX, required=True)
        elif path == "externalid":
            external_id = _text(op.value, "externalId", EXTERNAL_ID_MAX)
        elif path == "members":
            ids = list(_member_ids(op.value))
            if op.op == "add":
                members += ids
            elif op.op == "replace":
                members = ids
            else:  # remove: the listed members, or all when no value names any
                members = [m for m in members if ids and m not in ids]
        elif (match := _MEMBER_FILTER.match(op.path)) and op.op == "remove":
            members = [m for m in members if m != int(match.group(1))]
        else:
            raise invalid(_("Okänt attribut: %(p)s.") % {"p": op.path[:100]}, "path", "invalidPath")
    return GroupInput(
        display_name=display_name,
        external_id=external_id,
        member_ids=tuple(dict.fromkeys(members)),
    )


_FILTER = re.compile(r'^\s*([A-Za-z][\w.:]*)\s+eq\s+"((?:[^"\\]|\\.)*)"\s*$', re.I)


def parse_filter(  # pure: `attr eq "value"`
    *, raw: str, allowed: tuple[str, ...]
) -> tuple[str, str] | None:
    """`attr eq "value"` for one of the `allowed` attributes; None when there is no filter."""
    if not raw.strip():
        return None
    match = _FILTER.match(raw) if len(raw) <= 1000 else None
    attribute = match.group(1) if match else ""
    canonical = next((a for a in allowed if a.lower() == attribute.lower()), None)
    if match is None or canonical is None:
        raise ScimError(
            400,
            _("Filtret stöds inte. Använd %(f)s.")
            % {"f": " eller ".join(f'{a} eq "…"' for a in allowed)},
            scim_type="invalidFilter",
            field="filter",
        )
    value = re.sub(r"\\(.)", r"\1", match.group(2))
    return canonical, value


def paging(*, start_index: str | None, count: str | None) -> tuple[int, int]:  # pure: paging
    """startIndex (1-based) and count from the query, held to sane bounds."""

    def number(raw: str | None, default: int) -> int:
        if raw is None or raw == "":
            return default
        try:
            return int(raw)
        except ValueError:
            raise invalid(_("startIndex och count ska vara heltal."), "startIndex") from None

    start = max(1, min(number(start_index, 1), 10**9))
    size = max(0, min(number(count, 100), PAGE_MAX))
    return start, size
