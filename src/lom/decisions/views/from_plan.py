"""Workshop proposals turned into a draft application or an application round. The pages sit
under the workshop's address (/planning/workshops/<pk>/...), registered by `from_plan_urls`."""

from datetime import timedelta

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lom.common.errors import DomainError
from lom.common.parity import api_counterpart
from lom.common.web import actor_view, form_status, run_form
from lom.decisions import selectors, services
from lom.decisions.forms import RoundFromProposalsForm
from lom.organisations.access import Actor
from lom.planning.models import Workshop
from lom.planning.permissions import can_convert_proposal
from lom.planning.selectors import workshop_get


def _workshop_or_404(actor: Actor, pk: int) -> Workshop:
    ws = workshop_get(actor=actor, pk=pk)
    if ws is None:
        raise Http404
    return ws


@api_counterpart("POST /decisions/proposals/{proposal_id}/case")
@require_POST
@actor_view()
def proposal_to_case_view(request, actor: Actor, pk: int, proposal_id: int):
    ws = _workshop_or_404(actor, pk)
    proposal = selectors.proposal_get(workshop=ws, pk=proposal_id)
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


@api_counterpart("POST /decisions/workshops/{workshop_id}/round")
@actor_view("coordinator")
def proposals_round_view(request, actor: Actor, pk: int):
    ws = _workshop_or_404(actor, pk)
    verdict = can_convert_proposal(actor, ws)
    if not verdict:
        messages.error(request, verdict.reason)
        return redirect("planning:workshop_result", pk=ws.pk)
    proposals = selectors.proposals_without_round(workshop=ws)
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
    done = run_form(
        request,
        form,
        lambda d: services.proposals_to_round(
            actor=actor,
            workshop=ws,
            proposals=[p for p in proposals if p.pk in set(d["proposals"])],
            title=d["title"],
            opens_on=d["opens_on"],
            closes_on=d["closes_on"],
            period=d["period"],
            budget_ore=d["budget"],
        ),
        success=lambda rnd: reverse("decisions:round", args=[rnd.pk]),
        message=_("Ansökningsomgången är utlyst."),
    )
    if done is not None:
        return done
    return render(
        request, "planning/round_form.html", {"ws": ws, "form": form}, status=form_status(request)
    )
