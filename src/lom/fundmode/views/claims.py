"""Fund-mode pages of a claim: claim, read, handle."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lom.common.parity import api_counterpart
from lom.common.web import actor_view, form_status, post_action
from lom.fundmode import services
from lom.fundmode.forms import ClaimForm, ReturnForm, costs_from, groups_from
from lom.fundmode.models import Claim
from lom.fundmode.permissions import can_assess, can_claim
from lom.fundmode.selectors import (
    claim_get,
    claimable_left,
    cost_lines_by_kind,
    occupation_label,
    participant_summary,
)
from lom.fundmode.views.common import (
    notification_or_404,
    participant_formset,
    run_form_with_rows,
)
from lom.organisations.access import Actor


@api_counterpart("POST /fund/notifications/{notification_id}/claims")
@actor_view()
def claim_new_view(request, actor: Actor, pk: int):
    n = notification_or_404(actor, pk)
    verdict = can_claim(actor, n)
    if not verdict:
        messages.error(request, verdict.reason)
        return redirect("fundmode:notification", pk=n.pk)
    form = ClaimForm(
        request.POST or None, request.FILES or None, partial_allowed=n.partial_claims_allowed
    )
    formset = participant_formset(request, n)
    done = run_form_with_rows(
        request,
        form,
        formset,
        lambda d: services.claim_submit(
            actor=actor,
            notification=n,
            costs=costs_from(d),
            internal_salary_ore=d.get("internal_salary") or 0,
            participants=groups_from(formset),
            invoices=form.invoices(),
            is_final=d.get("is_final", True),
            term_start=d.get("term_start"),
            term_end=d.get("term_end"),
        ),
        success=lambda claim: reverse("fundmode:claim", args=[claim.pk]),
        message=_("Rekvisitionen är skickad till fonden."),
    )
    return done or render(
        request,
        "fundmode/claim_form.html",
        {"n": n, "form": form, "formset": formset, "left": claimable_left(notification=n)},
        status=form_status(request),
    )


@api_counterpart("GET /fund/claims/{claim_id}")
@actor_view()
def claim_view(request, actor: Actor, pk: int):
    claim = claim_get(actor=actor, pk=pk)
    if claim is None:
        raise Http404
    n = claim.notification
    return render(
        request,
        "fundmode/claim.html",
        {
            "claim": claim,
            "n": n,
            "cost_lines": cost_lines_by_kind(claim.cost_lines.all()),
            "participants": [
                (occupation_label(g.occupation_code), g) for g in claim.participants.all()
            ],
            "summary": participant_summary(claim.participants.all()),
            "invoices": claim.attachments.all(),
            "left": claimable_left(notification=n),
            "can_handle": bool(can_assess(actor)) and claim.status == claim.Status.SUBMITTED,
            "return_form": ReturnForm(),
        },
    )


def _claim_to_handle(actor: Actor, pk: int) -> Claim:
    claim = claim_get(actor=actor, pk=pk)
    if claim is None or not can_assess(actor):
        raise Http404
    return claim


@api_counterpart("POST /fund/claims/{claim_id}/payment")
@require_POST
@actor_view()
def claim_pay_view(request, actor: Actor, pk: int):
    claim = _claim_to_handle(actor, pk)
    return post_action(
        request,
        lambda: services.claim_pay(actor=actor, claim=claim),
        success=reverse("fundmode:claim", args=[claim.pk]),
        message=_("Rekvisitionen är betald; det som inte rekvirerats återgår till potten."),
    )


@api_counterpart("POST /fund/claims/{claim_id}/return")
@require_POST
@actor_view()
def claim_return_view(request, actor: Actor, pk: int):
    claim = _claim_to_handle(actor, pk)
    form = ReturnForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return post_action(
        request,
        lambda: services.claim_return(actor=actor, claim=claim, reason=reason),
        success=reverse("fundmode:claim", args=[claim.pk]),
        message=_("Rekvisitionen är återsänd till arbetsgivaren."),
    )
