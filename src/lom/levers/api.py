"""The levers and campaigns API: thin, the same selectors and services as the pages."""

from ninja import Router

router = Router(tags=["levers"])
# Mounted at /funds: the levers of one fund period, /funds/periods/{id}/levers.
periods_router = Router(tags=["levers"])
