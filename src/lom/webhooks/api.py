"""API routes of webhooks, mounted at /api/v1/webhooks by lom.api.api: the organisation
administrator's endpoints and their delivery logs. The same selectors, services and role check
as the HTML views; the secret is in the answer of the create and rotate operations only."""

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Literal
from uuid import UUID

from ninja import Field, Router, Schema, Status

from lom.common.bounds import NAME_MAX
from lom.common.pagination import keyset_page
from lom.common.schemas import DEFAULT_LIMIT, Cursor, ErrorOut, Id, Limit, Page, inline_choices
from lom.common.validation import require
from lom.organisations.access import Actor
from lom.webhooks import selectors, services
from lom.webhooks.events import EVENT_CODES
from lom.webhooks.models import URL_MAX, WebhookDelivery, WebhookEndpoint
from lom.webhooks.permissions import can_manage_webhooks

router = Router(tags=["webhooks"])

if TYPE_CHECKING:
    EventCode = str
else:
    # The codes of lom.webhooks.events.EVENTS (an enum in the document).
    EventCode = Literal[EVENT_CODES]


DeliveryStatus = Annotated[WebhookDelivery.Status, inline_choices(WebhookDelivery.Status)]


class EndpointIn(Schema):
    url: str = Field(..., min_length=1, max_length=URL_MAX, description="An https:// address.")
    description: str = Field("", max_length=NAME_MAX)
    events: list[EventCode] = Field(..., min_length=1, max_length=len(EVENT_CODES))


class EndpointOut(Schema):
    id: int
    url: str
    description: str
    events: list[str]
    active: bool
    created_at: datetime
    secret_rotated_at: datetime | None


class EndpointWithSecretOut(EndpointOut):
    secret: str = Field(..., description="Signs every delivery; returned only here.")


class DeliveryOut(Schema):
    id: int
    endpoint_id: int
    delivery_id: UUID
    event: str
    status: DeliveryStatus
    attempts: int
    last_status_code: int | None
    last_error: str
    next_attempt_at: datetime | None
    delivered_at: datetime | None
    created_at: datetime


def _admin(request) -> Actor:
    actor: Actor = request.api_actor
    require(can_manage_webhooks(actor))
    return actor


def _out(endpoint: WebhookEndpoint) -> EndpointOut:
    return EndpointOut.model_validate(endpoint, from_attributes=True)


def _with_secret(endpoint: WebhookEndpoint, secret: str) -> EndpointWithSecretOut:
    return EndpointWithSecretOut(**_out(endpoint).model_dump(), secret=secret)


@router.get(
    "/endpoints",
    response=Page[EndpointOut],
    summary="List the organisation's webhook endpoints",
)
def list_endpoints(
    request, cursor: Cursor | None = None, limit: Limit = DEFAULT_LIMIT
) -> Page[EndpointOut]:
    actor = _admin(request)
    rows, nxt = keyset_page(
        selectors.endpoints_for_org(organisation=actor.organisation), cursor=cursor, limit=limit
    )
    return Page[EndpointOut](items=[_out(e) for e in rows], next_cursor=nxt)


@router.post(
    "/endpoints",
    response={201: EndpointWithSecretOut, 400: ErrorOut},
    summary="Register a webhook endpoint (the answer holds its secret, shown once)",
)
def create_endpoint(request, payload: EndpointIn) -> Status:
    actor = _admin(request)
    endpoint, secret = services.webhook_endpoint_create(
        actor=actor, url=payload.url, description=payload.description, events=payload.events
    )
    return Status(201, _with_secret(endpoint, secret))


@router.get("/endpoints/{endpoint_id}", response=EndpointOut, summary="Read one webhook endpoint")
def get_endpoint(request, endpoint_id: Id) -> EndpointOut:
    actor = _admin(request)
    return _out(selectors.endpoint_get(organisation=actor.organisation, pk=endpoint_id))


@router.put(
    "/endpoints/{endpoint_id}",
    response={200: EndpointOut, 400: ErrorOut, 409: ErrorOut},
    summary="Change a webhook endpoint's address, description and events",
)
def update_endpoint(request, endpoint_id: Id, payload: EndpointIn) -> EndpointOut:
    actor = _admin(request)
    endpoint = selectors.endpoint_get(organisation=actor.organisation, pk=endpoint_id)
    endpoint = services.webhook_endpoint_update(
        actor=actor,
        endpoint=endpoint,
        url=payload.url,
        description=payload.description,
        events=payload.events,
    )
    return _out(endpoint)


@router.delete(
    "/endpoints/{endpoint_id}",
    response={200: EndpointOut, 409: ErrorOut},
    summary="Deactivate a webhook endpoint (its delivery log is kept)",
)
def deactivate_endpoint(request, endpoint_id: Id) -> EndpointOut:
    actor = _admin(request)
    endpoint = selectors.endpoint_get(organisation=actor.organisation, pk=endpoint_id)
    return _out(services.webhook_endpoint_deactivate(actor=actor, endpoint=endpoint))


@router.post(
    "/endpoints/{endpoint_id}/secret",
    response={200: EndpointWithSecretOut, 409: ErrorOut},
    summary="Rotate a webhook endpoint's secret (the answer holds the new one, shown once)",
)
def rotate_secret(request, endpoint_id: Id) -> EndpointWithSecretOut:
    actor = _admin(request)
    endpoint = selectors.endpoint_get(organisation=actor.organisation, pk=endpoint_id)
    endpoint, secret = services.webhook_secret_rotate(actor=actor, endpoint=endpoint)
    return _with_secret(endpoint, secret)


@router.get(
    "/endpoints/{endpoint_id}/deliveries",
    response=Page[DeliveryOut],
    summary="The delivery log of a webhook endpoint, newest first",
)
def list_deliveries(
    request, endpoint_id: Id, cursor: Cursor | None = None, limit: Limit = DEFAULT_LIMIT
) -> Page[DeliveryOut]:
    actor = _admin(request)
    endpoint = selectors.endpoint_get(organisation=actor.organisation, pk=endpoint_id)
    rows, nxt = keyset_page(
        selectors.deliveries_for_endpoint(endpoint=endpoint), cursor=cursor, limit=limit
    )
    return Page[DeliveryOut](
        items=[DeliveryOut.model_validate(d, from_attributes=True) for d in rows],
        next_cursor=nxt,
    )


@router.post(
    "/deliveries/{delivery_id}/redeliver",
    response={200: DeliveryOut, 409: ErrorOut},
    summary="Send one delivery again (same delivery id and body, a fresh series of attempts)",
)
def redeliver(request, delivery_id: Id) -> DeliveryOut:
    actor = _admin(request)
    delivery = selectors.delivery_get(organisation=actor.organisation, pk=delivery_id)
    delivery = services.webhook_redeliver(actor=actor, delivery=delivery)
    return DeliveryOut.model_validate(delivery, from_attributes=True)
