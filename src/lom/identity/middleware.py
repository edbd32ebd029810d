"""Session timeouts: a signed-in session ends after LOM_SESSION_IDLE_MINUTES without a
request, and in any case LOM_SESSION_ABSOLUTE_HOURS after it began. An ended session is
flushed; a page request goes to the login page with a message saying why, an API call goes
on unauthenticated (and is answered 401)."""

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from lom.common.auth_session import AUTH_AT_KEY, LAST_SEEN_KEY, SESSION_STARTED_KEY

# Seen-time is written at most this often (seconds), not at every request.
SEEN_RESOLUTION = 30


def session_expiry_reason(session, now: float) -> str | None:
    started = session.get(SESSION_STARTED_KEY)
    seen = session.get(LAST_SEEN_KEY)
    idle = int(getattr(settings, "LOM_SESSION_IDLE_MINUTES", 30)) * 60
    absolute = int(getattr(settings, "LOM_SESSION_ABSOLUTE_HOURS", 10)) * 3600
    if isinstance(started, int) and now - started > absolute:
        return _(
            "Du har varit inloggad längre än %(h)s timmar och har loggats ut. Logga in igen."
        ) % {"h": absolute // 3600}
    if isinstance(seen, int) and now - seen > idle:
        return _("Du har loggats ut efter %(m)s minuter utan aktivitet. Logga in igen.") % {
            "m": idle // 60
        }
    return None


class SessionTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            now = int(time.time())
            session = request.session
            reason = session_expiry_reason(session, now)
            if reason is not None:
                logout(request)
                if not request.path.startswith("/api/"):
                    messages.warning(request, reason)
                    query = urlencode({"next": request.get_full_path()})
                    return redirect(f"{reverse('login')}?{query}")
            else:
                # A session from before these keys (or made by a test's force_login) is
                # timed from now on, not refused.
                for key in (SESSION_STARTED_KEY, AUTH_AT_KEY):
                    if not isinstance(session.get(key), int):
                        session[key] = now
                seen = session.get(LAST_SEEN_KEY)
                if not isinstance(seen, int) or now - seen >= SEEN_RESOLUTION:
                    session[LAST_SEEN_KEY] = now
        return self.get_response(request)
