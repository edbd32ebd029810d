"""Follow-up API, mounted at /api/v1/followup by lom.api.api: the follow-ups due, a case's
follow-up page and recording it (the coordinator), and the participant's own survey. The same
selectors, permissions and services as the pages of lom.followup.views."""

from datetime import date, datetime
from typing import Annotated

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from lom.cases.models import Case
from lom.cases.selectors import case_get_for_actor
from lom.common.bounds import COMMENT_MAX, MAX_COUNT
from lom.common.errors import PermissionDeniedError
from lom.common.pagination import keyset_page
from lom.common.schemas import DEFAULT_LIMIT, Cursor, ErrorOut, Id, Limit, Page, inline_choices
from lom.followup import services
from lom.followup.forms import SEARCH_MAX
from lom.followup.models import FREE_TEXT_MAX, FollowUp, HeardFrom, NeedMet, Outcome, Recommend
from lom.followup.permissions import (
    FOLLOWUP_READERS,
    can_answer_survey,
    can_list_participants,
    can_record_followup,
    can_view_followup,
)
from lom.followup.selectors import (
    MAX_PARTICIPANTS,
    due_cases,
    due_followup,
    followup_case_page,
    followup_settings,
    is_group_case,
    is_listed,
    participant_candidates,
    participants_for_case,
    survey_answered,
    survey_case_for,
    surveys_open,
)
from lom.organisations.access import Actor

router = Router(tags=["followup"])


FollowUpKind = Annotated[FollowUp.Kind, inline_choices(FollowUp.Kind)]
OutcomeValue = Annotated[Outcome, inline_choices(Outcome)]


class DueFollowUpOut(Schema):
    case_id: int
    number: str
    title: str
    kind: FollowUpKind
    due_on: date
    overdue: bool


class OutcomeOut(Schema):
    outcome: OutcomeValue
    count: int
    employee_id: int | None


class FollowUpOut(Schema):
    kind: FollowUpKind
    need_met: NeedMet
    outcomes: list[OutcomeOut]
    comment: str
    cost_comment: str
    recorded_at: datetime
    recorded_by: str


class FollowUpCaseOut(Schema):
    case_id: int
    number: str
    title: str
    group: bool
    participant_count: int
    completed_on: date | None
    later_due: date | None
    end: FollowUpOut | None
    later: FollowUpOut | None
    can_record: bool
    requested_ore: int
    approved_ore: int | None
    spent_ore: int
    difference_ore: int


class OutcomeCountIn(Schema):
    outcome: OutcomeValue
    count: int = Field(ge=0, le=MAX_COUNT)


class FollowUpIn(Schema):
    need_met: NeedMet
    # A named participant (individual measure): their outcome.
    outcome: OutcomeValue | None = None
    # A group measure: how many participants had each outcome (together the participants).
    outcome_counts: list[OutcomeCountIn] = Field([], max_length=len(Outcome.values))
    comment: str = Field("", max_length=COMMENT_MAX)
    cost_comment: str = Field("", max_length=COMMENT_MAX)


class SurveyCaseOut(Schema):
    survey_id: int
    number: str
    title: str


class SurveyOut(Schema):
    survey_id: int
    number: str
    title: str
    answered: bool
    can_answer: bool
    reason: str


class SurveyIn(Schema):
    satisfaction: int = Field(ge=1, le=5)
    usefulness: int = Field(ge=1, le=5)
    heard_from: HeardFrom
    recommend: Recommend
    free_text: str = Field("", max_length=FREE_TEXT_MAX)


class ParticipantOut(Schema):
    employee_id: int
    name: str
    unit: str
    employee_number: str


class ParticipantsIn(Schema):
    employee_ids: list[Id] = Field(
        ...,
        max_length=MAX_PARTICIPANTS,
        description="The whole list: who took part (employees of the organisation). Replaces "
        "the previous list.",
    )


class ParticipantsSavedOut(Schema):
    added: int
    removed: int
    total: int


def _actor(request) -> Actor:
    return request.api_actor


def _followup_case(actor: Actor, case_id: int) -> Case:
    case = case_get_for_actor(actor=actor, pk=case_id)
    if not can_view_followup(actor, case):
        raise PermissionDeniedError(_("Din roll får inte se uppföljningen."))
    return case


def _followup_out(f: FollowUp | None) -> FollowUpOut | None:
    if f is None:
        return None
    return FollowUpOut(
        kind=FollowUp.Kind(f.kind),
        need_met=NeedMet(f.need_met),
        outcomes=[
            OutcomeOut(outcome=Outcome(o.outcome), count=o.count, employee_id=o.employee_id)
            for o in f.outcomes.all()
        ],
        comment=f.comment,
        cost_comment=f.cost_comment,
        recorded_at=f.recorded_at,
        recorded_by=f.recorded_by.get_full_name() or f.recorded_by.get_username(),
    )


def _case_out(actor: Actor, case: Case) -> FollowUpCaseOut:
    page = followup_case_page(case=case)
    return FollowUpCaseOut(
        case_id=case.pk,
        number=case.number or "",
        title=case.title,
        group=is_group_case(case),
        participant_count=case.participant_count,
        completed_on=page.completed_on,
        later_due=page.later_due,
        end=_followup_out(page.records.get(FollowUp.Kind.END)),
        later=_followup_out(page.records.get(FollowUp.Kind.LATER)),
        can_record=bool(can_record_followup(actor, case)),
        requested_ore=page.requested_ore,
        approved_ore=page.approved_ore,
        spent_ore=page.spent_ore,
        difference_ore=page.difference_ore,
    )


@router.get(
    "/cases",
    response=Page[DueFollowUpOut],
    summary="Completed cases whose follow-up is due (or due within 30 days)",
)
def list_due_followups(request, cursor: Cursor | None = None, limit: Limit = DEFAULT_LIMIT):
    actor = _actor(request)
    if not actor.has(*FOLLOWUP_READERS):
        raise PermissionDeniedError(_("Din roll får inte se uppföljningarna."))
    today = timezone.localdate()
    conf = followup_settings(organisation=actor.organisation)
    rows, nxt = keyset_page(
        due_cases(organisation=actor.organisation, today=today), cursor=cursor, limit=limit
    )
    items = []
    for case in rows:
        due = due_followup(case, conf=conf, today=today)
        items.append(
            DueFollowUpOut(
                case_id=case.pk,
                number=case.number or "",
                title=case.title,
                kind=FollowUp.Kind(due.kind),
                due_on=due.due_on,
                overdue=due.overdue,
            )
        )
    return Page[DueFollowUpOut](items=items, next_cursor=nxt)


@router.get(
    "/cases/{case_id}",
    response=FollowUpCaseOut,
    summary="A case's follow-up: the recorded follow-ups, when they are due, cost vs estimate",
)
def get_case_followup(request, case_id: Id):
    actor = _actor(request)
    return _case_out(actor, _followup_case(actor, case_id))


def _record(request, case_id: int, kind: str, payload: FollowUpIn) -> FollowUpCaseOut:
    actor = _actor(request)
    case = _followup_case(actor, case_id)
    counts: dict[str, int] = {}
    for c in payload.outcome_counts:  # an outcome named twice: its counts add up
        counts[str(c.outcome)] = counts.get(str(c.outcome), 0) + c.count
    services.followup_record(
        actor=actor,
        case=case,
        data=services.FollowUpInput(
            kind=kind,
            need_met=payload.need_met,
            outcome=payload.outcome or "",
            outcome_counts=counts if is_group_case(case) else None,
            comment=payload.comment,
            cost_comment=payload.cost_comment,
        ),
    )
    return _case_out(actor, case)


RECORD_RESPONSES = {200: FollowUpCaseOut, 400: ErrorOut, 409: ErrorOut}


@router.post(
    "/cases/{case_id}/end",
    response=RECORD_RESPONSES,
    summary="Record (or correct) the follow-up at the end of a completed measure",
)
def record_end_followup(request, case_id: Id, payload: FollowUpIn):
    return _record(request, case_id, FollowUp.Kind.END, payload)


@router.post(
    "/cases/{case_id}/later",
    response=RECORD_RESPONSES,
    summary="Record (or correct) the later follow-up (after the end one)",
)
def record_later_followup(request, case_id: Id, payload: FollowUpIn):
    return _record(request, case_id, FollowUp.Kind.LATER, payload)


@router.get(
    "/surveys",
    response=Page[SurveyCaseOut],
    summary="The caller's own completed measures whose survey is not answered yet",
)
def list_my_surveys(request, cursor: Cursor | None = None, limit: Limit = DEFAULT_LIMIT):
    rows, nxt = keyset_page(
        surveys_open(actor=_actor(request)),
        cursor=cursor,
        limit=limit,
        order=("-updated_at", "-id"),
    )
    return Page[SurveyCaseOut](
        items=[SurveyCaseOut(survey_id=c.pk, number=c.number or "", title=c.title) for c in rows],
        next_cursor=nxt,
    )


def _survey_case(actor: Actor, survey_id: int) -> Case:
    # Only the participant's own case exists here: anything else is 404.
    case = survey_case_for(actor=actor, pk=survey_id)
    if case is None:
        raise Http404
    return case


def _survey_out(actor: Actor, case: Case) -> SurveyOut:
    assert actor.employee is not None  # survey_case_for: only an employee's own case
    answered = survey_answered(case=case, employee_id=actor.employee.pk)
    listed = is_listed(case=case, employee_id=actor.employee.pk)
    verdict = can_answer_survey(actor, case, already_answered=answered, listed=listed)
    return SurveyOut(
        survey_id=case.pk,
        number=case.number or "",
        title=case.title,
        answered=answered,
        can_answer=bool(verdict),
        reason=str(verdict.reason),
    )


@router.get(
    "/surveys/{survey_id}",
    response=SurveyOut,
    summary="The caller's survey of one measure: whether it is answered or may be answered",
)
def get_survey(request, survey_id: Id):
    actor = _actor(request)
    return _survey_out(actor, _survey_case(actor, survey_id))


@router.post(
    "/surveys/{survey_id}/answers",
    response={201: SurveyOut, 400: ErrorOut, 409: ErrorOut},
    summary="Answer the survey of one's own measure (once; stored without the name)",
)
def answer_survey(request, survey_id: Id, payload: SurveyIn):
    actor = _actor(request)
    case = _survey_case(actor, survey_id)
    services.survey_answer(
        actor=actor,
        case=case,
        answers=services.SurveyAnswers(
            satisfaction=payload.satisfaction,
            usefulness=payload.usefulness,
            heard_from=payload.heard_from,
            recommend=payload.recommend,
            free_text=payload.free_text,
        ),
    )
    return Status(201, _survey_out(actor, case))


def _participants_case(actor: Actor, case_id: int) -> Case:
    case = _followup_case(actor, case_id)
    verdict = can_list_participants(actor, case, group=is_group_case(case))
    if not verdict:
        raise PermissionDeniedError(verdict.reason)
    return case


def _participant_out(e) -> ParticipantOut:
    return ParticipantOut(
        employee_id=e.pk,
        name=e.full_name,
        unit=e.unit.name,
        employee_number=e.employee_number,
    )


@router.get(
    "/cases/{case_id}/participants",
    response={200: Page[ParticipantOut], 403: ErrorOut},
    summary="The participants the coordinator listed on a group measure or development project",
)
def list_participants(
    request, case_id: Id, cursor: Cursor | None = None, limit: Limit = DEFAULT_LIMIT
):
    actor = _actor(request)
    case = _participants_case(actor, case_id)
    rows, nxt = keyset_page(participants_for_case(case=case), cursor=cursor, limit=limit)
    return Page[ParticipantOut](
        items=[_participant_out(inv.employee) for inv in rows], next_cursor=nxt
    )


@router.put(
    "/cases/{case_id}/participants",
    response={200: ParticipantsSavedOut, 400: ErrorOut, 403: ErrorOut, 409: ErrorOut},
    summary="Save the list of participants (employees of the organisation); each is surveyed",
)
def save_participants(request, case_id: Id, payload: ParticipantsIn):
    actor = _actor(request)
    case = _participants_case(actor, case_id)
    saved = services.survey_participants_save(
        actor=actor, case=case, employee_ids=list(payload.employee_ids)
    )
    return ParticipantsSavedOut(added=saved.added, removed=saved.removed, total=saved.total)


@router.get(
    "/cases/{case_id}/candidates",
    response={200: Page[ParticipantOut], 403: ErrorOut},
    summary="Employees of the organisation to list as participants: search by name, e-mail, "
    "employee number or unit",
)
def list_candidates(
    request,
    case_id: Id,
    q: Annotated[str, Field(max_length=SEARCH_MAX)] = "",
    cursor: Cursor | None = None,
    limit: Limit = DEFAULT_LIMIT,
):
    actor = _actor(request)
    _participants_case(actor, case_id)
    rows, nxt = keyset_page(
        participant_candidates(organisation=actor.organisation, q=q.strip()),
        cursor=cursor,
        limit=limit,
        order=("last_name", "first_name", "id"),
    )
    return Page[ParticipantOut](items=[_participant_out(e) for e in rows], next_cursor=nxt)
