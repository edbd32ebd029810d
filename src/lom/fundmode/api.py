"""Fund mode API, mounted at /api/v1/fund by lom.api.api. The same selectors and services as
the pages: an employer reads only its own pot and notifications, the fund all of its members'.
Amounts are öre."""

from datetime import date
from typing import Annotated, Literal

from django.db.models import Sum
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from lom.agreements.models import MeasureType
from lom.common.bounds import COMMENT_MAX, DB_ID_MAX, MAX_AMOUNT_ORE, NAME_MAX
from lom.common.errors import PermissionDeniedError
from lom.common.schemas import ErrorOut
from lom.fundmode import services
from lom.fundmode.models import FundDecision, MeasureNotification
from lom.fundmode.permissions import can_read_as_member, can_read_fund
from lom.fundmode.selectors import (
    PotFigures,
    fund_statistics,
    notification_cost_total,
    notification_get,
    notifications_for,
    pot_figures,
    pot_figures_for,
    pot_get,
    pots_for,
    round_get,
    rounds_for,
)

router = Router(tags=["fundmode"])


class RoundOut(Schema):
    id: int
    fund_id: int
    name: str
    start: date
    end: date
    claim_deadline: date
    total_ore: int
    status: str


class PotOut(Schema):
    id: int
    round_id: int
    member_id: int
    member_name: str
    allocated_ore: int
    pre_notified_ore: int
    notified_ore: int
    approved_ore: int
    claimed_ore: int
    paid_ore: int
    remaining_ore: int
    projected_unused_ore: int | None
    expiry_warning: bool


class ParticipantOut(Schema):
    occupation_code: str
    gender: str
    count: int


class NotificationOut(Schema):
    id: int
    number: str
    round_id: int
    member_id: int
    status: str
    title: str
    estimated_ore: int
    cost_ore: int
    approved_ore: int | None
    partial_claims_allowed: bool
    planned_start: date
    planned_end: date
    provider_kind: str
    provider_name: str
    measure_type_id: int | None
    plan_version: int | None
    plan_approved_on: date | None
    participants: list[ParticipantOut]


Id = Annotated[int, Field(ge=1, le=DB_ID_MAX)]
Comment = Annotated[str, Field(max_length=COMMENT_MAX)]
StatusFilter = Literal[
    "",
    "pre_notified",
    "submitted",
    "more_info",
    "approved",
    "rejected",
    "claimed",
    "paid",
    "withdrawn",
]


class PrenotifyIn(Schema):
    round_id: Id
    title: str = Field(..., min_length=1, max_length=NAME_MAX)
    estimated_ore: int = Field(..., gt=0, le=MAX_AMOUNT_ORE)
    planned_start: date
    planned_end: date
    measure_type_id: Id | None = None


class DecisionIn(Schema):
    outcome: FundDecision.Outcome
    # criterion id -> (met, comment)
    answers: dict[int, tuple[bool, Comment]] = Field(..., max_length=200)
    costs_reasonable: bool
    cost_comment: Comment = ""
    amount_ore: int | None = Field(None, gt=0, le=MAX_AMOUNT_ORE)
    reason: Comment = ""
    partial_claims_allowed: bool = False
    # A re-decision names the approving decision it replaces (required above the notified
    # amount, see services.fund_decide).
    supersedes_id: Id | None = None


class StatRowOut(Schema):
    label: str
    measures: int
    approved_ore: int
    paid_ore: int
    women: int
    men: int
    other: int


class EmployerQuarterOut(StatRowOut):
    employer: str


class OccupationOut(Schema):
    occupation: str
    women: int
    men: int
    other: int


class StatisticsOut(Schema):
    total: StatRowOut
    by_employer: list[StatRowOut]
    by_year: list[StatRowOut]
    by_quarter: list[StatRowOut]
    by_employer_quarter: list[EmployerQuarterOut]
    by_occupation: list[OccupationOut]


def _actor(request):
    actor = request.api_actor
    if not (can_read_fund(actor) or can_read_as_member(actor)):
        raise PermissionDeniedError("Your role may not read fund mode.")
    return actor


def _pot_out(pot, f: PotFigures | None = None) -> dict:
    f = f or pot_figures(pot=pot, today=timezone.localdate())
    return {
        "id": pot.pk,
        "round_id": pot.round_id,
        "member_id": pot.member_id,
        "member_name": pot.member.name,
        "allocated_ore": f.balance.allocated,
        "pre_notified_ore": f.pre_notified,
        "notified_ore": f.notified,
        "approved_ore": f.approved,
        "claimed_ore": f.claimed,
        "paid_ore": f.paid,
        "remaining_ore": f.remaining,
        "projected_unused_ore": f.expiry.projected_unused,
        "expiry_warning": f.expiry.warning,
    }


def _n_out(n: MeasureNotification) -> dict:
    return {
        **{
            k: getattr(n, k)
            for k in (
                "id",
                "number",
                "round_id",
                "member_id",
                "status",
                "title",
                "estimated_ore",
                "approved_ore",
                "partial_claims_allowed",
                "planned_start",
                "planned_end",
                "provider_kind",
                "provider_name",
                "measure_type_id",
                "plan_version",
                "plan_approved_on",
            )
        },
        "cost_ore": (
            n.cost_sum if hasattr(n, "cost_sum") else notification_cost_total(notification=n)
        ),
        "participants": [
            {"occupation_code": g.occupation_code, "gender": g.gender, "count": g.count}
            for g in n.participants.all()
        ],
    }


@router.get("/periods", response={200: list[RoundOut], 403: ErrorOut})
def list_rounds(request):
    return list(rounds_for(actor=_actor(request)))


@router.get("/periods/{round_id}", response={200: RoundOut, 403: ErrorOut, 404: ErrorOut})
def get_round(request, round_id: int):
    r = round_get(actor=_actor(request), pk=round_id)
    if r is None:
        raise Http404
    return r


@router.get("/periods/{round_id}/pots", response={200: list[PotOut], 403: ErrorOut, 404: ErrorOut})
def list_pots(request, round_id: int):
    actor = _actor(request)
    r = round_get(actor=actor, pk=round_id)
    if r is None:
        raise Http404
    pots = list(pots_for(actor=actor, fund_round=r))
    return [_pot_out(f.pot, f) for f in pot_figures_for(pots=pots, today=timezone.localdate())]


@router.get("/pots/{pot_id}", response={200: PotOut, 403: ErrorOut, 404: ErrorOut})
def get_pot(request, pot_id: int):
    pot = pot_get(actor=_actor(request), pk=pot_id)
    if pot is None:
        raise Http404
    return _pot_out(pot)


@router.get(
    "/periods/{round_id}/statistics", response={200: StatisticsOut, 403: ErrorOut, 404: ErrorOut}
)
def statistics(request, round_id: int):
    actor = _actor(request)
    r = round_get(actor=actor, pk=round_id)
    if r is None:
        raise Http404
    if not can_read_fund(actor):
        raise PermissionDeniedError("Only the fund reads statistics.")
    s = fund_statistics(actor=actor, fund_round=r)

    def row(x):
        return {
            "label": x.label,
            "measures": x.measures,
            "approved_ore": x.approved_ore,
            "paid_ore": x.paid_ore,
            "women": x.women,
            "men": x.men,
            "other": x.other,
        }

    return {
        "total": row(s.total),
        "by_employer": [row(x) for x in s.by_employer],
        "by_year": [row(x) for x in s.by_year],
        "by_quarter": [row(x) for x in s.by_quarter],
        "by_employer_quarter": [{"employer": e, **row(x)} for e, x in s.by_employer_quarter],
        "by_occupation": [
            {"occupation": o, "women": f, "men": m, "other": x} for o, f, m, x in s.by_occupation
        ],
    }


@router.get("/notifications", response={200: list[NotificationOut], 403: ErrorOut, 404: ErrorOut})
def list_notifications(
    request, round_id: int = 0, status: StatusFilter = "", limit: int = Query(200, ge=1, le=500)
):
    actor = _actor(request)
    fund_round = None
    if round_id:
        # Resolved through the actor's own periods: an unknown, foreign or out-of-range id is
        # a 404 (filtering on the raw id overflowed the database integer and gave a 500).
        fund_round = round_get(actor=actor, pk=round_id)
        if fund_round is None:
            raise Http404
    qs = (
        notifications_for(actor=actor, fund_round=fund_round, status=status)
        .annotate(cost_sum=Coalesce(Sum("cost_lines__amount_ore"), 0))
        .prefetch_related("participants")
    )
    return [_n_out(n) for n in qs.order_by("-id")[:limit]]


@router.get(
    "/notifications/{notification_id}",
    response={200: NotificationOut, 403: ErrorOut, 404: ErrorOut},
)
def get_notification(request, notification_id: int):
    n = notification_get(actor=_actor(request), pk=notification_id)
    if n is None:
        raise Http404
    return _n_out(n)


@router.post(
    "/notifications", response={201: NotificationOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut}
)
def prenotify(request, payload: PrenotifyIn):
    actor = _actor(request)
    r = round_get(actor=actor, pk=payload.round_id)
    if r is None:
        raise Http404
    mt = None
    if payload.measure_type_id:
        mt = MeasureType.objects.filter(pk=payload.measure_type_id).first()
        if mt is None:
            raise Http404
    n = services.notification_prenotify(
        actor=actor,
        fund_round=r,
        title=payload.title,
        estimated_ore=payload.estimated_ore,
        planned_start=payload.planned_start,
        planned_end=payload.planned_end,
        measure_type=mt,
    )
    return Status(201, _n_out(n))


@router.post(
    "/notifications/{notification_id}/submit",
    response={200: NotificationOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
)
def submit(request, notification_id: int):
    actor = _actor(request)
    n = notification_get(actor=actor, pk=notification_id)
    if n is None:
        raise Http404
    services.notification_submit(actor=actor, notification=n)
    n.refresh_from_db()
    return _n_out(n)


@router.post(
    "/notifications/{notification_id}/decisions",
    response={201: NotificationOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
)
def decide(request, notification_id: int, payload: DecisionIn):
    actor = _actor(request)
    n = notification_get(actor=actor, pk=notification_id)
    if n is None:
        raise Http404
    services.fund_decide(
        actor=actor,
        notification=n,
        outcome=payload.outcome,
        answers={int(k): (bool(v[0]), str(v[1])) for k, v in payload.answers.items()},
        costs_reasonable=payload.costs_reasonable,
        cost_comment=payload.cost_comment,
        amount_ore=payload.amount_ore,
        reason=payload.reason,
        partial_claims_allowed=payload.partial_claims_allowed,
        supersedes_id=payload.supersedes_id,
    )
    n.refresh_from_db()
    return Status(201, _n_out(n))
