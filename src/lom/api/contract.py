"""The API's contract, kept in one place: one error shape for every status, the responses every
operation can give documented on every operation, and how a deprecation is announced.

Statuses (the body is always `ErrorOut`: `{detail, field, code}`, plus `errors` for 422 and
`retry_after` for 429; `detail` is in the caller's language):
- 400: the request matches the schema, but a rule of the domain refuses it (`field`, `code`);
- 401: no valid credentials (a bearer token or a signed-in session);
- 403: the caller's role may not do this;
- 404: no such thing in the caller's organisation;
- 409: the thing's state refuses the action (already decided, signed, locked, changed meanwhile);
- 422: the request does not match the schema (every refused field in `errors`);
- 429: too many requests (`Retry-After` says when to try again).
"""

import math
from collections.abc import Callable
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError

from lom.common.errors import DomainError, PermissionDeniedError, is_conflict
from lom.common.schemas import ErrorOut

# When the throttle cannot say how long to wait (the rate was lowered meanwhile).
RETRY_AFTER_FALLBACK_SECONDS = 60

STANDARD_DESCRIPTIONS = {
    "400": "A rule refuses the request (`field` and `code` say which).",
    "401": "No valid credentials: a bearer token or a signed-in session.",
    "403": "The caller's role may not do this.",
    "404": "No such thing in the caller's organisation.",
    "409": "The thing's state refuses the action.",
    "422": "The request does not match the schema (`errors` lists every refused field).",
    "429": "Too many requests; `Retry-After` says how many seconds to wait.",
}
ERROR_REF = {"$ref": "#/components/schemas/ErrorOut"}


def _error_response(code: str) -> dict[str, Any]:
    return {
        "description": STANDARD_DESCRIPTIONS[code],
        "content": {"application/json": {"schema": ERROR_REF}},
    }


# Parts of a validation error's location that are not the client's names: where the value
# came from, ninja's parameter models, and pydantic's tags of a union's member.
NOT_FIELD_NAMES = {"body", "query", "path", "header", "cookie", "form", "file", "payload", "params"}


def _field_of(loc: list[Any]) -> str:
    """`["body", "payload", "title"]` → "title"; `["query", "params", "sector", "str-enum[Kind]"]`
    → "sector"."""
    parts = [str(p) for p in loc if str(p) not in NOT_FIELD_NAMES and "[" not in str(p)]
    return ".".join(parts) or "body"


class LomAPI(NinjaAPI):
    """NinjaAPI whose OpenAPI document declares on every operation the responses it can give
    besides its own: 401 and 403 when it needs credentials, 404 when its path names a thing,
    422 when it takes input, 429 always. An operation declares 400 and 409 itself."""

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        """Built once per process, prefix and language: the document only changes with the
        code, and building it walks every operation (seconds on a busy server)."""
        key = (path_prefix, tuple(sorted((path_params or {}).items())), get_language())
        cache = self.__dict__.setdefault("_openapi_documents", {})
        if key not in cache:
            cache[key] = self._build_openapi_schema(
                path_prefix=path_prefix, path_params=path_params
            )
        return cache[key]

    def _build_openapi_schema(self, *, path_prefix, path_params):
        document = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        components = document.setdefault("components", {}).setdefault("schemas", {})
        if "ErrorOut" not in components:
            full = ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}")
            components.update(full.pop("$defs", {}))
            components["ErrorOut"] = full
        for path, item in document["paths"].items():
            for op in item.values():
                responses = {str(k): v for k, v in op.get("responses", {}).items()}
                op["responses"] = responses
                wanted = ["429"]
                if op.get("security"):
                    wanted += ["401", "403"]
                if "{" in path:
                    wanted.append("404")
                if op.get("parameters") or op.get("requestBody"):
                    wanted.append("422")
                for code in wanted:
                    if code not in responses:
                        responses[code] = _error_response(code)
        return document


def install_error_handlers(api: NinjaAPI) -> None:
    """Every refusal of the API in the one shape (`ErrorOut`)."""

    def respond(request: HttpRequest, status: int, **body: Any) -> HttpResponse:
        return api.create_response(request, ErrorOut(**body).dict(exclude_none=True), status=status)

    def on_throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
        wait = math.ceil(exc.wait) if exc.wait is not None else RETRY_AFTER_FALLBACK_SECONDS
        response = respond(
            request,
            429,
            detail=_("För många anrop. Försök igen om %(s)d sekunder.") % {"s": wait},
            code="throttled",
            retry_after=wait,
        )
        response["Retry-After"] = str(wait)
        return response

    def on_forbidden(request: HttpRequest, exc: PermissionDeniedError) -> HttpResponse:
        status = 409 if is_conflict(exc) else 403
        return respond(request, status, detail=str(exc.message), code=exc.code)

    def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
        status = 409 if is_conflict(exc) else 400
        return respond(request, status, detail=str(exc.message), field=exc.field, code=exc.code)

    def on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return respond(
            request,
            401,
            detail=_("Ange en giltig API-nyckel eller logga in."),
            code="unauthenticated",
        )

    def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return respond(request, 404, detail=_("Hittades inte."), code="not_found")

    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        code = {400: "invalid", 403: "forbidden", 404: "not_found", 409: "conflict"}
        return respond(
            request, exc.status_code, detail=str(exc), code=code.get(exc.status_code, "error")
        )

    def on_invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        errors = [
            {
                "field": _field_of(list(e.get("loc", []))),
                "detail": str(e.get("msg", "")),
                "code": str(e.get("type", "invalid")),
            }
            for e in exc.errors
        ]
        first = errors[0] if errors else {"field": "body", "detail": "", "code": "invalid"}
        return respond(
            request,
            422,
            detail=_("Fältet %(field)s: %(problem)s")
            % {"field": first["field"], "problem": first["detail"]},
            field=first["field"],
            code="invalid",
            errors=errors,
        )

    handlers: list[tuple[type[Exception], Callable[..., HttpResponse]]] = [
        (Throttled, on_throttled),
        (PermissionDeniedError, on_forbidden),
        (DomainError, on_domain_error),
        (AuthenticationError, on_unauthenticated),
        (Http404, on_not_found),
        (HttpError, on_http_error),
        (ValidationError, on_invalid),
    ]
    for exc_class, handler in handlers:
        api.add_exception_handler(exc_class, handler)
