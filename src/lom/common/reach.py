"""The anonymous "came from the public page" marker a session carries to the application form.

Outreach puts it in the session (`lom.outreach.web`); the application's create view reads the
campaign id out of it (`campaign_from_session`) so the new case can carry the campaign marker
without the cases package knowing about outreach. No identity is in it."""

from collections.abc import Mapping

SESSION_MARKER = "outreach_marker"


def campaign_from_session(  # pure: reads the marker a session carries
    session: Mapping[str, object] | None, *, organisation_id: int
) -> int | None:
    """The campaign id in the session's marker, when it is for this organisation."""
    if session is None:
        return None
    marker = session.get(SESSION_MARKER)
    if not isinstance(marker, dict) or marker.get("org") != organisation_id:
        return None
    campaign = marker.get("c")
    return campaign if isinstance(campaign, int) and campaign > 0 else None
