"""The request and response schemas of the fund-mode API. Amounts are integer öre."""

from datetime import date, datetime
from typing import Annotated, Literal

from ninja import Field, Schema

from lom.common.bounds import (
    COMMENT_MAX,
    MAX_AMOUNT_ORE,
    MAX_COUNT,
    NAME_MAX,
    SHORT_TEXT_MAX,
    TEXT_MAX,
)
from lom.common.schemas import Day, Id, inline_choices
from lom.fundmode.models import (
    CRITERION_MAX,
    ROUND_NAME_MAX,
    CostKind,
    FundAttachment,
    FundDecision,
)

Comment = Annotated[str, Field(max_length=COMMENT_MAX)]
Amount = Annotated[int, Field(ge=0, le=MAX_AMOUNT_ORE)]
OccupationCode = Annotated[str, Field(min_length=4, max_length=4, pattern=r"^\d{4}$")]
Gender = Literal["F", "M", "X"]
# The most rows a list of the request may hold (participant rows, employees, criteria).
ROWS_MAX = 500


# --- periods, members, criteria, pots --------------------------------------------------------


FundDecisionOutcome = Annotated[FundDecision.Outcome, inline_choices(FundDecision.Outcome)]


class FundRoundOut(Schema):
    id: int
    fund_id: int
    name: str
    start: date
    end: date
    claim_deadline: date
    total_ore: int
    status: str


class FundRoundIn(Schema):
    name: str = Field(..., min_length=1, max_length=ROUND_NAME_MAX)
    start: Day
    end: Day
    claim_deadline: Day
    total_ore: int = Field(..., ge=1, le=MAX_AMOUNT_ORE)


class PayrollIn(Schema):
    member_id: Id
    payroll_ore: Amount


class PayrollsIn(Schema):
    payrolls: list[PayrollIn] = Field(..., min_length=1, max_length=ROWS_MAX)


class FundImportedOut(Schema):
    imported: int


class MemberOut(Schema):
    member_id: int
    name: str
    joined_on: date | None


class MemberIn(Schema):
    member_id: Id
    joined_on: Day | None = None


class FundCriterionOut(Schema):
    id: int
    round_id: int
    order: int
    # In the request's language when LOM seeded it (text_code), else as the fund wrote it.
    text: str
    text_code: str
    help_text: str
    active: bool


class FundCriterionIn(Schema):
    text: str = Field(..., min_length=1, max_length=CRITERION_MAX)
    help_text: str = Field("", max_length=SHORT_TEXT_MAX)


class ActiveIn(Schema):
    active: bool


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


# --- notifications ---------------------------------------------------------------------------


class FundParticipantOut(Schema):
    occupation_code: str
    gender: str
    count: int


class ParticipantIn(Schema):
    occupation_code: OccupationCode
    gender: Gender
    count: int = Field(..., ge=0, le=MAX_COUNT)


class FundCostLineOut(Schema):
    kind: str
    description: str
    amount_ore: int


class CostIn(Schema):
    amount_ore: Amount
    description: str = Field("", max_length=NAME_MAX)


class FundNotificationOut(Schema):
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
    participants: list[FundParticipantOut]


# The notification statuses as a filter ("" for all; tests keep it equal to the model's).
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
    estimated_ore: int = Field(..., ge=1, le=MAX_AMOUNT_ORE)
    planned_start: Day
    planned_end: Day
    measure_type_id: Id | None = None


class NotificationPatch(Schema):
    """What the employer fills in; a field left out keeps its value. `costs` replaces every
    cost line (a kind left out has none), `participants` every participant row."""

    title: str | None = Field(None, min_length=1, max_length=NAME_MAX)
    background: str | None = Field(None, max_length=TEXT_MAX)
    need: str | None = Field(None, max_length=TEXT_MAX)
    description: str | None = Field(None, max_length=TEXT_MAX)
    measure_type_id: Id | None = None
    provider_kind: Literal["", "fund", "own_staff", "supplier"] | None = None
    provider_name: str | None = Field(None, max_length=NAME_MAX)
    planned_start: Day | None = None
    planned_end: Day | None = None
    costs: dict[CostKind, CostIn] | None = None
    participants: list[ParticipantIn] | None = Field(None, max_length=ROWS_MAX)


class EmployeesIn(Schema):
    employee_ids: list[Id] = Field(..., min_length=1, max_length=ROWS_MAX)
    occupation_code: OccupationCode


class AddedOut(Schema):
    added: int


class AttachmentOut(Schema):
    id: int
    notification_id: int
    claim_id: int | None
    kind: str
    original_name: str
    content_type: str
    size: int
    uploaded_at: datetime


AttachmentKind = Literal[FundAttachment.Kind.MINUTES, FundAttachment.Kind.OTHER]


class DecisionIn(Schema):
    outcome: FundDecisionOutcome
    # criterion id -> (met, comment)
    answers: dict[int, tuple[bool, Comment]] = Field(..., max_length=200)
    costs_reasonable: bool
    cost_comment: Comment = ""
    amount_ore: int | None = Field(None, ge=1, le=MAX_AMOUNT_ORE)
    reason: Comment = ""
    partial_claims_allowed: bool = False
    # A re-decision names the approving decision it replaces (required above the notified
    # amount, see services.fund_decide).
    supersedes_id: Id | None = None


# --- claims ----------------------------------------------------------------------------------


class ClaimOut(Schema):
    id: int
    notification_id: int
    notification_number: str
    member_id: int
    status: str
    is_final: bool
    term_start: date | None
    term_end: date | None
    internal_salary_ore: int
    total_ore: int
    paid_ore: int | None
    return_reason: str
    submitted_at: datetime
    handled_at: datetime | None
    costs: list[FundCostLineOut]
    participants: list[FundParticipantOut]
    invoices: list[AttachmentOut]


class ClaimForm(Schema):
    """A claim sent as multipart form data with its invoices: the actual cost of each kind
    (`cost_<kind>` in öre, `costdesc_<kind>` what it was), internal salary costs, and the
    final participant list as rows `occupation code:gender:count` (e.g. `5321:F:4`)."""

    cost_tuition: Amount = 0
    costdesc_tuition: str = Field("", max_length=NAME_MAX)
    cost_extra: Amount = 0
    costdesc_extra: str = Field("", max_length=NAME_MAX)
    cost_coaching: Amount = 0
    costdesc_coaching: str = Field("", max_length=NAME_MAX)
    cost_other: Amount = 0
    costdesc_other: str = Field("", max_length=NAME_MAX)
    cost_coordination: Amount = 0
    costdesc_coordination: str = Field("", max_length=NAME_MAX)
    internal_salary_ore: Amount = 0
    is_final: bool = True
    term_start: Day | None = Field(
        None, description="First day of the term a partial claim covers (not final only)."
    )
    term_end: Day | None = Field(
        None, description="Last day of the term a partial claim covers; it must have ended."
    )
    participants: list[
        Annotated[str, Field(min_length=5, max_length=12, pattern=r"^\d{4}:[FMX]:\d{1,6}$")]
    ] = Field(..., min_length=1, max_length=ROWS_MAX)

    def costs(self) -> dict[str, tuple[int, str]]:
        return {
            kind: (getattr(self, f"cost_{kind}"), getattr(self, f"costdesc_{kind}"))
            for kind in CostKind.values
        }

    def groups(self) -> list[tuple[str, str, int]]:
        rows = [p.split(":") for p in self.participants]
        return [(code, gender, int(count)) for code, gender, count in rows]


# The claim statuses as a filter ("" for all; tests keep it equal to the model's).
ClaimStatus = Literal["", "submitted", "returned", "paid"]


class ReturnIn(Schema):
    reason: str = Field(..., min_length=1, max_length=COMMENT_MAX)


class FundReconciliationRowOut(Schema):
    name: str
    start: date
    end: date
    granted_ore: int = Field(description="Approved by the fund in the dates (öre).")
    claimed_ore: int = Field(description="Claims sent in the dates, returned ones excluded.")
    paid_ore: int = Field(description="Paid by the fund in the dates.")
    ledger_used_ore: int = Field(description="Committed and spent in the member's own ledger.")
    difference_ore: int = Field(description="granted_ore − ledger_used_ore.")


class FundReconciliationOut(Schema):
    """The member's own fund periods beside its pot at the fund. Notifications are not linked
    to the member's cases: the two sides are compared by the dates of each own period."""

    linked_to_cases: bool
    rows: list[FundReconciliationRowOut]
    total: FundReconciliationRowOut
