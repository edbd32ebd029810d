from datetime import date, datetime

from ninja import Schema

from lom.common.schemas import ErrorOut

__all__ = ["ErrorOut"]


class CostLineIn(Schema):
    kind: str
    amount_ore: int
    description: str = ""


class CostLineOut(Schema):
    kind: str
    description: str
    amount_ore: int


class CaseIn(Schema):
    title: str
    kind: str | None = None
    applicant_id: int | None = None
    unit_id: int | None = None
    co_applicant_manager_id: int | None = None
    measure_type_ids: list[int] = []
    purpose: str | None = None
    business_need: str | None = None
    description: str | None = None
    participant_count: int | None = None
    start_date: date | None = None
    end_date: date | None = None
    need_id: int | None = None
    need_explanation: str | None = None
    cost_lines: list[CostLineIn] = []


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
    name: str
    reason: str = ""
    amount_ore: int | None = None
    period_id: int | None = None


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
