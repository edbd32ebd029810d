"""Error reporting to Sentry (or a compatible service such as GlitchTip), switched on by
SENTRY_DSN. Nothing personal is sent: no default PII, and request bodies, cookies, query strings
and authorisation headers are stripped before an event leaves. Each event carries the request id
of the log lines, so a report and its logs can be found together."""

from typing import TYPE_CHECKING, Any

from lom.common.logs import current_request_id

if TYPE_CHECKING:
    from sentry_sdk.types import Event, Hint

_SECRET_HEADERS = {"cookie", "authorization", "x-csrftoken", "proxy-authorization"}


def before_send(event: "Event", hint: "Hint") -> "Event | None":
    request: Any = event.get("request")
    if isinstance(request, dict):
        for key in ("data", "cookies", "query_string", "env"):
            request.pop(key, None)
        headers = request.get("headers")
        if isinstance(headers, dict):
            request["headers"] = {
                k: v for k, v in headers.items() if k.lower() not in _SECRET_HEADERS
            }
    request_id = current_request_id()
    if request_id:
        event.setdefault("tags", {})["request_id"] = request_id
    return event


def init_sentry(*, dsn: str, environment: str, traces_sample_rate: float, release: str) -> None:
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment or None,
        release=release or None,
        traces_sample_rate=traces_sample_rate,
        send_default_pii=False,
        max_request_body_size="never",
        include_local_variables=False,
        before_send=before_send,
        integrations=[DjangoIntegration()],
    )
