"""Application rounds for development projects: the list, the round, scoring, the joint
decision, and joining a draft to an open round."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lom.cases.models import Case, Status
from lom.cases.selectors import case_get_for_actor
from lom.common.errors import DomainError
from lom.common.money import MoneyParseError, parse_kronor
from lom.common.parity import api_counterpart
from lom.common.web import actor_view, form_status, run_form
from lom.decisions import selectors, services
from lom.decisions.forms import (
    RoundForm,
    ScoreForm,
)
from lom.decisions.permissions import can_assess, can_manage_meetings
from lom.decisions.views._common import _error
from lom.organisations.access import Actor


@api_counterpart(
    "GET /decisions/rounds",
    "POST /decisions/rounds",
)
@actor_view()
def rounds_view(request, actor: Actor):
    form = None
    if can_manage_meetings(actor):
        form = RoundForm(request.POST or None, organisation=actor.organisation)
        done = run_form(
            request,
            form,
            lambda d: services.round_create(
                actor=actor,
                title=d["title"],
                call_text=d["call_text"],
                opens_on=d["opens_on"],
                closes_on=d["closes_on"],
                budget_ore=d["budget"],
                period=d["period"],
                criteria=d["criteria"],
            ),
            success=lambda rnd: reverse("decisions:round", args=[rnd.pk]),
            message=_("Ansökningsomgången är utlyst."),
        )
        if done is not None:
            return done
    rounds = list(selectors.rounds_for(actor=actor)[:50])
    return render(
        request,
        "decisions/rounds.html",
        {"rounds": rounds, "form": form, "today": timezone.localdate()},
        status=form_status(request),
    )


@api_counterpart("GET /decisions/rounds/{round_id}")
@actor_view()
def round_view(request, actor: Actor, pk: int):
    rnd = selectors.round_get(actor=actor, pk=pk)
    if rnd is None:
        raise Http404
    assessor = bool(can_assess(actor))
    matrix = selectors.round_matrix(rnd=rnd) if assessor or actor.has("auditor") else []
    decidable = [r for r in matrix if r["case"].status == Status.IN_REVIEW]
    return render(
        request,
        "decisions/round.html",
        {
            "round": rnd,
            "matrix": matrix,
            "assessor": assessor,
            "criteria": list(rnd.criteria.all()),
            "decidable": decidable,
            "manage": bool(can_manage_meetings(actor)),
            "user_id": actor.user.pk,
        },
    )


@api_counterpart("PUT /decisions/rounds/{round_id}/scores/{case_id}")
@require_POST
@actor_view("coordinator", "decision_maker", "union_rep")
def score_view(request, actor: Actor, pk: int, case_id: int):
    rnd = selectors.round_get(actor=actor, pk=pk)
    if rnd is None:
        raise Http404
    case = case_get_for_actor(actor=actor, pk=case_id)
    form = ScoreForm(request.POST)
    if form.is_valid():
        criterion = selectors.criterion_get(rnd=rnd, pk=form.cleaned_data["criterion"])
        if criterion is None:
            raise Http404
        try:
            services.score_record(
                actor=actor,
                case=case,
                criterion=criterion,
                score=form.cleaned_data["score"],
                comment=form.cleaned_data["comment"],
            )
            messages.success(request, _("Bedömningen är sparad."))
        except DomainError as exc:
            _error(request, exc)
    else:
        messages.error(request, _("Ange poäng som ett heltal."))
    return redirect("decisions:round", pk=rnd.pk)


@api_counterpart("POST /decisions/rounds/{round_id}/decision")
@require_POST
@actor_view("coordinator")
def round_decide_view(request, actor: Actor, pk: int):
    rnd = selectors.round_get(actor=actor, pk=pk)
    if rnd is None:
        raise Http404
    decisions = []
    try:
        for case in rnd.cases.filter(status=Status.IN_REVIEW):
            approve = request.POST.get(f"c{case.pk}-outcome") == "approve"
            raw = request.POST.get(f"c{case.pk}-amount", "").strip()
            try:
                amount = parse_kronor(raw) if raw else None
            except MoneyParseError as exc:
                raise DomainError(
                    _("Beloppet för %(n)s är inte ett belopp i kronor.") % {"n": case.number}
                ) from exc
            reason = (
                request.POST.get(f"c{case.pk}-reason", "").strip()
                or request.POST.get("reason", "").strip()
            )
            decisions.append(services.RoundDecision(case.pk, approve, amount, reason))
        services.round_decide(actor=actor, rnd=rnd, decisions=decisions)
        messages.success(request, _("Omgången är beslutad."))
    except DomainError as exc:
        _error(request, exc)
    return redirect("decisions:round", pk=rnd.pk)


@api_counterpart("POST /decisions/rounds/join/{case_id}")
@require_POST
@actor_view()
def round_join_view(request, actor: Actor, case_id: int):
    case: Case = case_get_for_actor(actor=actor, pk=case_id)
    try:
        rnd_id = int(request.POST.get("round", ""))
    except ValueError as exc:
        raise Http404 from exc
    rnd = selectors.round_get(actor=actor, pk=rnd_id)
    if rnd is None:
        raise Http404
    try:
        services.round_join(actor=actor, rnd=rnd, case=case)
        messages.success(request, _("Ansökan ingår nu i omgången %(t)s.") % {"t": rnd.title})
    except DomainError as exc:
        _error(request, exc)
    return redirect("cases:detail", pk=case.pk)
