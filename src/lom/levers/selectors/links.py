"""The link from a lever to a new campaign (or a managers' nudge), with the lever's audience
and effect as GET parameters: `period`, `lever`, `dimension`, `value`, `effect`, `measure`,
`kind` (README, "Levers against unused money")."""

from urllib.parse import urlencode

from django.urls import reverse


def campaign_url(**params: object) -> str:  # pure: builds a link
    base = reverse("levers:campaign_new")
    query = {k: v for k, v in params.items() if v not in (None, "")}
    return f"{base}?{urlencode(query)}" if query else base
