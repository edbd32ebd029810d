"""Fund-mode pages of a claim: claim, read, handle."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lom.common.errors import DomainError
from lom.common.web import actor_view, add_domain_error
from lom.fundmode import services
from lom.fundmode.forms import ClaimForm, ReturnForm, costs_from, groups_from
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
    row_errors_to_summary,
)
from lom.organisations.access import Actor


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
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        d = form.cleaned_data
        try:
            claim = services.claim_submit(
                actor=actor,
                notification=n,
                costs=costs_from(d),
                internal_salary_ore=d.get("internal_salary") or 0,
                participants=groups_from(formset),
                invoices=form.invoices(),
                is_final=d.get("is_final", True),
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Rekvisitionen är skickad till fonden."))
            return redirect("fundmode:claim", pk=claim.pk)
    if request.method == "POST":
        row_errors_to_summary(form, formset)
    return render(
        request,
        "fundmode/claim_form.html",
        {"n": n, "form": form, "formset": formset, "left": claimable_left(notification=n)},
    )


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


@require_POST
@actor_view()
def claim_handle_view(request, actor: Actor, pk: int):
    claim = claim_get(actor=actor, pk=pk)
    if claim is None or not can_assess(actor):
        raise Http404
    try:
        if request.POST.get("action") == "return":
            form = ReturnForm(request.POST)
            reason = form.data.get("reason", "")
            services.claim_return(actor=actor, claim=claim, reason=reason)
            messages.success(request, _("Rekvisitionen är återsänd till arbetsgivaren."))
        else:
            services.claim_pay(actor=actor, claim=claim)
            messages.success(
                request, _("Rekvisitionen är betald; det som inte rekvirerats återgår till potten.")
            )
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect("fundmode:claim", pk=claim.pk)
