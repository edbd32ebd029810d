"""How the API announces that something it still serves is deprecated."""

from datetime import UTC, date, datetime, time

from django.http import HttpResponse


def deprecate(response: HttpResponse, *, since: date, successor: str) -> HttpResponse:
    """Announce on a response that what the request used is deprecated: RFC 9745's
    `Deprecation` header (the date it was announced) and a `Link` to what replaces it (here a
    parameter or operation of v1 itself, or of /api/v2/). It keeps working in v1."""
    moment = datetime.combine(since, time.min, tzinfo=UTC)
    response["Deprecation"] = f"@{int(moment.timestamp())}"
    response["Link"] = f'<{successor}>; rel="successor-version"'
    return response
