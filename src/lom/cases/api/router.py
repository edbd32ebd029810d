"""The one router of the cases API; its modules add their operations to it."""

from ninja import Router

router = Router(tags=["cases"])
