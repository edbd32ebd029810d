from datetime import date, datetime
from typing import Annotated

from ninja import Field, Schema

from lom.cases.models import ApplicationKind, CostLine, Purpose
from lom.cases.services import MAX_COST_LINES
from lom.common.bounds import (
    COMMENT_MAX,
    DB_ID_MAX,
    MAX_AMOUNT_ORE,
    MAX_COUNT,
    NAME_MAX,
    TEXT_MAX,
)

# An id the database can hold (a larger one would be a 500 on SQLite, not "not found").
Id = Annotated[int, Field(ge=1, le=DB_ID_MAX)]
# An amount in öre within the bound every sum is checked against.
Amount = Annotated[int, Field(ge=0, le=MAX_AMOUNT_ORE)]
# At most as many measure types as an agreement can list.
MAX_IDS = 100


class CostLineIn(Schema):
    kind: CostLine.Kind
    amount_ore: Amount
    description: str = Field("", max_length=NAME_MAX)


class CostLineOut(Schema):
    kind: str
    description: str
    amount_ore: int


class CaseIn(Schema):
    title: str = Field(max_length=NAME_MAX)
    kind: ApplicationKind | None = None
    applicant_id: Id | None = None
    unit_id: Id | None = None
    co_applicant_manager_id: Id | None = None
    measure_type_ids: list[Id] = Field([], max_length=MAX_IDS)
    purpose: Purpose | None = None
    business_need: str | None = Field(None, max_length=TEXT_MAX)
    description: str | None = Field(None, max_length=TEXT_MAX)
    participant_count: int | None = Field(None, ge=1, le=MAX_COUNT)
    start_date: date | None = None
    end_date: date | None = None
    need_id: int | None = Field(None, ge=0, le=DB_ID_MAX)
    need_explanation: str | None = Field(None, max_length=COMMENT_MAX)
    cost_lines: list[CostLineIn] = Field([], max_length=MAX_COST_LINES)


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


class CasePageOut(Schema):
    items: list[CaseListOut]
    page: int
    has_next: bool


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


class TransitionIn(Schema):
    name: str = Field(max_length=40)
    reason: str = Field("", max_length=COMMENT_MAX)
    amount_ore: Amount | None = None
    period_id: Id | None = None


class AgreementOut(Schema):
    id: int
    title: str
    valid_from: date
    valid_to: date | None
    decision_model: str
    purpose_text: str
    exclusions: str
    excludes_ordinary_training: bool
    application_kinds: list[str]
    requires_manager_endorsement: bool
    cap_per_person_ore: int | None
    cap_per_application_ore: int | None
    allows_carry_over: bool
    union_ids: list[int]
    measure_type_ids: list[int]


class BalanceOut(Schema):
    allocated_ore: int
    carried_over_ore: int
    committed_ore: int
    spent_ore: int
    remaining_ore: int
    projected_unused_ore: int | None


class FundPeriodOut(Schema):
    id: int
    name: str
    start: date
    end: date
    method: str
    balance: BalanceOut


class LedgerEntryOut(Schema):
    id: int
    kind: str
    amount_ore: int
    case_id: int | None
    case_number: str | None
    memo: str
    created_at: datetime


class LedgerPageOut(Schema):
    items: list[LedgerEntryOut]
    next_before_id: int | None
