"""The request and response schemas of the support API. Amounts are integer öre."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from ninja import Field, Schema
from pydantic import WithJsonSchema

from lom.common.bounds import COMMENT_MAX, MAX_AMOUNT_ORE
from lom.common.schemas import Day, ErrorOut, Moment
from lom.support.models import Slot

# The refusals an operation that changes something declares besides the standard ones.
REFUSALS: dict[int, Any] = {400: ErrorOut, 409: ErrorOut}
Year = Annotated[int, Field(ge=2000, le=2100)]
# Hours per week, a number with at most two decimals (documented as a number only: a decimal
# would otherwise be documented as a number or an unbounded string).
Hours = Annotated[
    Decimal,
    Field(ge=0, le=168, max_digits=5, decimal_places=2),
    WithJsonSchema({"type": "number", "minimum": 0, "maximum": 168}),
]


class RuleOut(Schema):
    year: int
    months_required: int
    window_months: int
    min_hours_per_week: Decimal
    min_monthly_income_ore: int
    confirmed: bool
    source: str


class RuleIn(Schema):
    months_required: int = Field(..., ge=1, le=120)
    window_months: int = Field(..., ge=1, le=120)
    min_hours_per_week: Hours
    min_monthly_income_ore: int = Field(..., ge=0, le=MAX_AMOUNT_ORE)
    confirmed: bool = False
    source: str = Field("", max_length=200)


class SupportImportedOut(Schema):
    """The months read from the file: new ones and changed ones."""

    created: int
    updated: int


class MonthIn(Schema):
    month: str = Field(
        ..., description="YYYY-MM", min_length=7, max_length=7, pattern=r"^\d{4}-\d{2}$"
    )
    hours_per_week: Hours | None = None
    income_ore: int | None = Field(None, ge=0, le=MAX_AMOUNT_ORE)


class SelfCheckIn(Schema):
    as_of: Day
    months: list[MonthIn] = Field(..., max_length=120)


class CheckIn(Schema):
    as_of: Day


class EmploymentMonthOut(Schema):
    month: str
    hours_per_week: Decimal
    income_ore: int


class CheckOut(Schema):
    id: int
    employee_id: int
    checked_by: str
    checked_at: datetime
    as_of: date
    rule_year: int
    eligible: bool
    counted_months: int
    months_required: int


class SlotIn(Schema):
    starts_at: Moment
    duration_minutes: int = Field(60, ge=15, le=240)
    mode: Slot.Mode
    place: str = Field("", max_length=200)
    video_link: str = Field("", max_length=200)


class SlotOut(Schema):
    id: int
    coach: str
    organisation: str
    starts_at: datetime
    duration_minutes: int
    mode: str
    place: str
    is_booked: bool


class NoteOut(Schema):
    author: str
    text: str
    created_at: datetime


class BookingOut(Schema):
    id: int
    slot: SlotOut
    employee: str
    status: str
    booked_at: datetime
    video_link: str = ""
    notes: list[NoteOut] = []


class CancelIn(Schema):
    reason: str = Field("", max_length=300)


class NoteIn(Schema):
    text: str = Field(..., min_length=1, max_length=COMMENT_MAX)


class MonthLineOut(Schema):
    month: str
    counted: bool
    reason: str
    hours_per_week: str | None
    income_ore: int | None
    explanation: str


class ThresholdsOut(Schema):
    year: int
    months_required: int
    window_months: int
    min_hours_per_week: str
    min_monthly_income_ore: int
    confirmed: bool


class EligibilityOut(Schema):
    """The reasoning of a check (`EligibilityResult.as_json()`), month by month."""

    eligible: bool
    as_of: str
    window_start: str
    window_end: str
    counted_months: int
    months_required: int
    rule: ThresholdsOut
    months: list[MonthLineOut]
    outside_window: list[MonthLineOut]
    conclusion: str
    notes: list[str]


class SelfCheckOut(EligibilityOut):
    stored: bool


class RecordedCheckOut(EligibilityOut):
    id: int


class CheckDetailOut(CheckOut):
    reasoning: EligibilityOut


class CountRowOut(Schema):
    label: str
    booked: int | None
    held: int | None
    cancelled: int | None


class CountsOut(Schema):
    """Counts only (never names or notes); cells of 1-4 are null."""

    year: int
    months: list[CountRowOut]
    total: CountRowOut
    by_organisation: list[CountRowOut]


SupportWish = Literal["career", "assessment", "education", "other"]
SupportContact = Literal["email", "phone", "meeting"]
SupportApplicationStatus = Literal["submitted", "taken", "closed", "withdrawn"]
SupportTransitionName = Literal["take", "close", "withdraw"]


class SupportApplicationIn(Schema):
    """An application for individual support. `as_of` and `months` are the self-check's inputs:
    the server runs the check again and refuses (400, field `months`) unless it is met."""

    as_of: Day
    months: list[MonthIn] = Field(..., max_length=120)
    wish: SupportWish
    contact: SupportContact
    description: str = Field("", max_length=COMMENT_MAX)
    consent: bool = Field(
        ..., description="Consent to share the summary of the check with the counsellor"
    )


class SupportApplicationOut(Schema):
    id: int
    employee_id: int
    employee: str
    organisation: str
    created_at: datetime
    status: SupportApplicationStatus
    wish: SupportWish
    contact: SupportContact
    description: str
    eligible: bool
    as_of: date
    rule_year: int
    rule_confirmed: bool
    counted_months: int
    months_required: int
    coach: str | None
    taken_at: datetime | None
    ended_at: datetime | None
    transitions: list[SupportTransitionName] = Field(
        default_factory=list, description="What the caller may do with it now"
    )


class SupportTransitionIn(Schema):
    name: SupportTransitionName
