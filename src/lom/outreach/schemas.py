"""The outreach API's input and output schemas: every text bounded, every enum closed, every
answer typed (unknown values answer 422 naming the field)."""

from datetime import date
from typing import Annotated

from ninja import Field, Schema

from lom.common.bounds import DB_ID_MAX
from lom.common.schemas import Day
from lom.outreach.models import (
    CAMPAIGN_TEXT_MAX,
    CONTACT_NAME_MAX,
    NEWS_BODY_MAX,
    NEWS_TITLE_MAX,
    PHONE_MAX,
    SORT_ORDER_MAX,
    PublishStatus,
)

MAX_CODES = 50
Code = Annotated[str, Field(max_length=50)]
# An organisation's slug in a public address.
Slug = Annotated[str, Field(min_length=1, max_length=50, pattern=r"^[-a-zA-Z0-9_]+$")]
# A year of the reach figures.
Year = Annotated[int, Field(ge=2000, le=2100)]


class NewsIn(Schema):
    title: str = Field(min_length=1, max_length=NEWS_TITLE_MAX)
    body: str = Field(min_length=1, max_length=NEWS_BODY_MAX)
    publish_from: Day
    publish_to: Day | None = None
    status: PublishStatus = PublishStatus.DRAFT


class NewsOut(Schema):
    id: int
    title: str
    body: str
    publish_from: date
    publish_to: date | None
    status: str


class CampaignIn(Schema):
    title: str = Field(min_length=1, max_length=NEWS_TITLE_MAX)
    text: str = Field(min_length=1, max_length=CAMPAIGN_TEXT_MAX)
    starts_on: Day
    ends_on: Day
    measure_type_codes: list[Code] = Field(default_factory=list, max_length=MAX_CODES)
    status: PublishStatus = PublishStatus.DRAFT


class CampaignOut(Schema):
    id: int
    title: str
    text: str
    starts_on: date
    ends_on: date
    status: str
    measure_type_codes: list[str]


class ContactIn(Schema):
    name: str = Field(min_length=1, max_length=CONTACT_NAME_MAX)
    role: str = Field(min_length=1, max_length=CONTACT_NAME_MAX)
    email: str = Field(min_length=3, max_length=254)
    phone: str = Field("", max_length=PHONE_MAX)
    union_id: int | None = Field(None, ge=1, le=DB_ID_MAX)
    sort_order: int = Field(100, ge=0, le=SORT_ORDER_MAX)


class PublicContactOut(Schema):
    name: str
    role: str
    email: str
    phone: str
    union: str | None


class ContactOut(PublicContactOut):
    id: int
    union_id: int | None
    sort_order: int


class GuideQuery(Schema):
    goal: str = Field("", max_length=40)
    suits: list[Code] = Field(default_factory=list, max_length=20)
    tenure: str = Field("", max_length=40)
    part_time: str = Field("", max_length=10)
    manager: str = Field("", max_length=10)


class OrganisationOut(Schema):
    name: str
    slug: str
    kind: str


class PublicAgreementOut(Schema):
    title: str
    valid_from: date
    valid_to: date | None
    purpose_text: str
    exclusions: str
    excludes_ordinary_training: bool
    application_kinds: list[str]
    requires_manager_endorsement: bool
    decision_model: str
    decision_model_label: str
    cap_per_person_ore: int | None
    cap_per_application_ore: int | None
    unions: list[str]


class MeasureTypeOut(Schema):
    code: str
    name: str
    description: str


class PublicNewsOut(Schema):
    title: str
    body: str
    published: date


class PublicCampaignOut(Schema):
    id: int
    title: str
    text: str
    starts_on: date
    ends_on: date
    measure_type_codes: list[str]


class OutreachRoundOut(Schema):
    title: str
    opens_on: date
    closes_on: date


class ExampleOut(Schema):
    title: str
    summary: str
    measure_types: list[str]
    cost_per_participant_ore: int | None
    participants_band: str
    outcome: str
    url: str


class PublicPageOut(Schema):
    organisation: OrganisationOut
    agreement: PublicAgreementOut | None
    measure_types: list[MeasureTypeOut]
    contacts: list[PublicContactOut]
    union_contacts: list[PublicContactOut]
    news: list[PublicNewsOut]
    campaign: PublicCampaignOut | None
    application_rounds: list[OutreachRoundOut]
    examples: list[ExampleOut]


class GuideMeasureOut(Schema):
    code: str
    name: str
    explanation: str


class GuideOut(Schema):
    measure_types: list[GuideMeasureOut]
    notes: list[str]
    group_options: bool
    apply_url: str


class MonthOut(Schema):
    month: int
    page_view: int
    guide_view: int
    guide_result: int
    apply_click: int
    application: int


class CampaignReachOut(Schema):
    id: int
    title: str
    starts_on: date
    ends_on: date
    visits_during: int
    arrivals_with_marker: int
    apply_clicks: int
    applications: int


class ReachOut(Schema):
    year: int
    months: list[MonthOut]
    totals: dict[str, int]
    campaigns: list[CampaignReachOut]
    guide_answers: dict[str, int]
