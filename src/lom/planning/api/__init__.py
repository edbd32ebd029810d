"""Planning API, mounted at /api/v1/planning by lom.api.api: workshops and their board, and
transition plans. One router assembled from the modules of this package."""

from ninja import Router

from lom.planning.api import board, plans, workshops

router = Router(tags=["planning"])
# /plans/current before /plans/{plan_id}.
router.add_router("", plans.router)
router.add_router("", workshops.router)
router.add_router("", board.router)

__all__ = ["router"]
