"""Logs an operator can search: one JSON object per line (LOG_FORMAT=json), every line written
during a request carrying that request's id, one line per request (logger `lom.request`) and
one per domain event (logger `lom.event`, written by `common.audit.audit`).

The JSON formatter is our own (a few lines, no dependency). It never writes a request's body,
query string or cookies: they may hold personal data or tokens.
"""

import json
import logging
import re
import time
import traceback
import uuid
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.log import log_response

from lom.common.clientip import client_ip

request_id_var: ContextVar[str] = ContextVar("lom_request_id", default="")

REQUEST_ID_HEADER = "X-Request-ID"
_VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
# The session key the organisations package keeps the chosen organisation under.
ACTIVE_ORGANISATION_KEY = "active_organisation_id"

request_log = logging.getLogger("lom.request")
event_log = logging.getLogger("lom.event")

# Attributes every LogRecord has; anything else was passed in `extra` and is written out.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


def current_request_id() -> str:
    return request_id_var.get()


def request_id_from(value: str | None) -> str:
    """The caller's X-Request-ID when it is a sane token, else a new one."""
    if value and _VALID_REQUEST_ID.fullmatch(value):
        return value
    return uuid.uuid4().hex


def _user_id(request: HttpRequest) -> int | None:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    return user.pk


def _organisation_id(request: HttpRequest) -> int | None:
    session = getattr(request, "session", None)
    value = session.get(ACTIVE_ORGANISATION_KEY) if session is not None else None
    return int(value) if isinstance(value, int | str) and str(value).isdigit() else None


def _request_fields(request: HttpRequest) -> dict[str, Any]:
    """Who asked for what, without the query string."""
    return {
        "method": request.method,
        "path": request.path,
        "user_id": _user_id(request),
        "organisation_id": _organisation_id(request),
        "client_ip": client_ip(request),
    }


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time (UTC, ISO 8601), level, logger, message, request_id,
    the fields given in `extra`, the request's method/path/user when Django attached the
    request (its 500 records), and the traceback as one string."""

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": request_id_var.get() or None,
        }
        for key, value in vars(record).items():
            if key in _STANDARD or key.startswith("_"):
                continue
            if key == "request":
                if isinstance(value, HttpRequest):
                    for k, v in _request_fields(value).items():
                        data.setdefault(k, v)
                continue
            data[key] = value
        if record.exc_info:
            data["exc_type"] = record.exc_info[0].__name__ if record.exc_info[0] else None
            data["traceback"] = "".join(traceback.format_exception(*record.exc_info))
        elif record.stack_info:
            data["traceback"] = record.stack_info
        return json.dumps(data, default=str, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    """Development: the usual text line, with the request id when there is one."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        record.request_id = request_id_var.get() or "-"
        return super().format(record)


class RequestLogMiddleware:
    """Early in the chain: takes the request id from X-Request-ID (or makes one), keeps it for
    every log line of the request, returns it in the response, and writes one line per
    request on `lom.request`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request_id_from(request.headers.get(REQUEST_ID_HEADER))
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response[REQUEST_ID_HEADER] = request_id
            # The server's own time for the request, for the browser's performance timeline
            # (what a page costs the server, as a browser journey measures it).
            response["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.1f}"
            if response.status_code >= 400:
                # Django's own "Not Found: /x" line, written here so it carries the request id
                # (Django skips it afterwards: the response is marked as logged).
                log_response(
                    "%s: %s",
                    response.reason_phrase,
                    request.path,
                    response=response,
                    request=request,
                )
            request_log.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    **_request_fields(request),
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                },
            )
            return response
        finally:
            request_id_var.reset(token)


def log_event(
    *,
    action: str,
    target_type: str,
    target_id: Any,
    organisation_id: int | None,
    actor_id: int | None,
) -> None:
    """One line per domain event; never its before/after values (personal data)."""
    event_log.info(
        "%s %s:%s",
        action,
        target_type,
        target_id,
        extra={
            "action": action,
            "target": f"{target_type}:{target_id}",
            "organisation_id": organisation_id,
            "actor_id": actor_id,
        },
    )
