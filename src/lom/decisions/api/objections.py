"""Objections: a union raises one (about a case, a decision, or how the agreement is applied),
the employer answers, the union closes it (resolved locally or escalated)."""

from datetime import date, datetime
from typing import Any, Literal

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from lom.cases.selectors import case_get_for_actor
from lom.common.bounds import COMMENT_MAX, NAME_MAX
from lom.common.pagination import keyset_page
from lom.common.schemas import DEFAULT_LIMIT, Cursor, Id, Limit, Page
from lom.common.validation import require
from lom.decisions import selectors, services
from lom.decisions.api._common import REFUSALS, ObjectionStatus, actor_of, named_as_in_api
from lom.decisions.models import Objection
from lom.decisions.permissions import can_read_objections
from lom.organisations.access import Actor

router = Router(tags=["decisions"])


class ObjectionListOut(Schema):
    id: int
    # As the union wrote it, or (when LOM named it) in the request's language.
    subject: str
    # The code and parameters of a subject LOM named; empty for one a person wrote.
    subject_code: str
    subject_params: dict[str, Any]
    status: ObjectionStatus
    union_id: int
    union: str
    case_id: int | None
    case_number: str | None
    decision_id: int | None
    raised_by: str
    raised_at: datetime
    # The day the employer's answer is due under the agreement (null: raised before due days).
    answer_due: date | None
    # Not answered and the due day has passed.
    overdue: bool


class ObjectionEventOut(Schema):
    action: str
    at: datetime
    actor: str | None


class ObjectionOut(ObjectionListOut):
    reasons: str
    answer: str
    answered_by: str | None
    answered_at: datetime | None
    closing_note: str
    closed_at: datetime | None
    events: list[ObjectionEventOut]


class ObjectionIn(Schema):
    """About a decision (`decision_id`), a case (`case_id`), or neither: how the agreement is
    applied."""

    reasons: str = Field(min_length=1, max_length=COMMENT_MAX)
    subject: str = Field("", max_length=NAME_MAX)
    case_id: Id | None = None
    decision_id: Id | None = None


class ObjectionAnswerIn(Schema):
    answer: str = Field(min_length=1, max_length=COMMENT_MAX)


class ObjectionCloseIn(Schema):
    outcome: Literal["resolved", "escalated"]
    note: str = Field("", max_length=COMMENT_MAX)


def _row(o: Objection) -> dict:
    return {
        "id": o.pk,
        "subject": o.subject_shown,
        "subject_code": o.subject_code,
        "subject_params": o.subject_params,
        "status": o.status,
        "union_id": o.union_id,
        "union": o.union.name,
        "case_id": o.case_id,
        "case_number": o.case.number if o.case else None,
        "decision_id": o.decision_id,
        "raised_by": str(o.raised_by),
        "raised_at": o.raised_at,
        "answer_due": o.answer_due,
        "overdue": o.is_overdue,
    }


def _objection_out(actor: Actor, objection_id: int) -> ObjectionOut:
    require(can_read_objections(actor))
    o = selectors.objection_get(actor=actor, pk=objection_id)
    if o is None:
        raise Http404
    return ObjectionOut(
        **_row(o),
        reasons=o.reasons,
        answer=o.answer,
        answered_by=str(o.answered_by) if o.answered_by else None,
        answered_at=o.answered_at,
        closing_note=o.closing_note,
        closed_at=o.closed_at,
        events=[
            ObjectionEventOut(action=e.action, at=e.at, actor=str(e.actor) if e.actor else None)
            for e in selectors.objection_events(actor=actor, pk=o.pk)
        ],
    )


@router.get("/objections", response=Page[ObjectionListOut], summary="List the objections")
def list_objections(
    request: HttpRequest,
    status: ObjectionStatus | None = None,
    overdue: bool = False,
    cursor: Cursor | None = None,
    limit: Limit = DEFAULT_LIMIT,
) -> Page[ObjectionListOut]:
    """`overdue`: only those not answered by the day the agreement gives for the answer (what
    the coordinator's home page flags)."""
    actor = actor_of(request)
    require(can_read_objections(actor))
    qs = (
        selectors.objections_past_due(actor=actor, on=timezone.localdate())
        if overdue
        else selectors.objections_for(actor=actor, status=status or "")
    )
    rows, nxt = keyset_page(
        qs,
        cursor=cursor,
        limit=limit,
        order=("-raised_at", "-id"),
    )
    return Page[ObjectionListOut](
        items=[ObjectionListOut(**_row(o)) for o in rows], next_cursor=nxt
    )


@router.post(
    "/objections",
    response={201: ObjectionOut, **REFUSALS},
    summary="Raise an objection (a union representative)",
)
def raise_objection(request: HttpRequest, payload: ObjectionIn) -> Status:
    actor = actor_of(request)
    case = decision = None
    if payload.decision_id is not None:
        decision = selectors.decision_get(actor=actor, pk=payload.decision_id)
        if decision is None:
            raise Http404
        case_get_for_actor(actor=actor, pk=decision.case_id)
    elif payload.case_id is not None:
        case = case_get_for_actor(actor=actor, pk=payload.case_id)
    with named_as_in_api():
        objection = services.objection_raise(
            actor=actor,
            reasons=payload.reasons,
            subject=payload.subject,
            case=case,
            decision=decision,
        )
    return Status(201, _objection_out(actor, objection.pk))


@router.get(
    "/objections/{objection_id}",
    response=ObjectionOut,
    summary="An objection with the answer and its history",
)
def get_objection(request: HttpRequest, objection_id: Id) -> ObjectionOut:
    return _objection_out(actor_of(request), objection_id)


def _objection(actor: Actor, objection_id: int) -> Objection:
    require(can_read_objections(actor))
    o = selectors.objection_get(actor=actor, pk=objection_id)
    if o is None:
        raise Http404
    return o


@router.post(
    "/objections/{objection_id}/answer",
    response={200: ObjectionOut, **REFUSALS},
    summary="Answer an objection (the employer)",
)
def answer_objection(
    request: HttpRequest, objection_id: Id, payload: ObjectionAnswerIn
) -> ObjectionOut:
    actor = actor_of(request)
    objection = _objection(actor, objection_id)
    services.objection_answer(actor=actor, objection=objection, answer=payload.answer)
    return _objection_out(actor, objection.pk)


@router.post(
    "/objections/{objection_id}/close",
    response={200: ObjectionOut, **REFUSALS},
    summary="Close an answered objection: resolved locally or escalated (the objecting union)",
)
def close_objection(
    request: HttpRequest, objection_id: Id, payload: ObjectionCloseIn
) -> ObjectionOut:
    actor = actor_of(request)
    objection = _objection(actor, objection_id)
    services.objection_close(
        actor=actor, objection=objection, outcome=payload.outcome, note=payload.note
    )
    return _objection_out(actor, objection.pk)
