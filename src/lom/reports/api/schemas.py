"""Response and request schemas of the reports API."""

from datetime import datetime
from typing import Annotated, Any, Literal

from ninja import Field, Schema

from lom.cases.models import Decision
from lom.cases.models import Status as CaseStatus
from lom.common.bounds import COMMENT_MAX
from lom.common.schemas import Id, inline_choices
from lom.followup.models import LATER_MONTHS_MAX, REMINDER_DAYS_MAX
from lom.reports.models import FIRST_YEAR, ReportJob, ReportSection

LAST_YEAR = 2100  # a year above this is refused by the schema (422, naming `year`)
YearField = Field(..., ge=FIRST_YEAR, le=LAST_YEAR)
Year = Annotated[int, Field(ge=FIRST_YEAR, le=LAST_YEAR)]


AnnualSection = Annotated[ReportSection, inline_choices(ReportSection)]
DecisionOutcome = Annotated[Decision.Outcome, inline_choices(Decision.Outcome)]
CaseStatusValue = Annotated[CaseStatus, inline_choices(CaseStatus)]


class DecisionFilterIn(Schema):
    """The decisions report's filters: decided in `year`, the `outcome`, `q` (the start of the
    case number or a word of the title)."""

    year: Year | None = None
    outcome: DecisionOutcome | None = None
    q: str = Field("", max_length=100)


class CaseFilterIn(Schema):
    """The case list's filters: `status`, `unit_id` (the unit and the units under it), `q`
    (the case number or a word of the title), `mine` (only the caller's own applications)."""

    status: CaseStatusValue | Literal[""] = ""
    unit_id: Id | None = None
    q: str = Field("", max_length=100)
    mine: bool = False


class ColumnOut(Schema):
    key: str
    label: str
    kind: str


class TableOut(Schema):
    key: str
    title: str
    columns: list[ColumnOut]
    rows: list[list[Any]]
    suppressed: list[list[int]]
    # per cell of `rows` (and of `total`): "primary" (fewer than 5 people), "secondary" (hidden
    # so that another hidden cell cannot be worked out) or null (shown)
    suppressed_reasons: list[list[str | None]]
    total: list[Any] | None
    total_suppressed: list[str | None] | None
    flagged: list[int]
    note: str


class PeriodRefOut(Schema):
    id: int
    name: str
    start: str
    end: str


class BalanceFiguresOut(Schema):
    allocated_ore: int
    carried_over_ore: int
    committed_ore: int
    spent_ore: int
    remaining_ore: int


class ForecastFiguresOut(Schema):
    projected_unused_ore: int | None
    unused_percent: int | None
    warning: bool
    warning_percent: int
    runs_out_on: str | None


class PeriodFiguresOut(Schema):
    period: PeriodRefOut
    balance: BalanceFiguresOut
    forecast: ForecastFiguresOut
    tables: list[TableOut]


class AnnualCommentOut(Schema):
    section: AnnualSection
    text: str


class AnnualFiguresOut(Schema):
    year: int
    tables: list[TableOut]
    # the coordinator's comments per section of the report (sections without one left out)
    comments: list[AnnualCommentOut]


class AnnualCommentIn(Schema):
    text: str = Field("", max_length=COMMENT_MAX)  # empty: the comment is cleared


class FairnessOut(Schema):
    year: int
    staff: int | None
    recipients: int | None
    tables: list[TableOut]


class SurveyThemeOut(Schema):
    code: str = Field(description="competence, career, health, leadership, time, cost or other")
    label: str
    texts: list[str]


class SurveysOut(Schema):
    year: int
    tables: list[TableOut] = Field(
        description="The answers, how participants heard of the funds, the response rates per "
        "measure type (`survey_response_rates`) and, for the roles that read follow-ups, per "
        "measure (`survey_response_rates_by_measure`)."
    )
    min_answers: int
    free_texts: list[str] | None = Field(
        description="The year's free-text answers; null when fewer than `min_answers` answered "
        "or the caller's role may not read them."
    )
    themes: list[SurveyThemeOut] | None = Field(
        description="The same free texts grouped by theme (a fixed Swedish lexicon over "
        "stemmed words; a text may be under several themes); null as `free_texts`."
    )


# --- plan against actual ---------------------------------------------------------------------


class AreaActualOut(Schema):
    area_id: int | None
    area: str | None
    planned_ore: int
    committed_ore: int
    spent_ore: int
    left_ore: int
    used_percent: int | None
    case_count: int


class NamedRefOut(Schema):
    id: int
    title: str


class ReportCaseRefOut(Schema):
    id: int
    number: str
    title: str


class PlanActualOut(Schema):
    plan_id: int
    plan_title: str
    areas: list[AreaActualOut]
    unlinked: AreaActualOut
    total: AreaActualOut
    needs_without_measures: list[NamedRefOut]
    needs_without_cases: list[NamedRefOut]
    measures_without_needs: list[NamedRefOut]
    cases_without_need: list[ReportCaseRefOut]
    cases_without_need_more: bool
    flagged_count: int


class DashboardOut(Schema):
    periods: list[PeriodRefOut] = Field(description="The organisation's latest 20 periods.")
    figures: PeriodFiguresOut | None
    plan_actual: PlanActualOut | None


# --- annual report jobs, settings, decisions --------------------------------------------------


class ReportJobIn(Schema):
    year: int = YearField
    format: ReportJob.Format = ReportJob.Format.BOTH


class ReportJobOut(Schema):
    id: int
    year: int
    format: str
    status: str
    progress: int
    step: str
    error: str
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    has_pdf: bool
    has_xlsx: bool


class SettingsIn(Schema):
    unused_warning_percent: int = Field(..., ge=0, le=100)
    later_months: int = Field(..., ge=0, le=LATER_MONTHS_MAX)
    survey_reminder_days: int = Field(..., ge=1, le=REMINDER_DAYS_MAX)


class SettingsOut(SettingsIn):
    pass


class ReportDecisionOut(Schema):
    id: int
    case_id: int
    case_number: str
    case_title: str
    decided_at: datetime
    outcome: str
    amount_ore: int | None
    decided_by: str
