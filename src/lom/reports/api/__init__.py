"""Reports API, mounted at /api/v1/reports by lom.api.api: the same figures, files and
settings as the report pages, each through the selector or service the page uses."""

from ninja import Router

from lom.reports.api import annual, downloads, figures

router = Router(tags=["reports"])
# The exports' fixed file names come before any route with a parameter in their place.
router.add_router("", downloads.router)
router.add_router("", figures.router)
router.add_router("", annual.router)
