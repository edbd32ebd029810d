"""Webhook services: endpoints (the administrator's), emitting and delivering events."""

from lom.webhooks.services.delivery import (
    deliver_webhook,
    webhook_deliver,
    webhook_emit,
    webhook_redeliver,
    webhook_retry_due,
)
from lom.webhooks.services.endpoints import (
    webhook_endpoint_create,
    webhook_endpoint_deactivate,
    webhook_endpoint_update,
    webhook_secret_rotate,
)

__all__ = [
    "deliver_webhook",
    "webhook_deliver",
    "webhook_emit",
    "webhook_endpoint_create",
    "webhook_endpoint_deactivate",
    "webhook_endpoint_update",
    "webhook_redeliver",
    "webhook_retry_due",
    "webhook_secret_rotate",
]
