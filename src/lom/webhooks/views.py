"""The organisation administrator's webhooks: the endpoints, adding and editing one (the secret
is shown once, on the page that answers the POST that made it), rotating the secret,
deactivating, and each endpoint's delivery log with "send again". Thin views: the same
selectors and services as the API."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lom.common.errors import DomainError
from lom.common.pagination import DEFAULT_LIMIT, keyset_page
from lom.common.parity import api_counterpart
from lom.common.web import actor_view, add_domain_error, form_status, post_action, run_form
from lom.organisations.access import Actor
from lom.webhooks import selectors, services
from lom.webhooks.events import EVENTS
from lom.webhooks.forms import EndpointForm
from lom.webhooks.models import WebhookEndpoint

ADMIN = "org_admin"


def _detail(request, actor: Actor, endpoint: WebhookEndpoint, *, secret: str = ""):
    cursor = request.GET.get("cursor") or None
    try:
        rows, next_cursor = keyset_page(
            selectors.deliveries_for_endpoint(endpoint=endpoint),
            cursor=cursor,
            limit=DEFAULT_LIMIT,
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
        rows, next_cursor = [], None
    context = {
        "endpoint": endpoint,
        "event_labels": [EVENTS[e] for e in endpoint.events if e in EVENTS],
        "deliveries": rows,
        "next_cursor": next_cursor,
        "secret": secret,
    }
    return render(request, "webhooks/endpoint.html", context)


@api_counterpart("GET /webhooks/endpoints")
@actor_view(ADMIN)
def endpoints_view(request, actor: Actor):
    endpoints = selectors.endpoints_for_org(organisation=actor.organisation)
    return render(request, "webhooks/endpoints.html", {"endpoints": endpoints, "events": EVENTS})


@api_counterpart("POST /webhooks/endpoints")
@actor_view(ADMIN)
def endpoint_create_view(request, actor: Actor):
    form = EndpointForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            endpoint, secret = services.webhook_endpoint_create(
                actor=actor, url=data["url"], description=data["description"], events=data["events"]
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Mottagaren är tillagd."))
            return _detail(request, actor, endpoint, secret=secret)
    context = {"form": form, "title": _("Ny webhook-mottagare")}
    return render(request, "webhooks/endpoint_form.html", context, status=form_status(request))


@api_counterpart(
    "GET /webhooks/endpoints/{endpoint_id}", "GET /webhooks/endpoints/{endpoint_id}/deliveries"
)
@actor_view(ADMIN)
def endpoint_view(request, actor: Actor, pk: int):
    endpoint = selectors.endpoint_get(organisation=actor.organisation, pk=pk)
    return _detail(request, actor, endpoint)


@api_counterpart("PUT /webhooks/endpoints/{endpoint_id}")
@actor_view(ADMIN)
def endpoint_edit_view(request, actor: Actor, pk: int):
    endpoint = selectors.endpoint_get(organisation=actor.organisation, pk=pk)
    initial = {"url": endpoint.url, "description": endpoint.description, "events": endpoint.events}
    form = EndpointForm(request.POST or None, initial=initial)
    done = run_form(
        request,
        form,
        lambda data: services.webhook_endpoint_update(
            actor=actor,
            endpoint=endpoint,
            url=data["url"],
            description=data["description"],
            events=data["events"],
        ),
        success=reverse("webhooks:endpoint", args=[endpoint.pk]),
        message=_("Mottagaren är ändrad."),
    )
    if done:
        return done
    context = {"form": form, "endpoint": endpoint, "title": _("Ändra webhook-mottagare")}
    return render(request, "webhooks/endpoint_form.html", context, status=form_status(request))


@api_counterpart("POST /webhooks/endpoints/{endpoint_id}/secret")
@require_POST
@actor_view(ADMIN)
def endpoint_rotate_view(request, actor: Actor, pk: int):
    endpoint = selectors.endpoint_get(organisation=actor.organisation, pk=pk)
    try:
        endpoint, secret = services.webhook_secret_rotate(actor=actor, endpoint=endpoint)
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("webhooks:endpoint", pk=endpoint.pk)
    messages.success(request, _("En ny hemlighet är skapad. Den gamla gäller inte längre."))
    return _detail(request, actor, endpoint, secret=secret)


@api_counterpart("DELETE /webhooks/endpoints/{endpoint_id}")
@require_POST
@actor_view(ADMIN)
def endpoint_deactivate_view(request, actor: Actor, pk: int):
    endpoint = selectors.endpoint_get(organisation=actor.organisation, pk=pk)
    return post_action(
        request,
        lambda: services.webhook_endpoint_deactivate(actor=actor, endpoint=endpoint),
        success=reverse("webhooks:endpoint", args=[endpoint.pk]),
        message=_("Mottagaren är avaktiverad. Inga fler leveranser skickas dit."),
    )


@api_counterpart("POST /webhooks/deliveries/{delivery_id}/redeliver")
@require_POST
@actor_view(ADMIN)
def redeliver_view(request, actor: Actor, pk: int):
    delivery = selectors.delivery_get(organisation=actor.organisation, pk=pk)
    return post_action(
        request,
        lambda: services.webhook_redeliver(actor=actor, delivery=delivery),
        success=reverse("webhooks:endpoint", args=[delivery.endpoint_id]),
        message=_("Leveransen skickas igen."),
    )
