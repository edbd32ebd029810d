"""The levers API: `router` (at /api/v1/levers) holds the campaigns, `periods_router` (at
/api/v1/funds) the levers of one fund period and the round from unplanned money."""

from lom.levers.api.campaigns import router
from lom.levers.api.periods import periods_router

__all__ = ["periods_router", "router"]
