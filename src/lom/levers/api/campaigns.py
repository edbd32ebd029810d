"""The levers and campaigns API: thin, the same selectors and services as the pages.

`/campaigns…` (this router, at /api/v1/levers): list, create, get, preview (counts and the
what-if), send, cancel and statistics (the funnel). Coordinators and administrators write;
union representatives, decision makers and auditors read."""

from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Status

from lom.common.errors import PermissionDeniedError
from lom.common.pagination import keyset_page
from lom.common.schemas import DEFAULT_LIMIT, Cursor, ErrorOut, Id, Limit, Page
from lom.levers.documents import kit_pdf
from lom.levers.models import Campaign
from lom.levers.permissions import READERS, SENDERS
from lom.levers.schemas import (
    CampaignPreviewOut,
    CampaignStatisticsOut,
    KitOut,
    LeverCampaignIn,
    LeverCampaignOut,
)
from lom.levers.selectors.campaigns import campaign_get, campaigns_for, forecast_unused_kr
from lom.levers.selectors.funnel import campaign_funnel, hidden
from lom.levers.selectors.kit import kit_unit_for, nudge_kit
from lom.levers.selectors.preview import campaign_preview
from lom.levers.services.campaigns import (
    CampaignInput,
    campaign_cancel,
    campaign_save,
    campaign_send,
)
from lom.organisations.access import Actor

router = Router(tags=["levers"])


def _actor(request, roles: tuple[str, ...]) -> Actor:
    actor = request.api_actor
    if not actor.has(*roles):
        raise PermissionDeniedError(_("Din roll kan inte se eller ändra kampanjer."))
    return actor


def _shown(n: int) -> int | None:
    return None if hidden(n) else n


def _out(c: Campaign) -> dict:
    return {
        "id": c.pk,
        "title": c.title,
        "subject": c.subject,
        "body": c.body,
        "kind": c.kind,
        "lever": c.lever,
        "dimension": c.dimension,
        "value": c.value,
        "period_id": c.period_id,
        "by_email": c.by_email,
        "by_notice": c.by_notice,
        "landing": c.landing,
        "send_on": c.send_on,
        "status": c.status,
        "expected_effect_kr": c.expected_effect_kr,
        "recipients": _shown(c.recipients),
        "sent_at": c.sent_at,
        "forecast_unused_at_send_kr": c.forecast_unused_at_send_kr,
        "marker": c.marker_id,
    }


def _get(actor: Actor, campaign_id: int) -> Campaign:
    c = campaign_get(actor=actor, pk=campaign_id)
    if c is None:
        raise Http404
    return c


@router.get(
    "/campaigns",
    response={200: Page[LeverCampaignOut], 403: ErrorOut},
    summary="The campaigns, latest send date first",
)
def list_campaigns(request, cursor: Cursor | None = None, limit: Limit = DEFAULT_LIMIT):
    actor = _actor(request, READERS)
    rows, nxt = keyset_page(
        campaigns_for(actor=actor), cursor=cursor, limit=limit, order=("-send_on", "-id")
    )
    return {"items": [_out(c) for c in rows], "next_cursor": nxt}


@router.post(
    "/campaigns",
    response={201: LeverCampaignOut, 400: ErrorOut, 403: ErrorOut},
    summary="Write a campaign (a draft; refused below 5 people)",
)
def create_campaign(request, payload: LeverCampaignIn):
    actor = _actor(request, SENDERS)
    return Status(201, _out(campaign_save(actor=actor, data=CampaignInput(**payload.dict()))))


@router.get(
    "/campaigns/{campaign_id}",
    response={200: LeverCampaignOut, 403: ErrorOut, 404: ErrorOut},
    summary="A campaign",
)
def get_campaign(request, campaign_id: Id):
    return _out(_get(_actor(request, READERS), campaign_id))


@router.put(
    "/campaigns/{campaign_id}",
    response={200: LeverCampaignOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Change a draft campaign",
)
def update_campaign(request, campaign_id: Id, payload: LeverCampaignIn):
    actor = _actor(request, SENDERS)
    c = _get(actor, campaign_id)
    return _out(campaign_save(actor=actor, campaign=c, data=CampaignInput(**payload.dict())))


def _kit(request, campaign_id: int, unit_id: int):
    actor: Actor = request.api_actor
    campaign = campaign_get(actor=actor, pk=campaign_id)
    unit = (
        None if campaign is None else kit_unit_for(actor=actor, campaign=campaign, unit_id=unit_id)
    )
    if unit is None:
        raise Http404
    return nudge_kit(unit=unit, today=timezone.localdate())


@router.get(
    "/campaigns/{campaign_id}/kits/{unit_id}",
    response={200: KitOut, 403: ErrorOut, 404: ErrorOut},
    summary="A nudge's kit for one unit (its manager, coordinators and administrators)",
)
def get_kit(request, campaign_id: Id, unit_id: Id):
    kit = _kit(request, campaign_id, unit_id)
    return {
        **{k: v for k, v in kit.__dict__.items() if k != "examples"},
        "examples": [e.__dict__ for e in kit.examples],
    }


PDF_KIT = {
    "responses": {
        "200": {
            "description": "The kit as a one-page PDF (tagged PDF/UA).",
            "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}


@router.get(
    "/campaigns/{campaign_id}/kits/{unit_id}/pdf",
    response={403: ErrorOut, 404: ErrorOut},
    summary="A nudge's kit for one unit as a one-page PDF for the workplace meeting",
    openapi_extra=PDF_KIT,
)
def get_kit_pdf(request, campaign_id: Id, unit_id: Id) -> HttpResponse:
    kit = _kit(request, campaign_id, unit_id)
    response = HttpResponse(kit_pdf(kit), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="underlag-{unit_id}.pdf"'
    return response


@router.get(
    "/campaigns/{campaign_id}/preview",
    response={200: CampaignPreviewOut, 403: ErrorOut, 404: ErrorOut},
    summary="Who the campaign reaches (counts) and the forecast with its expected effect",
)
def preview_campaign(request, campaign_id: Id):
    actor = _actor(request, READERS)
    c = _get(actor, campaign_id)
    p = campaign_preview(
        organisation=actor.organisation, period=c.period, dimension=c.dimension, value=c.value
    )
    small = p.too_small
    return {
        "audience": p.counts.shown() | {"too_small": small},
        "conversion": p.conversion.__dict__,
        "effect_kr": 0 if small else p.effect_kr,
        "what_if": None if small or p.what_if is None else p.what_if.__dict__,
    }


@router.post(
    "/campaigns/{campaign_id}/send",
    response={200: LeverCampaignOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Send a draft: the task queue delivers it on its send date",
)
def send_campaign(request, campaign_id: Id):
    actor = _actor(request, SENDERS)
    return _out(campaign_send(actor=actor, campaign=_get(actor, campaign_id)))


@router.post(
    "/campaigns/{campaign_id}/cancel",
    response={200: LeverCampaignOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Stop a campaign that has not gone out",
)
def cancel_campaign(request, campaign_id: Id):
    actor = _actor(request, SENDERS)
    return _out(campaign_cancel(actor=actor, campaign=_get(actor, campaign_id)))


@router.get(
    "/campaigns/{campaign_id}/statistics",
    response={200: CampaignStatisticsOut, 403: ErrorOut, 404: ErrorOut},
    summary="The campaign's funnel (counts, each hidden below 5) and the forecast",
)
def campaign_statistics(request, campaign_id: Id):
    actor = _actor(request, READERS)
    c = _get(actor, campaign_id)
    f = campaign_funnel(campaign=c)
    return {
        "steps": [{"code": s.code, "label": s.label, "count": s.shown} for s in f.steps()],
        "committed_kr": f.committed_kr_shown,
        "forecast_unused_at_send_kr": c.forecast_unused_at_send_kr,
        "forecast_unused_now_kr": forecast_unused_kr(
            organisation=actor.organisation, period=c.period
        ),
    }
