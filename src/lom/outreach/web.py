"""Request-level helpers for counting reach without cookies or personal data."""

import re

from django.utils import timezone

from lom.organisations.models import Organisation
from lom.outreach.services import reach_note_application

SESSION_MARKER = "outreach_marker"
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


def campaign_marker(request, allowed_ids) -> int | None:
    """The campaign named in the link (?k=<id>), when it is one of the organisation's
    published campaigns."""
    raw = request.GET.get("k", "")
    if not raw.isdigit() or len(raw) > 12:
        return None
    value = int(raw)
    return value if value in allowed_ids else None


def note_application_from_session(request, organisation: Organisation) -> None:
    """Called where an application is created: counts it once if the person arrived from the
    public page or the guide (the marker is then dropped)."""
    session = getattr(request, "session", None)
    if session is None or SESSION_MARKER not in session:
        return
    marker = session.pop(SESSION_MARKER, None)
    reach_note_application(organisation=organisation, marker=marker, today=timezone.localdate())
