"""The register of documents: the list (search, filters, export) and the numbering series'
settings. Thin views: the same selectors and service as the API."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from lom.common.errors import DomainError
from lom.common.pagination import DEFAULT_LIMIT, keyset_page
from lom.common.parity import api_counterpart
from lom.common.verdict import Verdict
from lom.common.web import actor_view, add_domain_error, form_status, run_form
from lom.diarium import selectors, services
from lom.diarium.exports import register_csv_response, register_xlsx_response
from lom.diarium.forms import DocumentFilterForm, SeriesForm
from lom.diarium.links import document_link
from lom.diarium.models import DocumentSeries, RegisteredDocument
from lom.diarium.permissions import can_manage_series, can_read_register, reads_public_only
from lom.organisations.access import Actor

FIELDS = ("prefix", "number_format", "number_width")


def _check(verdict: Verdict) -> None:
    if not verdict:
        raise PermissionDenied(verdict.reason)


def _filtered(
    request: HttpRequest, actor: Actor
) -> tuple[DocumentFilterForm, selectors.DocumentFilter | None]:
    _check(can_read_register(actor))
    form = DocumentFilterForm(request.GET or None)
    if request.GET and not form.is_valid():
        return form, None
    return form, form.filters() if request.GET else selectors.DocumentFilter()


@api_counterpart("GET /diarium/documents", "GET /diarium/documents/{document_id}")
@actor_view()
def register_view(request: HttpRequest, actor: Actor) -> HttpResponse:
    form, filters = _filtered(request, actor)
    rows: list[RegisteredDocument] = []
    next_cursor: str | None = None
    if filters is not None:
        try:
            rows, next_cursor = keyset_page(
                selectors.documents_for(actor=actor, filters=filters),
                cursor=request.GET.get("cursor") or None,
                limit=DEFAULT_LIMIT,
                order=selectors.ORDER,
            )
        except DomainError as exc:
            messages.error(request, str(exc.message))
    query = request.GET.copy()
    query.pop("cursor", None)
    context = {
        "form": form,
        "documents": [(d, document_link(d)) for d in rows],
        "next_cursor": next_cursor,
        "query": query.urlencode(),
        "public_only": reads_public_only(actor),
        "can_manage_series": bool(can_manage_series(actor)),
    }
    return render(
        request, "diarium/register.html", context, status=200 if filters is not None else 400
    )


@api_counterpart("GET /diarium/documents.csv", "GET /diarium/documents.xlsx")
@actor_view()
def export_view(request: HttpRequest, actor: Actor, fmt: str) -> HttpResponseBase:
    form, filters = _filtered(request, actor)
    if filters is None:
        return render(request, "diarium/register.html", {"form": form, "documents": []}, status=400)
    qs = selectors.documents_for(actor=actor, filters=filters)
    if fmt == "xlsx":
        return register_xlsx_response(qs)
    return register_csv_response(qs)


@api_counterpart("GET /diarium/series", "PUT /diarium/series")
@actor_view()
def series_view(request: HttpRequest, actor: Actor) -> HttpResponse:  # one action per branch
    _check(can_manage_series(actor))
    series = selectors.series_of(organisation=actor.organisation)
    form = SeriesForm(request.POST or None, instance=series)
    preview = selectors.series_next_number(organisation=actor.organisation)
    if request.method == "POST" and "preview" in request.POST:
        status = 400
        if form.is_valid():
            try:
                checked = services.series_check(**{k: form.cleaned_data[k] for k in FIELDS})
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                typed = DocumentSeries(**dict(zip(FIELDS, checked, strict=True)))
                preview = selectors.series_next_number(
                    organisation=actor.organisation, series=typed
                )
                status = 200
        return render(
            request, "diarium/series.html", {"form": form, "preview": preview}, status=status
        )
    done = run_form(
        request,
        form,
        lambda data: services.series_save(
            actor=actor.user,
            organisation=actor.organisation,
            prefix=data["prefix"],
            number_format=data["number_format"],
            number_width=data["number_width"],
        ),
        success=reverse("diarium:series"),
        message=_("Nummerserien är sparad."),
    )
    if done:
        return done
    context = {"form": form, "preview": preview}
    return render(request, "diarium/series.html", context, status=form_status(request))
