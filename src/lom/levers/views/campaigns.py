"""The campaign pages: the list, a new campaign (prefilled from a lever's link), the campaign
with its preview and what-if (a draft) or its funnel (sent), the actions, the manager's kit and
its PDF, and the opt-out page that needs no login."""

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from lom.common.errors import DomainError
from lom.common.parity import api_counterpart
from lom.common.web import actor_view, form_status, post_action, run_form
from lom.funds.selectors import fund_period_current
from lom.levers.documents import kit_pdf
from lom.levers.forms import CampaignForm, initial_from_link
from lom.levers.models import BODY_MAX, Campaign, Kind, Status
from lom.levers.permissions import READERS, SENDERS
from lom.levers.selectors.campaigns import campaign_get, campaigns_for, unit_ids
from lom.levers.selectors.funnel import campaign_funnel
from lom.levers.selectors.kit import kit_unit_for, nudge_kit
from lom.levers.selectors.preview import campaign_preview
from lom.levers.services.campaigns import (
    CampaignInput,
    campaign_cancel,
    campaign_save,
    campaign_send,
)
from lom.levers.services.optout import campaign_opt_out, optout_read
from lom.levers.templates_text import LANGUAGES, template_for
from lom.levers.workflow import allowed
from lom.library.selectors import library_entry_get
from lom.organisations.access import Actor


def _own(actor: Actor, pk: int) -> Campaign:
    campaign = campaign_get(actor=actor, pk=pk)
    if campaign is None:
        raise Http404
    return campaign


@api_counterpart("GET /levers/campaigns")
@actor_view(*READERS)
def campaign_list_view(request, actor: Actor):
    return render(
        request,
        "levers/campaign_list.html",
        {
            "campaigns": campaigns_for(actor=actor).order_by("-send_on", "-id")[:200],
            "may_send": actor.has(*SENDERS),
        },
    )


def _input(d: dict, form: CampaignForm) -> CampaignInput:
    dimension, value = form.audience_parts()
    return CampaignInput(
        title=d["title"],
        subject=d["subject"],
        body=d["body"],
        send_on=d["send_on"],
        kind=d["kind"],
        dimension=dimension,
        value=value,
        lever=d.get("lever") or "",
        period_id=d.get("period"),
        measure_id=d.get("measure"),
        by_email=d["by_email"],
        by_notice=d["by_notice"],
        landing=d["landing"],
        expected_effect_kr=d.get("effect"),
    )


def _form_page(request, form, *, heading: str, language: str = "", template_links=None):
    return render(
        request,
        "levers/campaign_form.html",
        {
            "form": form,
            "heading": heading,
            "language": language,
            "template_links": template_links or [],
        },
        status=form_status(request),
    )


@api_counterpart("POST /levers/campaigns")
@actor_view(*SENDERS)
def campaign_new_view(request, actor: Actor):
    today = timezone.localdate()
    source = request.POST if request.method == "POST" else request.GET
    initial, managers = initial_from_link(source, today=today, organisation=actor.organisation)
    if request.method == "POST":
        managers = ""
        dim, _sep, value = request.POST.get("audience", "").partition(":")
        if dim == "managers":
            managers = ",".join(str(i) for i in unit_ids(value))
    if "period" not in initial:
        current = fund_period_current(organisation=actor.organisation, on=today)
        if current is not None:
            initial["period"] = current.pk
    language = request.GET.get("mall", "")
    language = language if language in LANGUAGES else (get_language() or "sv")[:2]
    language = language if language in LANGUAGES else "sv"
    subject, body = template_for(
        lever=initial.get("lever", ""), kind=initial.get("kind", Kind.EMPLOYEES), language=language
    )
    entry = (
        library_entry_get(actor=actor, pk=initial["measure"]) if initial.get("measure") else None
    )
    if entry is not None:
        body = f"{body}\n\n{entry.title}: {entry.summary}"[:BODY_MAX]
    initial.update({"subject": subject, "body": body, "title": subject})
    form = CampaignForm(
        request.POST or None,
        organisation=actor.organisation,
        managers=managers,
        initial=initial,
    )
    done = run_form(
        request,
        form,
        lambda d: campaign_save(actor=actor, data=_input(d, form)),
        success=lambda c: reverse("levers:campaign", args=[c.pk]),
        message=_("Kampanjen är sparad som utkast. Förhandsgranska och skicka den."),
    )
    if done is not None:
        return done
    params = request.GET.copy()
    links = []
    for lang in LANGUAGES:
        params["mall"] = lang
        links.append((lang, f"{request.path}?{params.urlencode()}"))
    return _form_page(
        request, form, heading=_("Ny kampanj"), language=language, template_links=links
    )


@api_counterpart("PUT /levers/campaigns/{campaign_id}")
@actor_view(*SENDERS)
def campaign_edit_view(request, actor: Actor, pk: int):
    campaign = _own(actor, pk)
    if campaign.status != Status.DRAFT:
        raise Http404
    audience = f"{campaign.dimension}:{campaign.value}"
    managers = campaign.value if campaign.dimension == "managers" else ""
    form = CampaignForm(
        request.POST or None,
        organisation=actor.organisation,
        managers=managers,
        initial={
            "title": campaign.title,
            "audience": audience,
            "subject": campaign.subject,
            "body": campaign.body,
            "landing": campaign.landing,
            "by_email": campaign.by_email,
            "by_notice": campaign.by_notice,
            "send_on": campaign.send_on,
            "kind": campaign.kind,
            "lever": campaign.lever,
            "period": campaign.period_id,
            "measure": campaign.measure_id,
            "effect": campaign.expected_effect_kr,
        },
    )
    done = run_form(
        request,
        form,
        lambda d: campaign_save(actor=actor, campaign=campaign, data=_input(d, form)),
        success=reverse("levers:campaign", args=[campaign.pk]),
        message=_("Kampanjen är sparad."),
    )
    if done is not None:
        return done
    return _form_page(request, form, heading=_("Ändra kampanj"))


@api_counterpart(
    "GET /levers/campaigns/{campaign_id}",
    "GET /levers/campaigns/{campaign_id}/preview",
    "GET /levers/campaigns/{campaign_id}/statistics",
)
@require_safe
@actor_view(*READERS)
def campaign_view(request, actor: Actor, pk: int):
    campaign = _own(actor, pk)
    ctx: dict = {
        "campaign": campaign,
        "may_send": actor.has(*SENDERS)
        and allowed("send", status=campaign.status, roles=actor.roles),
        "may_cancel": actor.has(*SENDERS)
        and allowed("cancel", status=campaign.status, roles=actor.roles),
        "units": [],
    }
    if campaign.status == Status.DRAFT:
        ctx["preview"] = campaign_preview(
            organisation=actor.organisation,
            period=campaign.period,
            dimension=campaign.dimension,
            value=campaign.value,
        )
    else:
        ctx["funnel"] = campaign_funnel(campaign=campaign)
    if campaign.kind == Kind.NUDGE:
        ctx["units"] = [
            u
            for u in (
                kit_unit_for(actor=actor, campaign=campaign, unit_id=i)
                for i in unit_ids(campaign.value)
            )
            if u is not None
        ]
    return render(request, "levers/campaign.html", ctx)


@api_counterpart("POST /levers/campaigns/{campaign_id}/send")
@require_POST
@actor_view(*SENDERS)
def campaign_send_view(request, actor: Actor, pk: int):
    campaign = _own(actor, pk)
    return post_action(
        request,
        lambda: campaign_send(actor=actor, campaign=campaign),
        success=reverse("levers:campaign", args=[pk]),
        message=_("Kampanjen är skickad. Den går ut på sändningsdagen."),
    )


@api_counterpart("POST /levers/campaigns/{campaign_id}/cancel")
@require_POST
@actor_view(*SENDERS)
def campaign_cancel_view(request, actor: Actor, pk: int):
    campaign = _own(actor, pk)
    return post_action(
        request,
        lambda: campaign_cancel(actor=actor, campaign=campaign),
        success=reverse("levers:campaign", args=[pk]),
        message=_("Kampanjen är stoppad."),
    )


def _kit(actor: Actor, pk: int, unit_id: int):
    campaign = Campaign.objects.filter(pk=pk, organisation=actor.organisation).first()
    unit = (
        None if campaign is None else kit_unit_for(actor=actor, campaign=campaign, unit_id=unit_id)
    )
    if campaign is None or unit is None:
        raise Http404
    return campaign, unit, nudge_kit(unit=unit, today=timezone.localdate())


@api_counterpart("GET /levers/campaigns/{campaign_id}/kits/{unit_id}")
@require_safe
@actor_view()
def kit_view(request, actor: Actor, pk: int, unit_id: int):
    campaign, unit, kit = _kit(actor, pk, unit_id)
    return render(request, "levers/kit.html", {"campaign": campaign, "unit": unit, "kit": kit})


@api_counterpart("GET /levers/campaigns/{campaign_id}/kits/{unit_id}/pdf")
@require_safe
@actor_view()
def kit_pdf_view(request, actor: Actor, pk: int, unit_id: int):
    _campaign, unit, kit = _kit(actor, pk, unit_id)
    response = HttpResponse(kit_pdf(kit), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="underlag-{unit.pk}.pdf"'
    return response


@csrf_exempt  # a mail program posts the one-click request without a session or a form
@require_http_methods(["GET", "POST"])
def optout_view(request, token: str):  # one action per branch
    try:
        if request.method == "POST":
            target = campaign_opt_out(token=token)
            return render(request, "levers/optout.html", {"done": True, "token": token})
        target = optout_read(token=token)
    except DomainError as exc:
        return render(request, "levers/optout.html", {"error": str(exc.message)}, status=400)
    return render(
        request,
        "levers/optout.html",
        {"done": target.already, "token": token},
    )
