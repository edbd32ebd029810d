"""Application rounds for development projects: the list, the round, scoring, the joint
decision, and joining a draft to an open round."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.backends.utils import csrf_input
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lom.cases.models import Case, Status
from lom.cases.selectors import case_get_for_actor
from lom.common.errors import DomainError
from lom.common.money import MoneyParseError, parse_kronor
from lom.common.parity import api_counterpart
from lom.common.validation import id_or_none
from lom.common.web import actor_view, form_status, run_form
from lom.decisions import selectors, services
from lom.decisions.forms import (
    RoundAgendaForm,
    RoundForm,
    ScoreForm,
)
from lom.decisions.models import ApplicationRound, Meeting
from lom.decisions.permissions import can_assess, can_manage_meetings
from lom.decisions.views._common import _error
from lom.decisions.views.matrix_html import matrix_body
from lom.organisations.access import Actor


@api_counterpart(
    "GET /decisions/rounds",
    "POST /decisions/rounds",
)
@actor_view()
def rounds_view(request, actor: Actor):
    form = None
    if can_manage_meetings(actor):
        form = RoundForm(
            request.POST or None,
            organisation=actor.organisation,
            assessor_choices=selectors.assessor_choices(actor=actor),
        )
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
                assessor_ids=d["assessors"],
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


def _round_or_404(actor: Actor, pk: int) -> ApplicationRound:
    rnd = selectors.round_get(actor=actor, pk=pk)
    if rnd is None:
        raise Http404
    return rnd


def _reads_matrix(actor: Actor) -> bool:
    return bool(can_assess(actor)) or actor.has("auditor")


def _planned_meetings(actor: Actor) -> list[Meeting]:
    return list(
        selectors.meetings_for(actor=actor)
        .filter(status=Meeting.Status.PLANNED)
        .order_by("starts_at")[:50]
    )


@api_counterpart("GET /decisions/rounds/{round_id}")
@actor_view()
def round_view(request, actor: Actor, pk: int):
    rnd = _round_or_404(actor, pk)
    matrix = selectors.round_matrix(actor=actor, rnd=rnd) if _reads_matrix(actor) else None
    manage = bool(can_manage_meetings(actor))
    decidable = [r for r in matrix.rows if r.case.status == Status.IN_REVIEW] if matrix else []
    return render(
        request,
        "decisions/round.html",
        {
            "round": rnd,
            "matrix": matrix,
            "assessor": bool(can_assess(actor)),
            "criteria": list(rnd.criteria.all()),
            "decidable": decidable,
            "submitted": sum(1 for r in matrix.rows if r.case.status == Status.SUBMITTED)
            if matrix
            else 0,
            "manage": manage,
            "agenda_form": RoundAgendaForm(meetings=_planned_meetings(actor)) if manage else None,
        },
    )


@api_counterpart("GET /decisions/rounds/{round_id}/matrix")
@actor_view("coordinator", "decision_maker", "union_rep", "auditor")
def round_matrix_view(request, actor: Actor, pk: int):
    rnd = _round_or_404(actor, pk)
    return _render_matrix(request, actor, rnd)


def _render_matrix(
    request: HttpRequest,
    actor: Actor,
    rnd: ApplicationRound,
    *,
    typed: dict[int, dict[int, str]] | None = None,
    error: DomainError | None = None,
    error_case: int | None = None,
) -> HttpResponse:
    matrix = selectors.round_matrix(actor=actor, rnd=rnd)
    body = matrix_body(
        matrix,
        csrf_input=str(csrf_input(request)),
        typed=typed or {},
        error_case=error_case,
        error_message=str(error.message) if error is not None else "",
    )
    error_field = ""
    if error is not None and error_case is not None:
        cid = (error.field or "").removeprefix("scores.")
        error_field = f"cell-{error_case}-{cid}" if cid.isdigit() else f"row-{error_case}"
    return render(
        request,
        "decisions/round_matrix.html",
        {
            "round": rnd,
            "matrix": matrix,
            "body": body,
            "error": error,
            "error_case": error_case,
            "error_field": error_field,
        },
        status=400 if error is not None else 200,
    )


def _row_scores(request: HttpRequest, criteria: list[int]) -> dict[int, str]:
    """The typed cells of one row: `s-<criterion id>` → the text as typed (only the cells sent)."""
    return {
        cid: request.POST.get(f"s-{cid}", "").strip()
        for cid in criteria
        if f"s-{cid}" in request.POST
    }


def _parse_scores(typed: dict[int, str]) -> dict[int, int | None]:
    parsed: dict[int, int | None] = {}
    for cid, raw in typed.items():
        if raw == "":
            parsed[cid] = None
        elif (score := id_or_none(raw, digits=3)) is not None:
            parsed[cid] = score
        else:
            raise DomainError(_("Ange poängen som ett heltal."), field=f"scores.{cid}")
    return parsed


@api_counterpart("PUT /decisions/rounds/{round_id}/matrix/{case_id}")
@require_POST
@actor_view("coordinator", "decision_maker", "union_rep")
def score_row_view(request, actor: Actor, pk: int, case_id: int):
    """Save the assessor's scores of one row (the no-JS form) or of one cell (the matrix's
    script, which asks for JSON). A refused row is shown again with what was typed."""
    rnd = _round_or_404(actor, pk)
    case = selectors.round_case_get(rnd=rnd, pk=case_id)
    if case is None:
        raise Http404
    typed = _row_scores(request, [c.pk for c in rnd.criteria.all()])
    wants_json = request.headers.get("X-Requested-With") == "fetch"
    try:
        changed = services.scores_save_row(
            actor=actor, rnd=rnd, case=case, scores=_parse_scores(typed)
        )
    except DomainError as exc:
        if wants_json:
            return JsonResponse({"field": exc.field or "", "message": str(exc.message)}, status=400)
        return _render_matrix(
            request, actor, rnd, typed={case.pk: typed}, error=exc, error_case=case.pk
        )
    if wants_json:
        return JsonResponse({"changed": changed, "message": str(_("Sparat"))})
    messages.success(
        request, _("Dina poäng för %(n)s är sparade.") % {"n": case.number or case.title}
    )
    return redirect(reverse("decisions:round_matrix", args=[rnd.pk]) + f"#row-{case.pk}")


@api_counterpart("PUT /decisions/rounds/{round_id}/scores/{case_id}")
@require_POST
@actor_view("coordinator", "decision_maker", "union_rep")
def score_view(request, actor: Actor, pk: int, case_id: int):
    rnd = _round_or_404(actor, pk)
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


@api_counterpart("POST /decisions/rounds/{round_id}/start-review")
@require_POST
@actor_view("coordinator")
def round_start_review_view(request, actor: Actor, pk: int):
    rnd = _round_or_404(actor, pk)
    try:
        n = services.round_start_review(actor=actor, rnd=rnd)
        messages.success(
            request, _("Handläggningen har påbörjats för %(n)d ansökningar.") % {"n": n}
        )
    except DomainError as exc:
        _error(request, exc)
    return redirect("decisions:round", pk=rnd.pk)


@api_counterpart("POST /decisions/rounds/{round_id}/agenda")
@require_POST
@actor_view("coordinator")
def round_agenda_view(request, actor: Actor, pk: int):
    rnd = _round_or_404(actor, pk)
    meetings = _planned_meetings(actor)
    form = RoundAgendaForm(request.POST, meetings=meetings)
    if not form.is_valid():
        messages.error(request, _("Välj ett planerat sammanträde."))
        return redirect("decisions:round", pk=rnd.pk)
    meeting = next(m for m in meetings if m.pk == form.cleaned_data["meeting"])
    try:
        n = services.round_to_agenda(actor=actor, rnd=rnd, meeting=meeting)
        messages.success(
            request,
            _("%(n)d ansökningar är uppsatta på dagordningen till %(m)s.")
            % {"n": n, "m": meeting.title},
        )
    except DomainError as exc:
        _error(request, exc)
    return redirect("decisions:round", pk=rnd.pk)


@api_counterpart("POST /decisions/rounds/{round_id}/decision")
@require_POST
@actor_view("coordinator")
def round_decide_view(request, actor: Actor, pk: int):
    rnd = _round_or_404(actor, pk)
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
