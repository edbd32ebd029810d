"""The cases API's schemas: what a client sends and what it gets back."""

from datetime import date, datetime
from typing import Annotated, Literal

from ninja import Field, Schema

from lom.cases.models import ApplicationKind, CostLine, Purpose
from lom.cases.services import MAX_COST_LINES
from lom.common.bounds import COMMENT_MAX, DB_ID_MAX, MAX_AMOUNT_ORE, MAX_COUNT, NAME_MAX, TEXT_MAX
from lom.common.schemas import Day, Id, Page, inline_choices

# An amount in öre within the bound every sum is checked against.
Amount = Annotated[int, Field(ge=0, le=MAX_AMOUNT_ORE)]
# At most as many measure types as an agreement can list.
MAX_IDS = 100
# The transitions of the workflow (lom.cases.workflow.TRANSITIONS), by name; a test keeps the
# two the same.
TransitionName = Literal[
    "submit",
    "endorse",
    "manager_return",
    "start_review",
    "return",
    "share_assessment",
    "applicant_respond",
    "approve",
    "reject",
    "request_reconsideration",
    "reconsider_approve",
    "reconsider_reject",
    "start",
    "complete",
    "withdraw",
]


CostLineKind = Annotated[CostLine.Kind, inline_choices(CostLine.Kind)]


class CostLineIn(Schema):
    kind: CostLineKind
    amount_ore: Amount
    description: str = Field("", max_length=NAME_MAX)


class CostLineOut(Schema):
    kind: str
    description: str
    amount_ore: int


class CaseFieldsIn(Schema):
    """What the steps of the application form set; in a PATCH only the fields sent change."""

    kind: ApplicationKind | None = None
    applicant_id: Id | None = None
    unit_id: Id | None = None
    co_applicant_manager_id: Id | None = None
    measure_type_ids: list[Id] | None = Field(None, max_length=MAX_IDS)
    purpose: Purpose | None = None
    business_need: str | None = Field(None, max_length=TEXT_MAX)
    description: str | None = Field(None, max_length=TEXT_MAX)
    private_reason: str | None = Field(None, max_length=TEXT_MAX)
    share_private_reason: bool | None = None
    participant_count: int | None = Field(None, ge=1, le=MAX_COUNT)
    start_date: Day | None = None
    end_date: Day | None = None
    # A need of the transition plan in force; 0 clears it.
    need_id: int | None = Field(None, ge=0, le=DB_ID_MAX)
    need_explanation: str | None = Field(None, max_length=COMMENT_MAX)
    cost_lines: list[CostLineIn] | None = Field(None, max_length=MAX_COST_LINES)


class CaseIn(CaseFieldsIn):
    title: str = Field(min_length=1, max_length=NAME_MAX)


class CasePatchIn(CaseFieldsIn):
    title: str | None = Field(None, min_length=1, max_length=NAME_MAX)


class CaseListOut(Schema):
    id: int
    number: str
    title: str
    status: str
    kind: str
    unit_id: int
    applicant_id: int | None
    requested_ore: int
    approved_ore: int | None
    submitted_at: datetime | None


class CasePageOut(Page[CaseListOut]):
    """A page of cases. `page` and `has_next` belong to the deprecated `page` parameter:
    `page` is null when the page was read with a cursor."""

    page: int | None
    has_next: bool


class CaseReconsiderationOut(Schema):
    """The applicant's request for reconsideration and, once decided, its outcome."""

    requested_by_id: int
    reasons: str
    requested_at: datetime
    last_day: date
    outcome: Literal["", "changed", "upheld"]
    reasoning: str
    decided_by_id: int | None
    decided_at: datetime | None


class CaseOut(CaseListOut):
    purpose: str
    business_need: str
    description: str
    private_reason: str | None
    participant_count: int
    start_date: date | None
    end_date: date | None
    period_id: int | None
    measure_type_ids: list[int]
    cost_lines: list[CostLineOut]
    allowed_transitions: list[str]
    endorsed_by_id: int | None
    # The last day the applicant may ask for reconsideration (null before a decision).
    reconsideration_last_day: date | None
    reconsideration: CaseReconsiderationOut | None


class TransitionIn(Schema):
    name: TransitionName
    reason: str = Field("", max_length=COMMENT_MAX)
    amount_ore: Amount | None = None
    period_id: Id | None = None


class CaseCommentIn(Schema):
    text: str = Field(min_length=1, max_length=COMMENT_MAX)


class CaseCommentOut(Schema):
    id: int
    author_id: int
    author: str
    text: str
    created_at: datetime


class CaseAttachmentOut(Schema):
    id: int
    original_name: str
    content_type: str
    size: int
    register_number: str
    uploaded_by_id: int
    uploaded_at: datetime


class CaseExpenseIn(Schema):
    amount_ore: int = Field(ge=1, le=MAX_AMOUNT_ORE)
    memo: str = Field("", max_length=NAME_MAX)


class CaseExpenseOut(Schema):
    case_id: int
    amount_ore: int
    memo: str
    approved_ore: int | None
    spent_ore: int


class CaseEventOut(Schema):
    id: int
    code: str
    label: str
    text: str = Field(
        description="The event as a sentence in the request's language, states included"
    )
    actor_id: int | None
    actor: str | None
    at: datetime
    status_before: str | None
    status_after: str | None
    note: str


class FilterUnitOut(Schema):
    id: int
    name: str
    code: str
    parent_id: int | None
    path: str
