"""Application rounds for development projects: the list, the call, the round with its
applications and scores (for assessors and auditors, as the page shows them), scoring, the
joint decision, and joining a draft to an open round."""

from datetime import date

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from lom.cases.selectors import case_get_for_actor
from lom.common.bounds import COMMENT_MAX, MAX_AMOUNT_ORE, NAME_MAX, TEXT_MAX
from lom.common.errors import DomainError, PermissionDeniedError
from lom.common.pagination import keyset_page
from lom.common.schemas import DEFAULT_LIMIT, Cursor, Day, Id, Limit, Page
from lom.decisions import selectors, services
from lom.decisions.api._common import (
    REFUSALS,
    CaseRefOut,
    RoundStatus,
    actor_of,
    case_ref,
    named_as_in_api,
)
from lom.decisions.models import MAX_CRITERIA, MAX_SCORE, ApplicationRound, Score
from lom.decisions.permissions import can_assess, can_manage_meetings
from lom.decisions.selectors.rounds import CellScore, MatrixCell, MatrixRow, RoundMatrix
from lom.funds.models import FundPeriod
from lom.funds.selectors import fund_period_get
from lom.organisations.access import Actor

router = Router(tags=["decisions"])

# The most applications one joint decision of a round covers.
MAX_ROUND_CASES = 500
# The most assessors a round names.
MAX_ASSESSORS = 50


class RoundListOut(Schema):
    id: int
    title: str
    opens_on: date
    closes_on: date
    budget_ore: int
    period_id: int
    period: str
    status: RoundStatus
    case_count: int


class CriterionOut(Schema):
    id: int
    name: str
    max_score: int


class ScoreOut(Schema):
    id: int
    case_id: int
    criterion_id: int
    assessor_id: int
    assessor: str
    score: int
    comment: str


class CellOut(Schema):
    """One criterion of one application: the mean over the assessors and each score."""

    criterion_id: int
    mean: float | None
    scores: list[ScoreOut]


class ApplicationOut(Schema):
    case: CaseRefOut
    cells: list[CellOut]
    # The sum of the criteria's means; null until the scores are revealed.
    total: float | None


class RoundOut(RoundListOut):
    call_text: str
    criteria: list[CriterionOut]
    # Assessors and auditors see the applications and their scores; others see the call.
    # Until every assessor has scored everything, each sees only their own scores.
    applications: list[ApplicationOut]
    revealed: bool
    assessor: bool
    manage: bool
    assessor_ids: list[int]


class AssessorProgressOut(Schema):
    assessor_id: int
    assessor: str
    # Cells scored among the applications under review, of `cells_needed`.
    scored: int


class MatrixCellOut(Schema):
    criterion_id: int
    # The caller's own score.
    mine: int | None
    # Revealed only: the mean, the spread (highest minus lowest) and every assessor's score.
    mean: float | None
    spread: int | None
    scores: list[ScoreOut]


class MatrixRowOut(Schema):
    case: CaseRefOut
    scorable: bool
    cells: list[MatrixCellOut]
    # Revealed only: the total, the rank, the requested amounts summed down the ranking and
    # whether the application fits the budget frame.
    total: float | None
    rank: int | None
    cumulative_ore: int | None
    within_frame: bool


class RoundMatrixOut(Schema):
    """The scoring matrix: applications × criteria, as the caller may see it."""

    round_id: int
    criteria: list[CriterionOut]
    rows: list[MatrixRowOut]
    revealed: bool
    may_score: bool
    cells_needed: int
    assessors: list[AssessorProgressOut]
    within_frame_ore: int


class CellScoreIn(Schema):
    criterion_id: Id
    # null takes the caller's score back.
    score: int | None = Field(None, ge=0, le=MAX_SCORE)


class RowScoresIn(Schema):
    """The caller's own scores of one application: one cell, a row, or part of one."""

    scores: list[CellScoreIn] = Field(min_length=1, max_length=MAX_CRITERIA)


class RowSavedOut(Schema):
    changed: int
    row: MatrixRowOut


class StartedOut(Schema):
    started: int


class RoundAgendaIn(Schema):
    meeting_id: Id


class RoundAgendaAddedOut(Schema):
    added: int


class CriterionIn(Schema):
    name: str = Field(min_length=1, max_length=NAME_MAX)
    max_score: int = Field(5, ge=1, le=MAX_SCORE)


class RoundIn(Schema):
    title: str = Field(min_length=1, max_length=NAME_MAX)
    call_text: str = Field(min_length=1, max_length=TEXT_MAX)
    opens_on: Day
    closes_on: Day
    budget_ore: int = Field(ge=1, le=MAX_AMOUNT_ORE)
    period_id: Id
    criteria: list[CriterionIn] = Field(min_length=1, max_length=MAX_CRITERIA)
    # Who scores; empty: everyone whose role assesses (coordinators, decision makers, union
    # representatives).
    assessor_ids: list[Id] = Field(default_factory=list, max_length=MAX_ASSESSORS)


class ScoreIn(Schema):
    criterion_id: Id
    score: int = Field(ge=0, le=MAX_SCORE)
    comment: str = Field("", max_length=COMMENT_MAX)


class CaseDecisionIn(Schema):
    case_id: Id
    approve: bool
    # The amount granted; null grants the amount applied for.
    amount_ore: int | None = Field(None, ge=0, le=MAX_AMOUNT_ORE)
    # The reason for this application; empty takes the round's common reason.
    reason: str = Field("", max_length=COMMENT_MAX)


class RoundDecisionIn(Schema):
    """The joint decision on every application of the round that is under review."""

    decisions: list[CaseDecisionIn] = Field(max_length=MAX_ROUND_CASES)
    reason: str = Field("", max_length=COMMENT_MAX)


class RoundJoinIn(Schema):
    round_id: Id


class RoundJoinOut(Schema):
    case_id: int
    round_id: int


def _row(r: ApplicationRound) -> dict:
    return {
        "id": r.pk,
        "title": r.title,
        "opens_on": r.opens_on,
        "closes_on": r.closes_on,
        "budget_ore": r.budget_ore,
        "period_id": r.period_id,
        "period": r.period.name,
        "status": r.status,
        "case_count": getattr(r, "case_count", 0),
    }


def _round(actor: Actor, round_id: int) -> ApplicationRound:
    rnd = selectors.round_get(actor=actor, pk=round_id)
    if rnd is None:
        raise Http404
    return rnd


def period_of(actor: Actor, period_id: int) -> FundPeriod:
    period = fund_period_get(organisation=actor.organisation, pk=period_id)
    if period is None:
        raise DomainError(_("Fondperioden finns inte i organisationen."), field="period_id")
    return period


def _reads_matrix(actor: Actor) -> bool:
    return bool(can_assess(actor)) or actor.has("auditor")


def round_out(actor: Actor, round_id: int) -> RoundOut:
    rnd = _round(actor, round_id)
    matrix = selectors.round_matrix(actor=actor, rnd=rnd) if _reads_matrix(actor) else None
    rows = matrix.rows if matrix is not None else []
    return RoundOut(
        **_row(rnd),
        call_text=rnd.call_text,
        criteria=[
            CriterionOut(id=c.pk, name=c.name, max_score=c.max_score) for c in rnd.criteria.all()
        ],
        applications=[
            ApplicationOut(
                case=case_ref(row.case),
                cells=[
                    CellOut(
                        criterion_id=cell.criterion.pk,
                        mean=cell.mean,
                        scores=[_score_out(s) for s in _visible_scores(matrix, cell)],
                    )
                    for cell in row.cells
                ],
                total=row.total,
            )
            for row in rows
            if matrix is not None
        ],
        revealed=bool(matrix and matrix.revealed),
        assessor=bool(can_assess(actor)),
        manage=bool(can_manage_meetings(actor)),
        assessor_ids=[a.pk for a in rnd.assessors.all()],
    )


def _visible_scores(matrix: RoundMatrix, cell: MatrixCell) -> list[CellScore]:
    """All scores when revealed; until then only the caller's own (with its comment)."""
    if matrix.revealed:
        return cell.scores
    return [cell.own] if cell.own is not None else []


def _matrix_row_out(actor: Actor, matrix: RoundMatrix, row: MatrixRow) -> MatrixRowOut:
    return MatrixRowOut(
        case=case_ref(row.case),
        scorable=row.scorable,
        cells=[
            MatrixCellOut(
                criterion_id=cell.criterion.pk,
                mine=cell.mine,
                mean=cell.mean,
                spread=cell.spread,
                scores=[_score_out(s) for s in _visible_scores(matrix, cell)],
            )
            for cell in row.cells
        ],
        total=row.total,
        rank=row.rank,
        cumulative_ore=row.cumulative_ore,
        within_frame=row.within_frame,
    )


def matrix_out(actor: Actor, rnd: ApplicationRound) -> RoundMatrixOut:
    matrix = selectors.round_matrix(actor=actor, rnd=rnd)
    return RoundMatrixOut(
        round_id=rnd.pk,
        criteria=[
            CriterionOut(id=c.pk, name=c.name, max_score=c.max_score) for c in matrix.criteria
        ],
        rows=[_matrix_row_out(actor, matrix, row) for row in matrix.rows],
        revealed=matrix.revealed,
        may_score=matrix.may_score,
        cells_needed=matrix.cells_needed,
        assessors=[
            AssessorProgressOut(assessor_id=a.pk, assessor=str(a), scored=n)
            for a, n in matrix.assessor_progress
        ],
        within_frame_ore=matrix.within_frame_ore,
    )


def _score_out(s: Score | CellScore) -> ScoreOut:
    return ScoreOut(
        id=s.pk,
        case_id=s.case_id,
        criterion_id=s.criterion_id,
        assessor_id=s.assessor_id,
        assessor=str(s.assessor),
        score=s.score,
        comment=s.comment,
    )


@router.get("/rounds", response=Page[RoundListOut], summary="List the application rounds")
def list_rounds(
    request: HttpRequest, cursor: Cursor | None = None, limit: Limit = DEFAULT_LIMIT
) -> Page[RoundListOut]:
    actor = actor_of(request)
    rows, nxt = keyset_page(
        selectors.rounds_for(actor=actor), cursor=cursor, limit=limit, order=("-opens_on", "-id")
    )
    return Page[RoundListOut](items=[RoundListOut(**_row(r)) for r in rows], next_cursor=nxt)


@router.post(
    "/rounds", response={201: RoundOut, **REFUSALS}, summary="Announce an application round"
)
def create_round(request: HttpRequest, payload: RoundIn) -> Status:
    actor = actor_of(request)
    with named_as_in_api():
        rnd = services.round_create(
            actor=actor,
            title=payload.title,
            call_text=payload.call_text,
            opens_on=payload.opens_on,
            closes_on=payload.closes_on,
            budget_ore=payload.budget_ore,
            period=period_of(actor, payload.period_id),
            criteria=[(c.name, c.max_score) for c in payload.criteria],
            assessor_ids=list(payload.assessor_ids),
        )
    return Status(201, round_out(actor, rnd.pk))


@router.get(
    "/rounds/{round_id}",
    response=RoundOut,
    summary="A round: the call, criteria, applications and scores",
)
def get_round(request: HttpRequest, round_id: Id) -> RoundOut:
    return round_out(actor_of(request), round_id)


@router.put(
    "/rounds/{round_id}/scores/{case_id}",
    response={200: ScoreOut, **REFUSALS},
    summary="Score an application of the round on one criterion (the caller's own score)",
)
def score_application(
    request: HttpRequest, round_id: Id, case_id: Id, payload: ScoreIn
) -> ScoreOut:
    actor = actor_of(request)
    rnd = _round(actor, round_id)
    case = case_get_for_actor(actor=actor, pk=case_id)
    criterion = selectors.criterion_get(rnd=rnd, pk=payload.criterion_id)
    if criterion is None:
        raise Http404
    row = services.score_record(
        actor=actor,
        case=case,
        criterion=criterion,
        score=payload.score,
        comment=payload.comment,
    )
    return _score_out(row)


@router.get(
    "/rounds/{round_id}/matrix",
    response=RoundMatrixOut,
    summary="The scoring matrix: applications × criteria, blind until every assessor is done",
)
def get_round_matrix(request: HttpRequest, round_id: Id) -> RoundMatrixOut:
    actor = actor_of(request)
    if not _reads_matrix(actor):
        raise PermissionDeniedError(_("Din roll har inte tillgång till bedömningsmatrisen."))
    return matrix_out(actor, _round(actor, round_id))


@router.put(
    "/rounds/{round_id}/matrix/{case_id}",
    response={200: RowSavedOut, **REFUSALS},
    summary="Save the caller's own scores of one application (a cell or a row of the matrix)",
)
def save_matrix_row(
    request: HttpRequest, round_id: Id, case_id: Id, payload: RowScoresIn
) -> RowSavedOut:
    actor = actor_of(request)
    rnd = _round(actor, round_id)
    case = selectors.round_case_get(rnd=rnd, pk=case_id)
    if case is None:
        raise Http404
    scores: dict[int, int | None] = {c.criterion_id: c.score for c in payload.scores}
    with named_as_in_api():
        changed = services.scores_save_row(actor=actor, rnd=rnd, case=case, scores=scores)
    matrix = selectors.round_matrix(actor=actor, rnd=rnd)
    row = next(r for r in matrix.rows if r.case.pk == case.pk)
    return RowSavedOut(changed=changed, row=_matrix_row_out(actor, matrix, row))


@router.post(
    "/rounds/{round_id}/start-review",
    response={200: StartedOut, **REFUSALS},
    summary="Start the review of every submitted application of the round",
)
def start_round_review(request: HttpRequest, round_id: Id) -> StartedOut:
    actor = actor_of(request)
    rnd = _round(actor, round_id)
    return StartedOut(started=services.round_start_review(actor=actor, rnd=rnd))


@router.post(
    "/rounds/{round_id}/agenda",
    response={200: RoundAgendaAddedOut, **REFUSALS},
    summary="Put every application of the round under review on a planned meeting's agenda",
)
def round_to_agenda(
    request: HttpRequest, round_id: Id, payload: RoundAgendaIn
) -> RoundAgendaAddedOut:
    actor = actor_of(request)
    rnd = _round(actor, round_id)
    meeting = selectors.meeting_get(actor=actor, pk=payload.meeting_id)
    if meeting is None:
        raise DomainError(_("Sammanträdet finns inte i organisationen."), field="meeting_id")
    with named_as_in_api():
        added = services.round_to_agenda(actor=actor, rnd=rnd, meeting=meeting)
    return RoundAgendaAddedOut(added=added)


@router.post(
    "/rounds/{round_id}/decision",
    response={200: RoundOut, **REFUSALS},
    summary="The joint decision on every application of the round under review",
)
def decide_round(request: HttpRequest, round_id: Id, payload: RoundDecisionIn) -> RoundOut:
    actor = actor_of(request)
    rnd = _round(actor, round_id)
    decisions = [
        services.RoundDecision(d.case_id, d.approve, d.amount_ore, d.reason or payload.reason)
        for d in payload.decisions
    ]
    with named_as_in_api():
        services.round_decide(actor=actor, rnd=rnd, decisions=decisions)
    return round_out(actor, rnd.pk)


@router.post(
    "/rounds/join/{case_id}",
    response={200: RoundJoinOut, **REFUSALS},
    summary="Place a development-project draft in an open round",
)
def join_round(request: HttpRequest, case_id: Id, payload: RoundJoinIn) -> RoundJoinOut:
    actor = actor_of(request)
    case = case_get_for_actor(actor=actor, pk=case_id)
    rnd = _round(actor, payload.round_id)
    services.round_join(actor=actor, rnd=rnd, case=case)
    return RoundJoinOut(case_id=case.pk, round_id=rnd.pk)
