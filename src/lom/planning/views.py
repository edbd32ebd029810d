"""Workshops and plans. Every view works with plain forms and full page loads; the live screen
(static/lom/workshop.js) polls `workshop_live_view` and posts the same forms with fetch, asking
for JSON, to update the board without reloading."""

from datetime import timedelta

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse, HttpResponseNotModified, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from lom.accounts.models import User
from lom.agreements.selectors import agreement_current
from lom.cases.permissions import can_create_case
from lom.common.errors import DomainError
from lom.common.web import actor_view, add_domain_error
from lom.organisations.access import Actor
from lom.organisations.models import Union
from lom.planning import selectors, services
from lom.planning.forms import (
    AreaForm,
    CardForm,
    ClosingForm,
    ImportForm,
    InviteForm,
    PlanAreaForm,
    PlanForm,
    PlanMeasureForm,
    PlanNeedForm,
    ProposalForm,
    RoundFromProposalsForm,
    StepForm,
    TimeboxForm,
    WorkshopForm,
    WorkshopNeedForm,
)
from lom.planning.models import (
    STEP_ORDER,
    FactorCard,
    Need,
    PlanArea,
    PlannedMeasure,
    Proposal,
    Step,
    TransitionPlan,
    Workshop,
    WorkshopArea,
    WorkshopNeed,
    WorkshopParticipant,
)
from lom.planning.permissions import (
    PLAN_PARTIES,
    can_approve_plan,
    can_contribute,
    can_convert_proposal,
    can_create_workshop,
    can_edit_plan,
    can_facilitate,
    can_manage_plans,
    is_facilitator,
    participant_of,
)

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


def _wants_json(request) -> bool:
    return request.headers.get("X-Requested-With") == "fetch"


def _workshop_or_404(actor: Actor, pk: int) -> Workshop:
    ws = selectors.workshop_get(actor=actor, pk=pk)
    if ws is None:
        raise Http404
    return ws


def _measure_types(actor: Actor):
    from lom.agreements.models import MeasureType

    agreement = agreement_current(organisation=actor.organisation, on=timezone.localdate())
    if agreement is None:
        return MeasureType.objects.all()
    return agreement.measure_types.all()


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
        "step_help": STEP_HELP[ws.step],
        "is_first_step": ws.step == STEP_ORDER[0],
        "is_last_step": ws.step == STEP_ORDER[-1],
        "suggested_minutes": STEP_MINUTES[ws.step],
    }
    if ctx["facilitator"]:
        ctx["step_form"] = bound.get("step_form") or StepForm(
            prefix="nav", initial={"step": ws.step}
        )
        ctx["timebox_form"] = bound.get("timebox_form") or TimeboxForm(
            prefix="tb", initial={"minutes": STEP_MINUTES[ws.step]}
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


def _invite_ids(form, actor: Actor) -> tuple[list[int], list[str]]:
    """The chosen people, and user names that are not in the organisation."""
    ids = list(form.cleaned_data.get("participants") or [])
    names = form.cleaned_data.get("usernames") or []
    if names:
        found = dict(
            User.objects.filter(
                username__in=names, memberships__organisation=actor.organisation
            ).values_list("username", "pk")
        )
        ids += list(found.values())
        return ids, [n for n in names if n not in found]
    return ids, []


# --- Overview, guide ------------------------------------------------------------------------


@actor_view()
def index_view(request, actor: Actor):
    today = timezone.localdate()
    return render(
        request,
        "planning/index.html",
        {
            "workshops": list(selectors.workshops_for(actor=actor)[:20]),
            "plans": list(selectors.plans_for(actor=actor)[:20]),
            "current": selectors.plan_current(organisation=actor.organisation, on=today),
            "can_create": bool(can_create_workshop(actor)),
            "can_plan": bool(can_manage_plans(actor)),
        },
    )


@actor_view()
def guide_view(request, actor: Actor):
    return render(request, "planning/guide.html", {"minutes": STEP_MINUTES})


# --- Workshops ------------------------------------------------------------------------------


@actor_view()
def workshops_view(request, actor: Actor):
    return render(
        request,
        "planning/workshops.html",
        {
            "workshops": list(selectors.workshops_for(actor=actor)[:200]),
            "can_create": bool(can_create_workshop(actor)),
        },
    )


@actor_view("coordinator", "org_admin")
def workshop_create_view(request, actor: Actor):
    people = services.users_for_invitation(actor=actor)
    form = WorkshopForm(
        request.POST or None, people=people, initial={"held_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        ids, unknown = _invite_ids(form, actor)
        if unknown:
            form.add_error(
                "usernames",
                _("Hittar inte i organisationen: %(u)s") % {"u": ", ".join(unknown)},
            )
        else:
            d = form.cleaned_data
            try:
                ws = services.workshop_create(
                    actor=actor,
                    title=d["title"],
                    held_on=d["held_on"],
                    place=d["place"],
                    participant_ids=ids,
                )
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, _("Workshoppen är skapad och deltagarna inbjudna."))
                return redirect("planning:workshop", pk=ws.pk)
    return render(request, "planning/workshop_form.html", {"form": form})


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
        response = HttpResponseNotModified()
        response["ETag"] = etag
        return response
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


@actor_view()
def workshop_participants_view(request, actor: Actor, pk: int):
    ws = _workshop_or_404(actor, pk)
    form = None
    if can_facilitate(actor, ws):
        people = services.users_for_invitation(actor=actor)
        invited = {p.user_id for p in ws.participants.all()}
        people = [(u, party) for u, party in people if u.pk not in invited]
        form = InviteForm(request.POST or None, people=people)
        if request.method == "POST" and form.is_valid():
            ids, unknown = _invite_ids(form, actor)
            if unknown:
                form.add_error(
                    "usernames",
                    _("Hittar inte i organisationen: %(u)s") % {"u": ", ".join(unknown)},
                )
            else:
                try:
                    n = services.workshop_invite(
                        actor=actor,
                        workshop=ws,
                        user_ids=ids,
                        facilitator=form.cleaned_data["facilitator"],
                    )
                except DomainError as exc:
                    add_domain_error(form, exc)
                else:
                    messages.success(request, _("%(n)d deltagare inbjudna.") % {"n": n})
                    return redirect("planning:workshop_participants", pk=ws.pk)
    elif request.method == "POST":
        raise Http404
    return render(
        request,
        "planning/participants.html",
        {
            "ws": ws,
            "form": form,
            "manage": form is not None,
            "participants": list(ws.participants.all()),
        },
    )


@require_POST
@actor_view()
def workshop_uninvite_view(request, actor: Actor, pk: int, participant_id: int):
    ws = _workshop_or_404(actor, pk)
    participant = WorkshopParticipant.objects.filter(workshop=ws, pk=participant_id).first()
    if participant is None:
        raise Http404
    try:
        services.workshop_remove_participant(actor=actor, workshop=ws, participant=participant)
        messages.success(request, _("Deltagaren är borttagen."))
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect("planning:workshop_participants", pk=ws.pk)


@require_POST
@actor_view()
def workshop_step_view(request, actor: Actor, pk: int):
    ws = _workshop_or_404(actor, pk)
    form = StepForm(request.POST, prefix="nav")
    target = form.target(ws.step) if form.is_valid() else None
    if target is None:
        return _after_write(request, actor, pk, error=_("Välj ett steg."))
    try:
        services.workshop_set_step(actor=actor, workshop=ws, step=target)
    except DomainError as exc:
        return _after_write(request, actor, pk, error=str(exc.message))
    return _after_write(
        request, actor, pk, message=_("Steget är nu: %(s)s.") % {"s": Step(target).label}
    )


@require_POST
@actor_view()
def workshop_timebox_view(request, actor: Actor, pk: int):
    ws = _workshop_or_404(actor, pk)
    form = TimeboxForm(request.POST, prefix="tb")
    if not form.is_valid():
        return _after_write(
            request, actor, pk, error=_("Ange antal minuter."), bound={"timebox_form": form}
        )
    try:
        services.workshop_set_timebox(
            actor=actor, workshop=ws, minutes=form.cleaned_data["minutes"]
        )
    except DomainError as exc:
        add_domain_error(form, exc)
        return _after_write(
            request, actor, pk, error=str(exc.message), bound={"timebox_form": form}
        )
    return _after_write(request, actor, pk, message=_("Tidsgränsen är satt."))


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


@require_POST
@actor_view()
def workshop_new_version_view(request, actor: Actor, pk: int):
    ws = _workshop_or_404(actor, pk)
    try:
        new = services.workshop_new_version(actor=actor, workshop=ws)
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("planning:workshop_result", pk=ws.pk)
    messages.success(
        request,
        _("Version %(v)d är skapad. Den tidigare versionen finns kvar.") % {"v": new.version},
    )
    return redirect("planning:workshop", pk=new.pk)


@require_POST
@actor_view()
def card_add_view(request, actor: Actor, pk: int):
    ws = _workshop_or_404(actor, pk)
    form = CardForm(request.POST, prefix="card")
    error = _("Kortet kunde inte sparas.")
    if form.is_valid():
        try:
            services.card_add(actor=actor, workshop=ws, text=form.cleaned_data["text"])
        except DomainError as exc:
            add_domain_error(form, exc)
            error = str(exc.message)
        else:
            return _after_write(request, actor, pk, message=_("Kortet är uppsatt."))
    return _after_write(request, actor, pk, error=error, bound={"card_form": form})


@require_POST
@actor_view()
def card_move_view(request, actor: Actor, pk: int, card_id: int):
    ws = _workshop_or_404(actor, pk)
    card = FactorCard.objects.filter(workshop=ws, pk=card_id).first()
    if card is None:
        raise Http404
    raw = request.POST.get("area", "")
    area = None
    if raw:
        area = WorkshopArea.objects.filter(workshop=ws, pk=raw).first() if raw.isdigit() else None
        if area is None:
            return _after_write(request, actor, pk, error=_("Välj ett område."))
    try:
        services.card_move(actor=actor, workshop=ws, card=card, area=area)
    except DomainError as exc:
        return _after_write(request, actor, pk, error=str(exc.message))
    return _after_write(
        request,
        actor,
        pk,
        message=_("”%(c)s” flyttades till %(a)s.")
        % {"c": card.text, "a": area.name if area else _("ej sorterade")},
        anchor=f"#card-{card.pk}",
    )


@require_POST
@actor_view()
def card_remove_view(request, actor: Actor, pk: int, card_id: int):
    ws = _workshop_or_404(actor, pk)
    card = FactorCard.objects.filter(workshop=ws, pk=card_id).first()
    if card is None:
        raise Http404
    try:
        services.card_remove(actor=actor, workshop=ws, card=card)
    except DomainError as exc:
        return _after_write(request, actor, pk, error=str(exc.message))
    return _after_write(request, actor, pk, message=_("Kortet är borttaget."))


@require_POST
@actor_view()
def area_add_view(request, actor: Actor, pk: int):
    ws = _workshop_or_404(actor, pk)
    form = AreaForm(request.POST, prefix="area")
    error = _("Området kunde inte sparas.")
    if form.is_valid():
        try:
            services.area_add(actor=actor, workshop=ws, name=form.cleaned_data["name"])
        except DomainError as exc:
            add_domain_error(form, exc)
            error = str(exc.message)
        else:
            return _after_write(request, actor, pk, message=_("Området är tillagt."))
    return _after_write(request, actor, pk, error=error, bound={"area_form": form})


@require_POST
@actor_view()
def area_remove_view(request, actor: Actor, pk: int, area_id: int):
    ws = _workshop_or_404(actor, pk)
    area = WorkshopArea.objects.filter(workshop=ws, pk=area_id).first()
    if area is None:
        raise Http404
    try:
        services.area_remove(actor=actor, workshop=ws, area=area)
    except DomainError as exc:
        return _after_write(request, actor, pk, error=str(exc.message))
    return _after_write(request, actor, pk, message=_("Området är borttaget."))


@require_POST
@actor_view()
def need_add_view(request, actor: Actor, pk: int):
    ws = _workshop_or_404(actor, pk)
    areas = list(ws.areas.all())
    form = WorkshopNeedForm(request.POST, prefix="need", areas=areas)
    error = _("Behovet kunde inte sparas.")
    if form.is_valid():
        d = form.cleaned_data
        area = next(a for a in areas if a.pk == d["area"])
        try:
            services.need_add(
                actor=actor,
                workshop=ws,
                area=area,
                consequence=d["consequence"],
                competence_need=d["competence_need"],
                likelihood=d["likelihood"],
                impact=d["impact"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
            error = str(exc.message)
        else:
            return _after_write(request, actor, pk, message=_("Behovet är tillagt."))
    return _after_write(request, actor, pk, error=error, bound={"need_form": form})


@require_POST
@actor_view()
def need_remove_view(request, actor: Actor, pk: int, need_id: int):
    ws = _workshop_or_404(actor, pk)
    need = WorkshopNeed.objects.filter(workshop=ws, pk=need_id).first()
    if need is None:
        raise Http404
    try:
        services.need_remove(actor=actor, workshop=ws, need=need)
    except DomainError as exc:
        return _after_write(request, actor, pk, error=str(exc.message))
    return _after_write(request, actor, pk, message=_("Behovet är borttaget."))


@require_POST
@actor_view()
def proposal_add_view(request, actor: Actor, pk: int):
    ws = _workshop_or_404(actor, pk)
    needs = list(ws.needs.select_related("area"))
    form = ProposalForm(
        request.POST, prefix="proposal", needs=needs, measure_types=_measure_types(actor)
    )
    error = _("Förslaget kunde inte sparas.")
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.proposal_add(
                actor=actor,
                workshop=ws,
                title=d["title"],
                description=d["description"],
                need_ids=d["needs"],
                cost_ore=d["cost"],
                target_group=d["target_group"],
                measure_type=d["measure_type"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
            error = str(exc.message)
        else:
            return _after_write(request, actor, pk, message=_("Förslaget är tillagt."))
    return _after_write(
        request,
        actor,
        pk,
        error=error,
        bound={"proposal_form": form},
    )


@require_POST
@actor_view()
def proposal_remove_view(request, actor: Actor, pk: int, proposal_id: int):
    ws = _workshop_or_404(actor, pk)
    proposal = Proposal.objects.filter(workshop=ws, pk=proposal_id).first()
    if proposal is None:
        raise Http404
    try:
        services.proposal_remove(actor=actor, workshop=ws, proposal=proposal)
    except DomainError as exc:
        return _after_write(request, actor, pk, error=str(exc.message))
    return _after_write(request, actor, pk, message=_("Förslaget är borttaget."))


@require_POST
@actor_view()
def closing_view(request, actor: Actor, pk: int):
    ws = _workshop_or_404(actor, pk)
    form = ClosingForm(request.POST, prefix="closing")
    error = _("Texten kunde inte sparas.")
    if form.is_valid():
        try:
            services.closing_word_save(actor=actor, workshop=ws, text=form.cleaned_data["text"])
        except DomainError as exc:
            add_domain_error(form, exc)
            error = str(exc.message)
        else:
            return _after_write(
                request, actor, pk, message=_("Tack! Det du tar med dig är sparat.")
            )
    return _after_write(request, actor, pk, error=error, bound={"closing_form": form})


@actor_view()
def workshop_result_view(request, actor: Actor, pk: int):
    ws = _workshop_or_404(actor, pk)
    board = selectors.workshop_board(workshop=ws)
    convert = bool(can_convert_proposal(actor, ws))
    create_verdict = can_create_case(actor)
    return render(
        request,
        "planning/workshop_result.html",
        {
            "ws": ws,
            "board": board,
            "facilitator": is_facilitator(actor, ws),
            "convertible": convert,
            "user_id": actor.user.pk,
            "can_create_case": bool(create_verdict),
            "create_case_reason": create_verdict.reason,
            "can_round": convert and actor.is_coordinator,
            "newer": ws.next_versions.order_by("version").first(),
        },
    )


@actor_view()
def workshop_pdf_view(request, actor: Actor, pk: int):
    from lom.planning.documents import render_workshop_pdf

    ws = _workshop_or_404(actor, pk)
    name = f"workshop-{ws.pk}-v{ws.version}.pdf"
    if ws.is_locked and ws.result_pdf:
        return FileResponse(
            ws.result_pdf.open("rb"),
            as_attachment=True,
            filename=name,
            content_type="application/pdf",
        )
    pdf = render_workshop_pdf(ws)  # a preview; only the locked result is kept
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="utkast-{name}"'
    return response


@require_POST
@actor_view()
def proposal_to_case_view(request, actor: Actor, pk: int, proposal_id: int):
    ws = _workshop_or_404(actor, pk)
    proposal = Proposal.objects.filter(workshop=ws, pk=proposal_id).first()
    if proposal is None:
        raise Http404
    try:
        case = services.proposal_to_case(actor=actor, proposal=proposal)
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("planning:workshop_result", pk=ws.pk)
    messages.success(
        request,
        _("Ett utkast till ansökan är skapat av förslaget. Komplettera och skicka in det."),
    )
    return redirect("cases:edit", pk=case.pk, step="start")


@actor_view("coordinator")
def proposals_round_view(request, actor: Actor, pk: int):
    ws = _workshop_or_404(actor, pk)
    verdict = can_convert_proposal(actor, ws)
    if not verdict:
        messages.error(request, verdict.reason)
        return redirect("planning:workshop_result", pk=ws.pk)
    proposals = list(ws.proposals.filter(round__isnull=True).order_by("id"))
    today = timezone.localdate()
    form = RoundFromProposalsForm(
        request.POST or None,
        proposals=proposals,
        organisation=actor.organisation,
        initial={
            "title": _("Utvecklingsprojekt efter %(t)s") % {"t": ws.title},
            "opens_on": today,
            "closes_on": today + timedelta(days=30),
            "proposals": [p.pk for p in proposals],
        },
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        chosen = [p for p in proposals if p.pk in set(d["proposals"])]
        try:
            rnd = services.proposals_to_round(
                actor=actor,
                workshop=ws,
                proposals=chosen,
                title=d["title"],
                opens_on=d["opens_on"],
                closes_on=d["closes_on"],
                period=d["period"],
                budget_ore=d["budget"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Ansökningsomgången är utlyst."))
            return redirect("decisions:round", pk=rnd.pk)
    return render(request, "planning/round_form.html", {"ws": ws, "form": form})


# --- Plans ----------------------------------------------------------------------------------


def _plan_or_404(actor: Actor, pk: int) -> TransitionPlan:
    plan = selectors.plan_get(actor=actor, pk=pk)
    if plan is None:
        raise Http404
    return plan


def _locked_workshops(actor: Actor):
    return selectors.workshops_for(actor=actor).filter(status=Workshop.Status.LOCKED)


@actor_view()
def plans_view(request, actor: Actor):
    form = None
    if can_manage_plans(actor):
        form = PlanForm(
            request.POST or None,
            organisation=actor.organisation,
            workshops=_locked_workshops(actor),
        )
        if request.method == "POST" and form.is_valid():
            d = form.cleaned_data
            try:
                plan = services.plan_create(
                    actor=actor,
                    title=d["title"],
                    period_start=d["period_start"],
                    period_end=d["period_end"],
                    fund_period=d["fund_period"],
                    analyses=d["analyses"],
                    workshop=d.get("workshop"),
                )
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, _("Planen är skapad som utkast."))
                return redirect("planning:plan", pk=plan.pk)
    elif request.method == "POST":
        raise Http404
    return render(
        request,
        "planning/plans.html",
        {
            "plans": list(selectors.plans_for(actor=actor)[:100]),
            "form": form,
            "current": selectors.plan_current(
                organisation=actor.organisation, on=timezone.localdate()
            ),
        },
    )


@actor_view()
def plan_current_view(request, actor: Actor):
    plan = selectors.plan_current(organisation=actor.organisation, on=timezone.localdate())
    if plan is None:
        messages.info(request, _("Det finns ingen godkänd omställningsplan som gäller i dag."))
        return redirect("planning:plans")
    return redirect("planning:plan", pk=plan.pk)


def _approval_rows(actor: Actor, plan: TransitionPlan, approvals) -> tuple[list, str]:
    try:
        parties = services.plan_parties(plan=plan)
    except DomainError as exc:
        return [], str(exc.message)
    done = {a.union_id: a for a in approvals}
    rows = []
    for party_id, name in parties:
        rows.append(
            {
                "party_id": party_id,
                "name": name,
                "approval": done.get(party_id),
                "mine": plan.is_draft
                and party_id not in done
                and bool(can_approve_plan(actor, party_id)),
            }
        )
    return rows, ""


@actor_view()
def plan_view(request, actor: Actor, pk: int):
    plan = _plan_or_404(actor, pk)
    contents = selectors.plan_contents(plan=plan)
    editable = bool(can_edit_plan(actor, plan))
    approvals, approval_problem = _approval_rows(actor, plan, contents["approvals"])
    areas = contents["areas"]
    by_area = [
        {
            "area": a,
            "needs": [n for n in contents["needs"] if n.area_id == a.pk],
            "measures": [m for m in contents["measures"] if m.area_id == a.pk],
            "budget": sum(m.budget_ore for m in contents["measures"] if m.area_id == a.pk),
        }
        for a in areas
    ]
    workshops = list(plan.workshops.all())
    mine = set(
        WorkshopParticipant.objects.filter(
            workshop__in=workshops, user_id=actor.user.pk
        ).values_list("workshop_id", flat=True)
    )
    ctx = {
        "plan": plan,
        "by_area": by_area,
        "total_budget": sum(m.budget_ore for m in contents["measures"]),
        "need_count": len(contents["needs"]),
        "approvals": approvals,
        "approval_problem": approval_problem,
        "editable": editable,
        "can_manage": bool(can_manage_plans(actor)),
        "sources": [(w, w.pk in mine) for w in workshops],
        "newer": plan.next_versions.order_by("version").first(),
        "show_actual": actor.has(*PLAN_PARTIES),
    }
    if editable:
        ctx["area_form"] = PlanAreaForm(prefix="area")
        ctx["import_form"] = ImportForm(
            workshops=_locked_workshops(actor).exclude(pk__in=[w.pk for w in workshops])
        )
    return render(request, "planning/plan.html", ctx)


@actor_view("coordinator", "org_admin")
def plan_edit_view(request, actor: Actor, pk: int):
    plan = _plan_or_404(actor, pk)
    verdict = can_edit_plan(actor, plan)
    if not verdict:
        messages.error(request, verdict.reason)
        return redirect("planning:plan", pk=plan.pk)
    form = PlanForm(
        request.POST or None,
        organisation=actor.organisation,
        initial={
            "title": plan.title,
            "fund_period": plan.fund_period_id,
            "period_start": plan.period_start,
            "period_end": plan.period_end,
            "analyses": plan.analyses,
        },
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.plan_update(
                actor=actor,
                plan=plan,
                title=d["title"],
                period_start=d["period_start"],
                period_end=d["period_end"],
                fund_period=d["fund_period"],
                analyses=d["analyses"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Planen är sparad."))
            return redirect("planning:plan", pk=plan.pk)
    return render(request, "planning/plan_form.html", {"plan": plan, "form": form})


@require_POST
@actor_view("coordinator", "org_admin")
def plan_import_view(request, actor: Actor, pk: int):
    plan = _plan_or_404(actor, pk)
    form = ImportForm(request.POST, workshops=_locked_workshops(actor))
    if not form.is_valid():
        messages.error(request, _("Välj en låst workshop som du deltog i."))
        return redirect("planning:plan", pk=plan.pk)
    try:
        n = services.plan_import_workshop(
            actor=actor, plan=plan, workshop=form.cleaned_data["workshop"]
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("%(n)d behov hämtades från workshoppen.") % {"n": n})
    return redirect("planning:plan", pk=plan.pk)


@require_POST
@actor_view("coordinator", "org_admin")
def plan_area_add_view(request, actor: Actor, pk: int):
    plan = _plan_or_404(actor, pk)
    form = PlanAreaForm(request.POST, prefix="area")
    if form.is_valid():
        try:
            services.plan_area_add(actor=actor, plan=plan, name=form.cleaned_data["name"])
            messages.success(request, _("Insatsområdet är tillagt."))
        except DomainError as exc:
            messages.error(request, str(exc.message))
    else:
        messages.error(request, _("Ge insatsområdet ett namn."))
    return redirect("planning:plan", pk=plan.pk)


@require_POST
@actor_view("coordinator", "org_admin")
def plan_area_remove_view(request, actor: Actor, pk: int, area_id: int):
    plan = _plan_or_404(actor, pk)
    area = PlanArea.objects.filter(plan=plan, pk=area_id).first()
    if area is None:
        raise Http404
    try:
        services.plan_area_remove(actor=actor, plan=plan, area=area)
        messages.success(request, _("Insatsområdet är borttaget."))
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect("planning:plan", pk=plan.pk)


@actor_view("coordinator", "org_admin")
def plan_need_view(request, actor: Actor, pk: int, need_id: int | None = None):
    plan = _plan_or_404(actor, pk)
    verdict = can_edit_plan(actor, plan)
    if not verdict:
        messages.error(request, verdict.reason)
        return redirect("planning:plan", pk=plan.pk)
    need = None
    if need_id is not None:
        need = Need.objects.filter(plan=plan, pk=need_id).first()
        if need is None:
            raise Http404
    areas = list(plan.areas.all())
    initial = (
        {
            "area": need.area_id,
            "title": need.title,
            "description": need.description,
            "priority": need.priority,
            "source": need.source,
        }
        if need
        else {"source": Need.Source.COMPETENCE_SUPPLY}
    )
    form = PlanNeedForm(request.POST or None, areas=areas, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.plan_need_save(
                actor=actor,
                plan=plan,
                need=need,
                data=services.NeedInput(
                    area_id=d["area"],
                    title=d["title"],
                    description=d["description"],
                    priority=d["priority"],
                    source=d["source"],
                ),
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Behovet är sparat."))
            return redirect("planning:plan", pk=plan.pk)
    return render(
        request,
        "planning/plan_item_form.html",
        {
            "plan": plan,
            "form": form,
            "title": _("Ändra behov") if need else _("Nytt behov"),
            "item": need,
            "remove_url": reverse("planning:plan_need_remove", args=[plan.pk, need.pk])
            if need
            else "",
            "no_areas": not areas,
        },
    )


@require_POST
@actor_view("coordinator", "org_admin")
def plan_need_remove_view(request, actor: Actor, pk: int, need_id: int):
    plan = _plan_or_404(actor, pk)
    need = Need.objects.filter(plan=plan, pk=need_id).first()
    if need is None:
        raise Http404
    try:
        services.plan_need_remove(actor=actor, plan=plan, need=need)
        messages.success(request, _("Behovet är borttaget."))
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect("planning:plan", pk=plan.pk)


@actor_view("coordinator", "org_admin")
def plan_measure_view(request, actor: Actor, pk: int, measure_id: int | None = None):
    plan = _plan_or_404(actor, pk)
    verdict = can_edit_plan(actor, plan)
    if not verdict:
        messages.error(request, verdict.reason)
        return redirect("planning:plan", pk=plan.pk)
    measure = None
    if measure_id is not None:
        measure = PlannedMeasure.objects.filter(plan=plan, pk=measure_id).first()
        if measure is None:
            raise Http404
    areas = list(plan.areas.all())
    needs = list(plan.needs.select_related("area").order_by("area__order", "priority", "id"))
    initial = (
        {
            "area": measure.area_id,
            "title": measure.title,
            "description": measure.description,
            "measure_type": measure.measure_type_id,
            "budget": measure.budget_ore,
            "target_group": measure.target_group,
            "needs": [n.pk for n in measure.needs.all()],
        }
        if measure
        else {}
    )
    form = PlanMeasureForm(request.POST or None, areas=areas, needs=needs, initial=initial)
    form.fields["measure_type"].queryset = _measure_types(actor)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.plan_measure_save(
                actor=actor,
                plan=plan,
                measure=measure,
                data=services.MeasureInput(
                    area_id=d["area"],
                    title=d["title"],
                    description=d["description"],
                    measure_type_id=d["measure_type"].pk if d["measure_type"] else None,
                    budget_ore=d["budget"] or 0,
                    target_group=d["target_group"],
                    need_ids=d["needs"],
                ),
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Insatsen är sparad."))
            return redirect("planning:plan", pk=plan.pk)
    return render(
        request,
        "planning/plan_item_form.html",
        {
            "plan": plan,
            "form": form,
            "title": _("Ändra planerad insats") if measure else _("Ny planerad insats"),
            "item": measure,
            "remove_url": reverse("planning:plan_measure_remove", args=[plan.pk, measure.pk])
            if measure
            else "",
            "no_areas": not areas,
        },
    )


@require_POST
@actor_view("coordinator", "org_admin")
def plan_measure_remove_view(request, actor: Actor, pk: int, measure_id: int):
    plan = _plan_or_404(actor, pk)
    measure = PlannedMeasure.objects.filter(plan=plan, pk=measure_id).first()
    if measure is None:
        raise Http404
    try:
        services.plan_measure_remove(actor=actor, plan=plan, measure=measure)
        messages.success(request, _("Insatsen är borttagen."))
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect("planning:plan", pk=plan.pk)


@require_POST
@actor_view("coordinator", "decision_maker", "union_rep")
def plan_approve_view(request, actor: Actor, pk: int):
    plan = _plan_or_404(actor, pk)
    raw = request.POST.get("party", "")
    union = None
    if raw:
        union = (
            Union.objects.filter(organisation=actor.organisation, pk=raw).first()
            if raw.isdigit()
            else None
        )
        if union is None:
            raise Http404
    try:
        plan = services.plan_approve(actor=actor, plan=plan, union=union)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        if plan.is_draft:
            messages.success(request, _("Ert godkännande är registrerat."))
        else:
            messages.success(request, _("Alla parter har godkänt. Planen gäller nu."))
    return redirect("planning:plan", pk=plan.pk)


@require_POST
@actor_view("coordinator", "org_admin")
def plan_new_version_view(request, actor: Actor, pk: int):
    plan = _plan_or_404(actor, pk)
    try:
        new = services.plan_new_version(actor=actor, plan=plan)
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("planning:plan", pk=plan.pk)
    messages.success(
        request,
        _(
            "Ett utkast till version %(v)d är skapat. Den godkända versionen gäller tills parterna "
            "har godkänt den nya."
        )
        % {"v": new.version},
    )
    return redirect("planning:plan", pk=new.pk)


@actor_view(*PLAN_PARTIES)
def plan_actual_view(request, actor: Actor, pk: int):
    plan = _plan_or_404(actor, pk)
    return render(
        request,
        "planning/plan_actual.html",
        {"plan": plan, "actual": selectors.plan_vs_actual(plan=plan)},
    )


@actor_view(*PLAN_PARTIES)
def plan_actual_xlsx_view(request, actor: Actor, pk: int):
    from lom.planning.exports import plan_actual_xlsx

    plan = _plan_or_404(actor, pk)
    data = plan_actual_xlsx(selectors.plan_vs_actual(plan=plan, case_limit=10_000))
    response = HttpResponse(
        data,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="plan-{plan.pk}-utfall.xlsx"'
    return response
