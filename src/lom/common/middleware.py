import errno
import json
import logging
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation.trans_real import parse_accept_lang_header


class LanguageCookieMiddleware:
    """Swedish unless the user chose another language (cookie set by the language switch).
    The browser's Accept-Language is deliberately not used for pages: the service is Swedish
    first. An API client has no language switch, so the API answers in the language its
    `Accept-Language` asks for (when no cookie says otherwise)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        lang = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if lang is None and request.path.startswith(API_PREFIX):
            lang = _accepted(request.META.get("HTTP_ACCEPT_LANGUAGE", ""))
        if lang not in dict(settings.LANGUAGES):
            lang = settings.LANGUAGE_CODE
        translation.activate(lang)
        request.LANGUAGE_CODE = lang
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", lang)
        if request.path.startswith(API_PREFIX):
            patch_vary_headers(response, ["Accept-Language"])
        return response


API_PREFIX = "/api/"


def _accepted(header: str) -> str:
    """The first of our languages the caller's Accept-Language names (by quality)."""
    for code, _quality in parse_accept_lang_header(header[:200]):
        base = code.split("-")[0].lower()
        if base in dict(settings.LANGUAGES):
            return base
    return settings.LANGUAGE_CODE


def _nul_in(value: Any, path: str = "") -> str | None:
    """The path of the first text in a decoded JSON value that holds a NUL character."""
    if isinstance(value, str):
        return path if "\x00" in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            if "\x00" in str(key):
                return path or str(key).replace("\x00", "")
            found = _nul_in(item, f"{path}.{key}" if path else str(key))
            if found is not None:
                return found
    if isinstance(value, list):
        for i, item in enumerate(value):
            found = _nul_in(item, f"{path}[{i}]")
            if found is not None:
                return found
    return None


API_PREFIX = "/api/"


class RejectNulMiddleware:
    """A NUL character is never part of a text a person types, and PostgreSQL refuses to store
    or compare one (the request would end in a 500). In the API, query parameters and JSON
    bodies that hold one are answered 400, naming the field. The pages' forms already refuse it
    field by field (Django's CharField) and show it in the form; uploaded files are not looked
    at (binary files hold NULs)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(API_PREFIX):
            return self.get_response(request)  # pages: their forms refuse it on the field
        field = next((k for k, vs in request.GET.lists() if any("\x00" in v for v in vs)), None)
        if field is None and any("\x00" in k for k in request.GET):
            field = "query"
        if field is None and request.content_type == "application/json" and request.body:
            raw = request.body
            if b"\\u0000" in raw or b"\x00" in raw:
                try:
                    field = _nul_in(json.loads(raw)) or "body"
                except ValueError:
                    field = None  # malformed JSON: the API answers that itself
        if field is not None:
            return JsonResponse(
                {
                    "detail": str(_("Texten innehåller ett otillåtet tecken (NUL).")),
                    "field": field.replace("\x00", ""),
                    "code": "nul_character",
                },
                status=400,
            )
        return self.get_response(request)


# errno values and database error codes that mean "no space left": the disk or the quota.
_FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT})
_PG_DISK_FULL = "53100"
_SQLITE_FULL = 13

storage_log = logging.getLogger("lom.storage")


def storage_full(exc: BaseException | None) -> bool:
    """Whether `exc`, or an error it was raised from, says the storage is full (a file write,
    PostgreSQL's disk_full, SQLite's SQLITE_FULL)."""
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, OSError) and exc.errno in _FULL_ERRNOS:
            return True
        if getattr(exc, "sqlstate", None) == _PG_DISK_FULL:
            return True
        if getattr(exc, "sqlite_errorcode", None) == _SQLITE_FULL:
            return True
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return False


class StorageFullMiddleware:
    """A full disk is the operator's problem, not the user's: the request is answered 503 with
    a page saying nothing was saved and the form is still there behind the back button (a plain
    page, no context processors: they might need the storage too), and an ERROR line is
    logged. Never a 500 with a traceback."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not storage_full(exception):
            return None
        storage_log.error(
            "Storage full: %s", exception, exc_info=exception, extra={"request": request}
        )
        response = HttpResponse(render_to_string("common/storage_full.html"), status=503)
        response["Retry-After"] = "300"
        return response
