"""Request-level helpers for counting reach without cookies or personal data."""

import re
import time

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.crypto import salted_hmac

from lom.common.clientip import client_ip
from lom.common.reach import SESSION_MARKER
from lom.common.validation import id_or_none
from lom.organisations.models import Organisation
from lom.outreach.services import reach_note_application

_BOTS = re.compile(r"bot|crawl|spider|slurp|preview|monitor|curl|wget|python-requests", re.I)


def countable(request) -> bool:
    """A page view by a person: a GET, not a prefetch, not a known robot. Nothing about the
    visitor is kept; this only decides whether to add one to the day's number."""
    if request.method != "GET":
        return False
    purpose = request.headers.get("Sec-Purpose", "") + request.headers.get("Purpose", "")
    if "prefetch" in purpose.lower():
        return False
    ua = request.headers.get("User-Agent", "")
    return not _BOTS.search(ua)


# Counts one client may add to one counter of one organisation per window (settings
# LOM_PUBLIC_COUNT_LIMIT and LOM_PUBLIC_COUNT_WINDOW_SECONDS). Generous: many employees of an
# agency may reach the page from one address.
DEFAULT_COUNT_LIMIT = 60
DEFAULT_COUNT_WINDOW_SECONDS = 3600


def count_limit() -> tuple[int, int]:
    """(counts, seconds) one client may add to one counter in a fixed window."""
    limit = int(getattr(settings, "LOM_PUBLIC_COUNT_LIMIT", DEFAULT_COUNT_LIMIT))
    window = int(getattr(settings, "LOM_PUBLIC_COUNT_WINDOW_SECONDS", DEFAULT_COUNT_WINDOW_SECONDS))
    return limit, max(window, 1)


def within_count_limit(request, *, organisation_id: int, counter: str) -> bool:
    """Whether this visit may still add to `counter`: a fixed window per client address
    (`client_ip`: behind the trusted proxies), organisation and counter, kept in Django's cache.

    The choice: when the limit is hit the public page still answers as usual (it is public
    information, and a person reloading it must not be refused) but the visit is not counted,
    so one client cannot inflate the reach figures. Only a keyed hash of the address is used
    as a cache key, for one window; nothing about the client is stored in the database. The
    cache must be shared by all processes (CACHES) for the limit to hold across them."""
    limit, window = count_limit()
    client = salted_hmac("outreach.count", client_ip(request)).hexdigest()[:24]
    slot = int(time.time()) // window
    key = f"outreach:count:{counter}:{organisation_id}:{client}:{slot}"
    cache.add(key, 0, timeout=window)
    try:
        used = cache.incr(key)
    except ValueError:  # expired between add and incr: a new window
        cache.set(key, 1, timeout=window)
        used = 1
    return used <= limit


def should_count(request, *, organisation_id: int, counter: str) -> bool:
    """A countable visit (see `countable`) within the client's limit for `counter`."""
    return countable(request) and within_count_limit(
        request, organisation_id=organisation_id, counter=counter
    )


def campaign_marker(request, allowed_ids) -> int | None:
    """The campaign named in the link (?k=<id>), when it is one of the organisation's
    published campaigns."""
    value = id_or_none(request.GET.get("k", ""))
    return value if value in allowed_ids else None


def note_application_from_session(request, organisation: Organisation) -> None:
    """Called where an application is created: counts it once if the person arrived from the
    public page or the guide (the marker is then dropped)."""
    session = getattr(request, "session", None)
    if session is None or SESSION_MARKER not in session:
        return
    marker = session.pop(SESSION_MARKER, None)
    reach_note_application(organisation=organisation, marker=marker, today=timezone.localdate())
