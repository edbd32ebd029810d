"""The campaigns API's schemas: every text bounded, every enum a Literal (unique names), money
in kronor (the levers' own unit), counts that are hidden (1 to 4 people) answered as null."""

from datetime import date, datetime
from typing import Literal

from ninja import Field, Schema

from lom.common.bounds import DB_ID_MAX
from lom.common.schemas import Day
from lom.levers.models import BODY_MAX, MAX_EFFECT_KR, SUBJECT_MAX, TITLE_MAX, VALUE_MAX

CampaignKindName = Literal["employees", "nudge"]
CampaignLeverName = Literal["", "under_reached", "silent_units", "unplanned", "group_measures"]
CampaignDimensionName = Literal[
    "all", "unit", "occupational_group", "age_band", "gender", "managers"
]
CampaignLandingName = Literal["page", "guide"]
CampaignStatusName = Literal["draft", "scheduled", "sent", "cancelled"]


class LeverCampaignIn(Schema):
    title: str = Field(min_length=1, max_length=TITLE_MAX)
    subject: str = Field(min_length=1, max_length=SUBJECT_MAX)
    body: str = Field(min_length=1, max_length=BODY_MAX)
    send_on: Day
    kind: CampaignKindName = "employees"
    dimension: CampaignDimensionName = "all"
    value: str = Field(default="", max_length=VALUE_MAX)
    lever: CampaignLeverName = ""
    period_id: int | None = Field(default=None, ge=1, le=DB_ID_MAX)
    measure_id: int | None = Field(default=None, ge=1, le=DB_ID_MAX)
    by_email: bool = True
    by_notice: bool = True
    landing: CampaignLandingName = "page"
    expected_effect_kr: int | None = Field(default=None, ge=0, le=MAX_EFFECT_KR)


class LeverCampaignOut(Schema):
    id: int
    title: str
    subject: str
    body: str
    kind: CampaignKindName
    lever: CampaignLeverName
    dimension: CampaignDimensionName
    value: str
    period_id: int | None
    by_email: bool
    by_notice: bool
    landing: CampaignLandingName
    send_on: date
    status: CampaignStatusName
    expected_effect_kr: int | None
    recipients: int | None  # null when 1 to 4
    sent_at: datetime | None
    forecast_unused_at_send_kr: int | None
    marker: int | None


class AudienceOut(Schema):
    total: int | None
    with_email: int | None
    in_app_only: int | None
    opted_out: int | None
    reachable: int | None
    too_small: bool


class WhatIfOut(Schema):
    unused_now_kr: int
    effect_kr: int
    unused_after_kr: int


class ConversionOut(Schema):
    apply_rate: float
    approval_rate: float
    average_grant_kr: int
    apply_source: Literal["default", "history"]
    campaigns: int
    grant_source: Literal["default", "history"]
    decided_cases: int


class CampaignPreviewOut(Schema):
    audience: AudienceOut
    conversion: ConversionOut
    effect_kr: int
    what_if: WhatIfOut | None


class FunnelStepOut(Schema):
    code: Literal["sent", "delivered", "opened", "started", "submitted", "approved"]
    label: str
    count: int | None  # null: fewer than 5


class CampaignStatisticsOut(Schema):
    steps: list[FunnelStepOut]
    committed_kr: int | None
    forecast_unused_at_send_kr: int | None
    forecast_unused_now_kr: int | None


class KitExampleOut(Schema):
    title: str
    summary: str
    url: str


class KitOut(Schema):
    organisation_name: str
    unit_name: str
    manager_name: str
    pays_for: str
    exclusions: str
    measure_types: list[str]
    groups: list[str]
    examples: list[KitExampleOut]
    public_url: str
