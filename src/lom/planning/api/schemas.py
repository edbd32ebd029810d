"""The planning API's request and response schemas."""

from datetime import date, datetime
from typing import Annotated

from ninja import Field, Schema

from lom.common.bounds import COMMENT_MAX, MAX_AMOUNT_ORE, NAME_MAX, TEXT_MAX
from lom.common.schemas import Day, Id, inline_choices
from lom.planning.models import PLACE_MAX, Need, Step, TransitionPlan, Workshop
from lom.planning.services import MAX_TIMEBOX_MINUTES

# How many people one request invites, how many needs one proposal or measure answers.
MAX_INVITEES = 500
MAX_LINKED_NEEDS = 200
USERNAME_MAX = 150
CARD_MAX = 300
AREA_NAME_MAX = 120


StepValue = Annotated[Step, inline_choices(Step)]
WorkshopStatus = Annotated[Workshop.Status, inline_choices(Workshop.Status)]
PlanStatus = Annotated[TransitionPlan.Status, inline_choices(TransitionPlan.Status)]
NeedSource = Annotated[Need.Source, inline_choices(Need.Source)]

Username = Annotated[str, Field(min_length=1, max_length=USERNAME_MAX)]
Score = Annotated[int, Field(ge=1, le=5)]
Ore = Annotated[int, Field(ge=0, le=MAX_AMOUNT_ORE)]

# --- Workshops: input ---------------------------------------------------------------------


class WorkshopIn(Schema):
    title: str = Field(min_length=1, max_length=NAME_MAX)
    held_on: Day
    place: str = Field("", max_length=PLACE_MAX)
    participant_ids: list[Id] = Field([], max_length=MAX_INVITEES)
    usernames: list[Username] = Field([], max_length=MAX_INVITEES)


class InviteIn(Schema):
    user_ids: list[Id] = Field([], max_length=MAX_INVITEES)
    usernames: list[Username] = Field([], max_length=MAX_INVITEES)
    facilitator: bool = False


class StepIn(Schema):
    step: StepValue


class TimeboxIn(Schema):
    minutes: int = Field(ge=0, le=MAX_TIMEBOX_MINUTES, description="0 removes the time-box.")


class CardIn(Schema):
    text: str = Field(min_length=1, max_length=CARD_MAX)


class CardPositionIn(Schema):
    area_id: Id | None = Field(None, description="null puts the card back among the unsorted.")


class AreaIn(Schema):
    name: str = Field(min_length=1, max_length=AREA_NAME_MAX)


class WorkshopNeedIn(Schema):
    area_id: Id
    consequence: str = Field(min_length=1, max_length=TEXT_MAX)
    competence_need: str = Field(min_length=1, max_length=NAME_MAX)
    likelihood: Score
    impact: Score


class ProposalIn(Schema):
    title: str = Field(min_length=1, max_length=NAME_MAX)
    need_ids: list[Id] = Field(min_length=1, max_length=MAX_LINKED_NEEDS)
    description: str = Field("", max_length=TEXT_MAX)
    cost_ore: Ore | None = None
    target_group: str = Field("", max_length=NAME_MAX)
    measure_type_id: Id | None = None


class ClosingIn(Schema):
    text: str = Field(min_length=1, max_length=COMMENT_MAX)


# --- Workshops: output --------------------------------------------------------------------


class WorkshopOut(Schema):
    id: int
    title: str
    held_on: date
    place: str
    status: WorkshopStatus
    step: StepValue
    step_ends_at: datetime | None
    version: int
    previous_id: int | None
    revision: int


class WorkshopParticipantOut(Schema):
    id: int
    user_id: int
    name: str
    union_id: int | None
    party: str
    is_facilitator: bool


class AreaOut(Schema):
    id: int
    name: str
    order: int


class CardOut(Schema):
    id: int
    text: str
    area_id: int | None
    author_id: int
    author_name: str


class WorkshopNeedOut(Schema):
    id: int
    area_id: int
    consequence: str
    competence_need: str
    likelihood: int
    impact: int
    priority: int
    author_id: int
    author_name: str


class ProposalOut(Schema):
    id: int
    title: str
    description: str
    need_ids: list[int]
    cost_ore: int | None
    target_group: str
    measure_type_id: int | None
    case_id: int | None
    round_id: int | None
    author_id: int
    author_name: str


class ClosingWordOut(Schema):
    author_id: int
    author_name: str
    text: str


class BoardOut(WorkshopOut):
    """The board as the workshop page shows it, and what the caller may do on it."""

    is_locked: bool
    facilitator: bool
    can_write: bool
    participants: list[WorkshopParticipantOut]
    areas: list[AreaOut]
    cards: list[CardOut]
    needs: list[WorkshopNeedOut]
    proposals: list[ProposalOut]
    closing_words: list[ClosingWordOut]


class ResultOut(BoardOut):
    """The result page: the board, its seal once locked, and a newer version if there is one."""

    sealed_at: datetime | None
    sealed_sha256: str
    newer_id: int | None


class InvitedOut(Schema):
    invited: int


# --- Plans --------------------------------------------------------------------------------


class PlanIn(Schema):
    title: str = Field(min_length=1, max_length=NAME_MAX)
    period_start: Day
    period_end: Day
    fund_period_id: Id | None = None
    analyses: str = Field("", max_length=TEXT_MAX)


class PlanCreateIn(PlanIn):
    workshop_id: Id | None = Field(None, description="A locked workshop to take the needs from.")


class ImportIn(Schema):
    workshop_id: Id


class PlanAreaIn(Schema):
    name: str = Field(min_length=1, max_length=AREA_NAME_MAX)


class NeedIn(Schema):
    area_id: Id
    title: str = Field(min_length=1, max_length=NAME_MAX)
    description: str = Field("", max_length=TEXT_MAX)
    priority: int = Field(Need.Priority.MEDIUM, ge=1, le=3, description="1 high, 2 medium, 3 low.")
    source: NeedSource = Need.Source.OTHER


class MeasureIn(Schema):
    area_id: Id
    title: str = Field(min_length=1, max_length=NAME_MAX)
    description: str = Field("", max_length=TEXT_MAX)
    measure_type_id: Id | None = None
    budget_ore: Ore = 0
    target_group: str = Field("", max_length=NAME_MAX)
    need_ids: list[Id] = Field([], max_length=MAX_LINKED_NEEDS)


class ApproveIn(Schema):
    union_id: Id | None = Field(None, description="The union approving; null for the employer.")


class PlanOut(Schema):
    id: int
    title: str
    period_start: date
    period_end: date
    status: PlanStatus
    version: int
    previous_id: int | None
    fund_period_id: int | None
    approved_at: datetime | None


class PlanAreaOut(Schema):
    id: int
    name: str
    order: int


class NeedOut(Schema):
    id: int
    area_id: int
    title: str
    description: str
    priority: int
    score: int | None
    source: NeedSource


class MeasureOut(Schema):
    id: int
    area_id: int
    title: str
    description: str
    measure_type_id: int | None
    budget_ore: int
    target_group: str
    need_ids: list[int]


class ApprovalOut(Schema):
    party_id: int | None
    name: str
    approved: bool
    approved_at: datetime | None
    mine: bool


class PlanDetailOut(PlanOut):
    """The plan page: its contents, the parties' approvals and what the caller may do."""

    analyses: str
    areas: list[PlanAreaOut]
    needs: list[NeedOut]
    measures: list[MeasureOut]
    total_budget_ore: int
    approvals: list[ApprovalOut]
    approval_problem: str
    workshop_ids: list[int]
    editable: bool
    newer_id: int | None


class PlanImportedOut(Schema):
    needs: int
