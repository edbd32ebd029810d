"""API routes of individual support, mounted at /api/v1/support by lom.api.api: eligibility
(`eligibility`) and career and study counselling (`counselling`), one router. The same
selectors and services as the pages."""

from ninja import Router

from lom.support.api import counselling, eligibility

router = Router()
router.add_router("", eligibility.router)
router.add_router("", counselling.router)
