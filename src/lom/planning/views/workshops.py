"""Workshops around the board: the overview, creating and inviting, the result and its PDF, new
versions. (Proposals turned into applications or a round: lom.decisions.views.from_plan.)"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lom.common.errors import DomainError
from lom.common.parity import api_counterpart
from lom.common.sealed import sealed_document_response
from lom.common.web import actor_view, form_status, run_form
from lom.organisations.access import Actor
from lom.planning import selectors, services
from lom.planning.documents import render_workshop_pdf
from lom.planning.forms import (
    InviteForm,
    WorkshopForm,
)
from lom.planning.permissions import (
    can_create_workshop,
    can_facilitate,
    can_manage_plans,
    is_facilitator,
)
from lom.planning.views._common import WS, _workshop_or_404, run_action
from lom.planning.views.board import STEP_MINUTES


@api_counterpart("GET /planning/workshops", "GET /planning/plans", "GET /planning/plans/current")
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


@api_counterpart("GET /planning/workshops")
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


@api_counterpart("POST /planning/workshops")
@actor_view("coordinator", "org_admin")
def workshop_create_view(request, actor: Actor):
    people = selectors.users_for_invitation(actor=actor)
    form = WorkshopForm(
        request.POST or None, people=people, initial={"held_on": timezone.localdate()}
    )
    done = run_form(
        request,
        form,
        lambda d: services.workshop_create(
            actor=actor,
            title=d["title"],
            held_on=d["held_on"],
            place=d["place"],
            participant_ids=d["participants"],
            usernames=d["usernames"],
        ),
        success=lambda ws: reverse("planning:workshop", args=[ws.pk]),
        message=_("Workshoppen är skapad och deltagarna inbjudna."),
    )
    if done is not None:
        return done
    return render(
        request, "planning/workshop_form.html", {"form": form}, status=form_status(request)
    )


@api_counterpart(f"GET {WS}", f"POST {WS}/participants")
@actor_view()
def workshop_participants_view(request, actor: Actor, pk: int):
    ws = _workshop_or_404(actor, pk)
    form = None
    if can_facilitate(actor, ws):
        people = selectors.users_for_invitation(actor=actor)
        invited = {p.user_id for p in ws.participants.all()}
        people = [(u, party) for u, party in people if u.pk not in invited]
        form = InviteForm(request.POST or None, people=people)
        done = run_form(
            request,
            form,
            lambda d: services.workshop_invite(
                actor=actor,
                workshop=ws,
                user_ids=d["participants"],
                usernames=d["usernames"],
                facilitator=d["facilitator"],
            ),
            success=reverse("planning:workshop_participants", args=[ws.pk]),
            message=lambda n: _("%(n)d deltagare inbjudna.") % {"n": n},
        )
        if done is not None:
            return done
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
        status=form_status(request),
    )


@api_counterpart(f"DELETE {WS}/participants/{{participant_id}}")
@require_POST
@actor_view()
def workshop_uninvite_view(request, actor: Actor, pk: int, participant_id: int):
    ws = _workshop_or_404(actor, pk)
    participant = selectors.workshop_participant(workshop=ws, pk=participant_id)
    if participant is None:
        raise Http404
    run_action(
        request,
        lambda: services.workshop_remove_participant(
            actor=actor, workshop=ws, participant=participant
        ),
        message=_("Deltagaren är borttagen."),
    )
    return redirect("planning:workshop_participants", pk=ws.pk)


@api_counterpart(f"POST {WS}/new-version")
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


@api_counterpart(f"GET {WS}/result")
@actor_view()
def workshop_result_view(request, actor: Actor, pk: int):
    ws = _workshop_or_404(actor, pk)
    board = selectors.workshop_board(workshop=ws)
    return render(
        request,
        "planning/workshop_result.html",
        {
            "ws": ws,
            "board": board,
            "facilitator": is_facilitator(actor, ws),
            "actor": actor,
            "newer": ws.next_versions.order_by("version").first(),
        },
    )


@api_counterpart(f"GET {WS}/result.pdf")
@actor_view()
def workshop_pdf_view(request, actor: Actor, pk: int):
    ws = _workshop_or_404(actor, pk)
    return sealed_document_response(
        ws,
        filename=f"workshop-{ws.pk}-v{ws.version}.pdf",
        preview=lambda: render_workshop_pdf(ws),  # only the locked result is kept
    )
