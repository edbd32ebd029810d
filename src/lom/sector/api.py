"""API routes of this app, mounted at /api/v1/sector by lom.api.api."""

from ninja import Router

router = Router(tags=["sector"])
