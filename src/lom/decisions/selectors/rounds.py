"""Application rounds, read: who assesses, the scoring matrix (applications × criteria) with the
blind rule, the spread between assessors and the ranking within the budget frame.

The blind rule: until every assessor has scored every application under review on every
criterion, each assessor sees only their own scores (and how far the others have come, as
counts). Then, and once the round is decided, everyone who may read the matrix sees all scores
side by side, the mean, the spread and the ranking."""

from dataclasses import dataclass, field

from django.db.models import Q

from lom.accounts.models import User
from lom.cases.models import Case, Status
from lom.decisions.models import ApplicationRound, Criterion, Score
from lom.decisions.permissions import ASSESSOR_ROLES
from lom.organisations.access import Actor
from lom.organisations.models import Membership

# Statuses whose applications are scored: under review, or waiting for the applicant's view.
SCORED_STATUSES = (Status.IN_REVIEW, Status.AWAITING_APPLICANT)
RANKED_STATUSES = (*SCORED_STATUSES, Status.APPROVED, Status.IN_PROGRESS, Status.COMPLETED)
# A spread (highest minus lowest score) at least this large is marked for discussion.
WIDE_SPREAD = 3


@dataclass(frozen=True, slots=True)
class CellScore:
    """One assessor's score of one cell, read as plain values (a matrix holds thousands)."""

    pk: int
    case_id: int
    criterion_id: int
    assessor_id: int
    assessor: str
    score: int
    comment: str


@dataclass
class MatrixCell:
    criterion: Criterion
    # The reader's own score, when the reader assesses (and the row with its comment).
    mine: int | None = None
    own: CellScore | None = None
    # Every assessor's score: only when the scores are revealed.
    scores: list[CellScore] = field(default_factory=list)
    mean: float | None = None
    # Highest minus lowest score over the assessors (revealed, from two scores).
    spread: int | None = None

    @property
    def wide(self) -> bool:
        return self.spread is not None and self.spread >= WIDE_SPREAD


@dataclass
class MatrixRow:
    case: Case
    cells: list[MatrixCell]
    scorable: bool
    # The sum of the criteria's means (revealed only).
    total: float | None = None
    # 1, 2, … by total (revealed only), and the requested amounts summed down the ranking.
    rank: int | None = None
    cumulative_ore: int | None = None
    within_frame: bool = False

    @property
    def mine_done(self) -> bool:
        return all(c.mine is not None for c in self.cells)


@dataclass
class RoundMatrix:
    round: ApplicationRound
    criteria: list[Criterion]
    rows: list[MatrixRow]
    assessors: list[User]
    # assessor id -> cells scored among the applications to score.
    progress: dict[int, int]
    cells_needed: int
    revealed: bool
    may_score: bool
    # Requested amounts of the applications ranked within the frame.
    within_frame_ore: int = 0

    @property
    def assessors_done(self) -> int:
        return sum(1 for a in self.assessors if self.progress.get(a.pk, 0) >= self.cells_needed)

    @property
    def assessor_progress(self) -> list[tuple[User, int]]:
        return [(a, self.progress.get(a.pk, 0)) for a in self.assessors]

    @property
    def scorable_count(self) -> int:
        return sum(1 for r in self.rows if r.scorable)


def round_assessors(*, rnd: ApplicationRound) -> list[User]:
    """The round's named assessors, or everyone in its organisation whose role assesses.
    One query."""
    named = list(rnd.assessors.all())
    if named:
        return sorted(named, key=lambda u: (u.get_full_name() or u.username).lower())
    return list(
        User.objects.filter(
            pk__in=Membership.objects.filter(
                organisation_id=rnd.organisation_id, role__in=ASSESSOR_ROLES
            ).values("user_id")
        ).order_by("first_name", "last_name", "username")
    )


def assessor_choices(*, actor: Actor) -> list[User]:
    """Who in the actor's organisation may be named an assessor."""
    return list(
        User.objects.filter(
            pk__in=Membership.objects.filter(
                organisation=actor.organisation, role__in=ASSESSOR_ROLES
            ).values("user_id")
        ).order_by("first_name", "last_name", "username")
    )


def _name(first: str, last: str, username: str) -> str:
    return f"{first} {last}".strip() or username


def _is_assessor(actor: Actor, assessors: list[User]) -> bool:
    return any(a.pk == actor.user.pk for a in assessors)


def round_matrix(*, actor: Actor, rnd: ApplicationRound) -> RoundMatrix:
    """The matrix as the actor may see it. A fixed number of queries whatever the size (the
    criteria are prefetched by `round_get`; assessors, applications, scores: three)."""
    criteria = list(rnd.criteria.all())
    assessors = round_assessors(rnd=rnd)
    cases = list(
        rnd.cases.exclude(status__in=[Status.DRAFT, Status.WITHDRAWN])
        .only("id", "number", "title", "status", "requested_ore", "round_id", "organisation_id")
        .order_by("number", "id")
    )
    scorable_ids = {c.pk for c in cases if c.status in SCORED_STATUSES}
    assessor_ids = {a.pk for a in assessors}
    scores = [
        CellScore(pk, case_id, criterion_id, assessor_id, _name(first, last, username), score, c)
        for pk, case_id, criterion_id, assessor_id, first, last, username, score, c in (
            Score.objects.filter(
                Q(case__round=rnd)
                & Q(criterion__round=rnd)
                & Q(case__organisation_id=rnd.organisation_id)
            ).values_list(
                "pk",
                "case_id",
                "criterion_id",
                "assessor_id",
                "assessor__first_name",
                "assessor__last_name",
                "assessor__username",
                "score",
                "comment",
            )
        )
    ]
    progress: dict[int, int] = {}
    for s in scores:
        if s.case_id in scorable_ids and s.assessor_id in assessor_ids:
            progress[s.assessor_id] = progress.get(s.assessor_id, 0) + 1
    cells_needed = len(scorable_ids) * len(criteria)
    decided = rnd.status == ApplicationRound.Status.DECIDED
    everyone_done = (
        cells_needed > 0
        and bool(assessors)
        and all(progress.get(a, 0) >= cells_needed for a in assessor_ids)
    )
    revealed = decided or everyone_done
    may_score = not decided and _is_assessor(actor, assessors) and actor.has(*ASSESSOR_ROLES)

    by_cell: dict[tuple[int, int], list[CellScore]] = {}
    for s in scores:
        by_cell.setdefault((s.case_id, s.criterion_id), []).append(s)
    rows: list[MatrixRow] = []
    for case in cases:
        cells = []
        for cr in criteria:
            all_scores = by_cell.get((case.pk, cr.pk), [])
            own = next((s for s in all_scores if s.assessor_id == actor.user.pk), None)
            cell = MatrixCell(criterion=cr, mine=own.score if own else None, own=own)
            if revealed and all_scores:
                values = [s.score for s in all_scores]
                cell.scores = sorted(all_scores, key=lambda s: str(s.assessor))
                cell.mean = sum(values) / len(values)
                cell.spread = max(values) - min(values) if len(values) > 1 else None
            cells.append(cell)
        row = MatrixRow(case=case, cells=cells, scorable=case.pk in scorable_ids)
        if revealed:
            row.total = round(sum(c.mean or 0 for c in cells), 1)
        rows.append(row)

    matrix = RoundMatrix(
        round=rnd,
        criteria=criteria,
        rows=rows,
        assessors=assessors,
        progress=progress,
        cells_needed=cells_needed,
        revealed=revealed,
        may_score=may_score,
    )
    if revealed:
        _rank(matrix)
    return matrix


def _rank(matrix: RoundMatrix) -> None:
    """Order by total score (ties: the smaller request first, then the case number) and mark
    the applications whose requested amounts, summed down the ranking, fit the budget frame.
    An application that does not fit is skipped and a smaller one further down may still fit."""
    matrix.rows.sort(key=lambda r: (-(r.total or 0), r.case.requested_ore, r.case.number or ""))
    used = 0
    for i, row in enumerate(matrix.rows, start=1):
        row.rank = i
        if row.case.status not in (
            *SCORED_STATUSES,
            Status.APPROVED,
            Status.IN_PROGRESS,
            Status.COMPLETED,
        ):
            continue
        if used + row.case.requested_ore <= matrix.round.budget_ore:
            used += row.case.requested_ore
            row.within_frame = True
        row.cumulative_ore = used
    matrix.within_frame_ore = used


def round_case_get(*, rnd: ApplicationRound, pk: int) -> Case | None:
    """An application of the round (not a draft)."""
    return (
        rnd.cases.exclude(status=Status.DRAFT)
        .filter(pk=pk, organisation_id=rnd.organisation_id)
        .first()
    )


def criteria_by_id(*, rnd: ApplicationRound) -> dict[int, Criterion]:
    return {c.pk: c for c in rnd.criteria.all()}
