"""Fund mode API, mounted at /api/v1/fund by lom.api.api. The same selectors and services as
the pages: an employer reads only its own pot, notifications and claims, the fund all of its
members'. Amounts are öre. One module per sub-domain, one router."""

from ninja import Router

from lom.fundmode.api import claims, notifications, rounds

router = Router()
router.add_router("", rounds.router)
router.add_router("", notifications.router)
router.add_router("", claims.router)
