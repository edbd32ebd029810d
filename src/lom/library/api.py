"""API routes of this app, mounted at /api/v1/library by lom.api.api."""

from ninja import Router

router = Router(tags=["library"])
