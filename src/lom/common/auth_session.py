"""What the session remembers about how and when its user signed in.

Set at every sign-in (password, SAML, OIDC); read by the session timeouts and by the
re-authentication required before the most sensitive acts."""

import time

from django.http import HttpRequest

AUTH_METHOD_KEY = "lom_auth_method"  # "password" | "saml" | "oidc"
AUTH_ORG_KEY = "lom_auth_org"  # the organisation whose IdP signed the user in
AUTH_AT_KEY = "lom_auth_at"  # epoch seconds of the last (re-)authentication
SESSION_STARTED_KEY = "lom_session_started"  # epoch seconds: the absolute timeout counts from here
LAST_SEEN_KEY = "lom_last_seen"  # epoch seconds: the idle timeout counts from here


def mark_signed_in(
    request: HttpRequest, *, method: str, organisation_id: int | None = None
) -> None:
    """Call right after `login()`: a fresh session begins now."""
    now = int(time.time())
    request.session[AUTH_METHOD_KEY] = method
    request.session[AUTH_AT_KEY] = now
    request.session[SESSION_STARTED_KEY] = now
    request.session[LAST_SEEN_KEY] = now
    if organisation_id is not None:
        request.session[AUTH_ORG_KEY] = organisation_id
    else:
        request.session.pop(AUTH_ORG_KEY, None)


def mark_reauthenticated(request: HttpRequest) -> None:
    request.session[AUTH_AT_KEY] = int(time.time())


def auth_method(request: HttpRequest) -> str:
    return str(request.session.get(AUTH_METHOD_KEY, "password"))


def authenticated_within(request: HttpRequest, seconds: int) -> bool:
    at = request.session.get(AUTH_AT_KEY)
    return isinstance(at, int) and time.time() - at <= seconds
