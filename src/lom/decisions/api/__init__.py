"""Joint decisions API, mounted at /api/v1/decisions by lom.api.api: meetings (agenda,
attendance, positions, decisions, minutes), objections, application rounds and the reports of
their projects, the user's notifications, and workshop proposals turned into applications or a
round. Each module is one sub-domain with its own router; the operations call the same
selectors and services as the views in `lom.decisions.views`."""

from ninja import Router

from lom.decisions.api import from_plan, meetings, notifications, objections, projects, rounds

router = Router(tags=["decisions"])
for module in (meetings, objections, rounds, projects, notifications, from_plan):
    router.add_router("", module.router)

__all__ = ["router"]
