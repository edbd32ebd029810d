"""API routes of individual support, mounted at /api/v1/support by lom.api.api: eligibility
(`eligibility`), applications for individual support (`applications`) and career and study
counselling (`counselling`), one router. The same selectors and services as the pages."""

from ninja import Router

from lom.support.api import applications, counselling, eligibility

router = Router()
router.add_router("", eligibility.router)
router.add_router("", counselling.router)
router.add_router("", applications.router)
