"""The live workshop board. Every view works with plain forms and full page loads; the live
screen (static/lom/workshop.js) polls `workshop_live_view` and posts the same forms with fetch,
asking for JSON, to update the board without reloading."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponseNotModified, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from lom.common.errors import DomainError
from lom.common.parity import api_counterpart
from lom.common.validation import id_or_none
from lom.common.web import actor_view, add_domain_error
from lom.organisations.access import Actor
from lom.planning import selectors, services
from lom.planning.forms import (
    AreaForm,
    CardForm,
    ClosingForm,
    ProposalForm,
    StepForm,
    TimeboxForm,
    WorkshopNeedForm,
)
from lom.planning.models import (
    STEP_ORDER,
    FactorCard,
    Proposal,
    Step,
    Workshop,
    WorkshopArea,
    WorkshopNeed,
)
from lom.planning.permissions import (
    can_contribute,
    is_facilitator,
    participant_of,
)
from lom.planning.views._common import WS, _measure_types, _wants_json, _workshop_or_404

# Suggested time per step (minutes), from the facilitator guide.
STEP_MINUTES = {
    Step.FACTORS: 30,
    Step.SORT: 20,
    Step.IMPACT: 40,
    Step.PROPOSALS: 45,
    Step.CLOSING: 15,
}


STEP_HELP = {
    Step.FACTORS: gettext_lazy(
        "Vilka förändringar i omvärlden påverkar oss de närmaste åren? Skriv en faktor per "
        "kort: digitalisering, regeringsbeslut, migration, elavbrott, bränder, översvämningar, "
        "urbanisering …"
    ),
    Step.SORT: gettext_lazy(
        "Sortera korten i områden. Dra ett kort till ett område, eller välj område i listan "
        "under kortet och tryck på Flytta."
    ),
    Step.IMPACT: gettext_lazy(
        "För varje område: vad betyder förändringen för vår organisation, och vilket "
        "kompetensbehov följer? Uppskatta sannolikhet och påverkan; produkten ger en grov "
        "prioritet (1–25)."
    ),
    Step.PROPOSALS: gettext_lazy(
        "Vilka insatser kan omställningsmedlen betala för? Koppla varje förslag till de behov "
        "det svarar mot och ange ungefärlig kostnad och målgrupp."
    ),
    Step.CLOSING: gettext_lazy("Avslutande runda: skriv vad du tar med dig från workshoppen."),
}


def _live_context(request, actor: Actor, ws: Workshop, bound: dict | None = None) -> dict:
    board = selectors.workshop_board(workshop=ws)
    bound = bound or {}
    me = participant_of(actor, ws)
    facilitator = is_facilitator(actor, ws)
    can_write = bool(can_contribute(actor, ws, ws.step))
    ctx = {
        "ws": ws,
        "board": board,
        "me": me,
        "facilitator": facilitator and not ws.is_locked,
        "can_write": can_write,
        "user_id": actor.user.pk,
        "steps": [
            {"value": s, "label": Step(s).label, "n": i + 1, "current": s == ws.step}
            for i, s in enumerate(STEP_ORDER)
        ],
        "step_label": Step(ws.step).label,
        "step_help": STEP_HELP[Step(ws.step)],
        "is_first_step": ws.step == STEP_ORDER[0],
        "is_last_step": ws.step == STEP_ORDER[-1],
        "suggested_minutes": STEP_MINUTES[Step(ws.step)],
    }
    if ctx["facilitator"]:
        ctx["step_form"] = bound.get("step_form") or StepForm(
            prefix="nav", initial={"step": ws.step}
        )
        ctx["timebox_form"] = bound.get("timebox_form") or TimeboxForm(
            prefix="tb", initial={"minutes": STEP_MINUTES[Step(ws.step)]}
        )
    if can_write:
        if ws.step == Step.FACTORS:
            ctx["card_form"] = bound.get("card_form") or CardForm(prefix="card")
        elif ws.step == Step.SORT:
            ctx["area_form"] = bound.get("area_form") or AreaForm(prefix="area")
        elif ws.step == Step.IMPACT and board.areas:
            ctx["need_form"] = bound.get("need_form") or WorkshopNeedForm(
                prefix="need", areas=board.areas
            )
        elif ws.step == Step.PROPOSALS and board.needs:
            ctx["proposal_form"] = bound.get("proposal_form") or ProposalForm(
                prefix="proposal", needs=board.needs, measure_types=_measure_types(actor)
            )
        elif ws.step == Step.CLOSING:
            mine = next((w for w in board.closing_words if w.author_id == actor.user.pk), None)
            ctx["closing_form"] = bound.get("closing_form") or ClosingForm(
                prefix="closing", initial={"text": mine.text if mine else ""}
            )
    return ctx


def _page_context(request, actor: Actor, ws: Workshop, bound: dict | None = None) -> dict:
    ctx = _live_context(request, actor, ws, bound)
    ctx["live_url"] = reverse("planning:workshop_live", args=[ws.pk])
    return ctx


def _after_write(
    request,
    actor: Actor,
    pk: int,
    *,
    message: str = "",
    error: str = "",
    bound: dict | None = None,
    anchor: str = "",
):
    """The answer to every write on the board: JSON with the new board for the live screen,
    otherwise a redirect (success) or the page again with the form and its errors."""
    ws = _workshop_or_404(actor, pk)
    if _wants_json(request):
        html = render_to_string(
            "planning/_live.html", _live_context(request, actor, ws, bound), request=request
        )
        return JsonResponse(
            {
                "ok": not error,
                "message": message,
                "error": error,
                "revision": ws.revision,
                "html": html,
            },
            status=400 if error else 200,
        )
    if not error:
        if message:
            messages.success(request, message)
        return redirect(reverse("planning:workshop", args=[ws.pk]) + anchor)
    if not bound:
        messages.error(request, error)
        return redirect(reverse("planning:workshop", args=[ws.pk]) + anchor)
    return render(
        request, "planning/workshop.html", _page_context(request, actor, ws, bound), status=400
    )


def _board_action(
    request, actor: Actor, pk: int, action: Callable[[], object], *, message: str, anchor=""
):
    """A write on the board without a form: the one service, then the board's answer."""
    try:
        action()
    except DomainError as exc:
        return _after_write(request, actor, pk, error=str(exc.message))
    return _after_write(request, actor, pk, message=message, anchor=anchor)


def _board_form(
    request,
    actor: Actor,
    pk: int,
    form,
    action: Callable[[dict[str, Any]], object],
    *,
    key: str,
    message: str,
    error: str,
):
    """A board form posted: the one service on valid input, then the board's answer (the form
    with its errors, under `key`, when refused)."""
    if form.is_valid():
        try:
            action(form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
            error = str(exc.message)
        else:
            return _after_write(request, actor, pk, message=message)
    return _after_write(request, actor, pk, error=error, bound={key: form})


@api_counterpart(f"GET {WS}")
@actor_view()
def workshop_view(request, actor: Actor, pk: int):
    ws = _workshop_or_404(actor, pk)
    return render(request, "planning/workshop.html", _page_context(request, actor, ws))


@actor_view()
def workshop_live_view(request, actor: Actor, pk: int):
    """The live board for polling: one cheap query when nothing has changed (304)."""
    revision = selectors.workshop_revision(actor=actor, pk=pk)
    if revision is None:
        raise Http404
    etag = f'"w{pk}-r{revision}-{getattr(request, "LANGUAGE_CODE", "sv")}"'
    if request.headers.get("If-None-Match") == etag:
        not_modified = HttpResponseNotModified()
        not_modified["ETag"] = etag
        return not_modified
    ws = _workshop_or_404(actor, pk)
    html = render_to_string(
        "planning/_live.html", _live_context(request, actor, ws), request=request
    )
    response = JsonResponse(
        {
            "revision": ws.revision,
            "status": ws.status,
            "step": ws.step,
            "step_label": str(Step(ws.step).label),
            "step_ends_at": ws.step_ends_at.isoformat() if ws.step_ends_at else None,
            "html": html,
        }
    )
    response["ETag"] = f'"w{pk}-r{ws.revision}-{getattr(request, "LANGUAGE_CODE", "sv")}"'
    response["Cache-Control"] = "private, no-cache"
    return response


@api_counterpart(f"PUT {WS}/step")
@require_POST
@actor_view()
def workshop_step_view(request, actor: Actor, pk: int):
    ws = _workshop_or_404(actor, pk)
    form = StepForm(request.POST, prefix="nav")
    target = form.target(ws.step) if form.is_valid() else None
    if target is None:
        return _after_write(request, actor, pk, error=_("Välj ett steg."))
    return _board_action(
        request,
        actor,
        pk,
        lambda: services.workshop_set_step(actor=actor, workshop=ws, step=target),
        message=_("Steget är nu: %(s)s.") % {"s": Step(target).label},
    )


@api_counterpart(f"PUT {WS}/timebox")
@require_POST
@actor_view()
def workshop_timebox_view(request, actor: Actor, pk: int):
    ws = _workshop_or_404(actor, pk)
    form = TimeboxForm(request.POST, prefix="tb")
    return _board_form(
        request,
        actor,
        pk,
        form,
        lambda d: services.workshop_set_timebox(actor=actor, workshop=ws, minutes=d["minutes"]),
        key="timebox_form",
        message=_("Tidsgränsen är satt."),
        error=_("Ange antal minuter."),
    )


@api_counterpart(f"POST {WS}/lock")
@require_POST
@actor_view()
def workshop_lock_view(request, actor: Actor, pk: int):
    ws = _workshop_or_404(actor, pk)
    if request.POST.get("confirm") != "1":
        return _after_write(request, actor, pk, error=_("Bekräfta att resultatet ska låsas."))
    try:
        services.workshop_lock(actor=actor, workshop=ws)
    except DomainError as exc:
        return _after_write(request, actor, pk, error=str(exc.message))
    if _wants_json(request):
        return _after_write(request, actor, pk, message=_("Resultatet är låst."))
    messages.success(request, _("Resultatet är låst och sparat som PDF."))
    return redirect("planning:workshop_result", pk=ws.pk)


@api_counterpart(f"POST {WS}/cards")
@require_POST
@actor_view()
def card_add_view(request, actor: Actor, pk: int):
    ws = _workshop_or_404(actor, pk)
    form = CardForm(request.POST, prefix="card")
    return _board_form(
        request,
        actor,
        pk,
        form,
        lambda d: services.card_add(actor=actor, workshop=ws, text=d["text"]),
        key="card_form",
        message=_("Kortet är uppsatt."),
        error=_("Kortet kunde inte sparas."),
    )


@api_counterpart(f"PUT {WS}/cards/{{card_id}}/position")
@require_POST
@actor_view()
def card_move_view(request, actor: Actor, pk: int, card_id: int):
    ws = _workshop_or_404(actor, pk)
    card = selectors.workshop_item(workshop=ws, model=FactorCard, pk=card_id)
    if card is None:
        raise Http404
    raw = request.POST.get("area", "")
    area = None
    if raw:
        area_pk = id_or_none(raw)
        area = (
            selectors.workshop_item(workshop=ws, model=WorkshopArea, pk=area_pk)
            if area_pk is not None
            else None
        )
        if area is None:
            return _after_write(request, actor, pk, error=_("Välj ett område."))
    return _board_action(
        request,
        actor,
        pk,
        lambda: services.card_move(actor=actor, workshop=ws, card=card, area=area),
        message=_("”%(c)s” flyttades till %(a)s.")
        % {"c": card.text, "a": area.name if area else _("ej sorterade")},
        anchor=f"#card-{card.pk}",
    )


@api_counterpart(f"POST {WS}/areas")
@require_POST
@actor_view()
def area_add_view(request, actor: Actor, pk: int):
    ws = _workshop_or_404(actor, pk)
    form = AreaForm(request.POST, prefix="area")
    return _board_form(
        request,
        actor,
        pk,
        form,
        lambda d: services.area_add(actor=actor, workshop=ws, name=d["name"]),
        key="area_form",
        message=_("Området är tillagt."),
        error=_("Området kunde inte sparas."),
    )


@api_counterpart(f"POST {WS}/needs")
@require_POST
@actor_view()
def need_add_view(request, actor: Actor, pk: int):
    ws = _workshop_or_404(actor, pk)
    areas = list(ws.areas.all())
    form = WorkshopNeedForm(request.POST, prefix="need", areas=areas)
    return _board_form(
        request,
        actor,
        pk,
        form,
        lambda d: services.need_add(
            actor=actor,
            workshop=ws,
            area=next(a for a in areas if a.pk == d["area"]),
            consequence=d["consequence"],
            competence_need=d["competence_need"],
            likelihood=d["likelihood"],
            impact=d["impact"],
        ),
        key="need_form",
        message=_("Behovet är tillagt."),
        error=_("Behovet kunde inte sparas."),
    )


@api_counterpart(f"POST {WS}/proposals")
@require_POST
@actor_view()
def proposal_add_view(request, actor: Actor, pk: int):
    ws = _workshop_or_404(actor, pk)
    needs = list(ws.needs.select_related("area"))
    form = ProposalForm(
        request.POST, prefix="proposal", needs=needs, measure_types=_measure_types(actor)
    )
    return _board_form(
        request,
        actor,
        pk,
        form,
        lambda d: services.proposal_add(
            actor=actor,
            workshop=ws,
            title=d["title"],
            description=d["description"],
            need_ids=d["needs"],
            cost_ore=d["cost"],
            target_group=d["target_group"],
            measure_type=d["measure_type"],
        ),
        key="proposal_form",
        message=_("Förslaget är tillagt."),
        error=_("Förslaget kunde inte sparas."),
    )


@api_counterpart(f"POST {WS}/closing")
@require_POST
@actor_view()
def closing_view(request, actor: Actor, pk: int):
    ws = _workshop_or_404(actor, pk)
    form = ClosingForm(request.POST, prefix="closing")
    return _board_form(
        request,
        actor,
        pk,
        form,
        lambda d: services.closing_word_save(actor=actor, workshop=ws, text=d["text"]),
        key="closing_form",
        message=_("Tack! Det du tar med dig är sparat."),
        error=_("Texten kunde inte sparas."),
    )


def _remove_view(model, id_name: str, service: Callable[..., None], param: str, message):
    """Removing one thing from the board (a card, an area, a need, a proposal); its API
    counterpart is DELETE of the thing's path (e.g. .../cards/{card_id})."""

    @api_counterpart(f"DELETE {WS}/{param}s/{{{id_name}}}")
    @require_POST
    @actor_view()
    def view(request, actor: Actor, pk: int, **ids):
        ws = _workshop_or_404(actor, pk)
        item = selectors.workshop_item(workshop=ws, model=model, pk=ids[id_name])
        if item is None:
            raise Http404
        return _board_action(
            request,
            actor,
            pk,
            lambda: service(actor=actor, workshop=ws, **{param: item}),
            message=str(message),
        )

    return view


card_remove_view = _remove_view(
    FactorCard, "card_id", services.card_remove, "card", gettext_lazy("Kortet är borttaget.")
)
area_remove_view = _remove_view(
    WorkshopArea, "area_id", services.area_remove, "area", gettext_lazy("Området är borttaget.")
)
need_remove_view = _remove_view(
    WorkshopNeed, "need_id", services.need_remove, "need", gettext_lazy("Behovet är borttaget.")
)
proposal_remove_view = _remove_view(
    Proposal,
    "proposal_id",
    services.proposal_remove,
    "proposal",
    gettext_lazy("Förslaget är borttaget."),
)
