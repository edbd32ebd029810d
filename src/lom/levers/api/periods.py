"""The levers and campaigns API: thin, the same selectors and services as the pages.

`periods_router` (mounted at /funds): the levers of one fund period with their expected
effects, the conversion used and where it comes from (`GET /funds/periods/{period_id}/levers`),
and the round from unplanned money (`POST /funds/periods/{period_id}/levers/round`)."""

from datetime import date
from typing import Literal

from django.http import Http404, HttpRequest
from django.urls import reverse
from ninja import Field, Router, Schema, Status

from lom.common.bounds import MAX_AMOUNT_ORE, NAME_MAX, TEXT_MAX
from lom.common.schemas import Day, Id
from lom.common.validation import require
from lom.decisions.api._common import REFUSALS, actor_of, named_as_in_api
from lom.decisions.api.rounds import RoundOut, round_out
from lom.funds.models import FundPeriod
from lom.funds.selectors import fund_period_get
from lom.levers import services
from lom.levers.permissions import can_read_levers, sees_manager_names
from lom.levers.selectors.funnel import hidden
from lom.levers.selectors.items import Lever, LeverItem
from lom.levers.selectors.levers import PeriodLevers, period_levers
from lom.organisations.access import Actor

# Mounted at /funds: the levers of one fund period, /funds/periods/{id}/levers.
periods_router = Router(tags=["levers"])

LeverKey = Literal["under_reached", "silent_units", "unplanned", "group_measures"]
AudienceDimension = Literal["all", "unit", "occupational_group", "age_band", "gender", "managers"]
RateSource = Literal["default", "history"]


class LeverConversionOut(Schema):
    """The rates every effect was computed with: effect = people × apply_rate × approval_rate
    × average_grant_kr, capped by the money the lever is about."""

    apply_rate: float
    apply_source: RateSource
    campaigns: int
    approval_rate: float
    average_grant_kr: int
    grant_source: RateSource
    decided_cases: int


class LeverItemOut(Schema):
    label: str
    dimension: AudienceDimension
    # The audience's value as the campaign form takes it (a unit id, a group's name, ...).
    value: str
    people: int
    effect_kr: int
    cap_kr: int | None
    # Where to act in the UI: a new campaign or nudge (with the audience), or the round form.
    link: str
    staff: int | None = None
    staff_share: float | None = None
    funds_share: float | None = None
    # The silent unit's manager, for coordinators only ("" otherwise).
    manager: str = ""
    need_id: int | None = None
    area: str = ""
    library_entry_ids: list[int] = []


class LeverOut(Schema):
    key: LeverKey
    title: str
    explanation: str
    # The best item's effect (items of one lever may reach the same people).
    effect_kr: int
    items: list[LeverItemOut]


class LeverAreaOut(Schema):
    area_id: int
    name: str
    planned_kr: int
    used_kr: int
    left_kr: int


class LeverCarryOverOut(Schema):
    period_id: int
    name: str
    start: date
    received_kr: int
    passed_on_kr: int


class LeverUnplannedOut(Schema):
    plan_id: int | None
    remaining_kr: int
    earmarked_kr: int
    # The budget frames of the period's open application rounds.
    rounds_kr: int
    unplanned_kr: int
    areas: list[LeverAreaOut]
    carry_over: list[LeverCarryOverOut]


class LeverForecastOut(Schema):
    projected_unused_kr: int | None
    unused_percent: int | None
    warning: bool


class CampaignForecastOut(Schema):
    id: int
    title: str
    sent_on: date | None
    lever: str
    recipients: int | None = Field(description="People reached; null from 1 to 4 (suppressed)")
    forecast_unused_before_kr: int | None
    forecast_unused_after_kr: int | None


class PeriodLeversOut(Schema):
    period_id: int
    forecast: LeverForecastOut
    conversion: LeverConversionOut
    # Ranked: the strongest lever first, each lever's items the strongest first.
    levers: list[LeverOut]
    unplanned: LeverUnplannedOut
    campaigns: list[CampaignForecastOut]


class LeverRoundIn(Schema):
    title: str = Field(min_length=1, max_length=NAME_MAX)
    opens_on: Day
    closes_on: Day
    # The budget frame; null takes the whole unplanned amount (never more).
    budget_ore: int | None = Field(None, ge=1, le=MAX_AMOUNT_ORE)
    # Empty takes the call prefilled from the plan's needs.
    call_text: str = Field("", max_length=TEXT_MAX)


def _period(actor: Actor, period_id: int) -> FundPeriod:
    period = fund_period_get(organisation=actor.organisation, pk=period_id)
    if period is None:
        raise Http404
    return period


def _item(item: LeverItem) -> LeverItemOut:
    d = item.detail
    return LeverItemOut(
        label=item.label,
        dimension=item.dimension,  # type: ignore[arg-type]
        value=item.value,
        people=item.people,
        effect_kr=item.effect_kr,
        cap_kr=item.cap_kr,
        link=item.link,
        staff=d.get("staff"),
        staff_share=d.get("staff_share"),
        funds_share=d.get("funds_share"),
        manager=d.get("manager", ""),
        need_id=d.get("need_id"),
        area=d.get("area", ""),
        library_entry_ids=[pk for pk, _title in d.get("entries", [])],
    )


def _lever(lever: Lever) -> LeverOut:
    return LeverOut(
        key=lever.key,  # type: ignore[arg-type]
        title=lever.title,
        explanation=lever.explanation,
        effect_kr=lever.effect_kr,
        items=[_item(i) for i in lever.items],
    )


def _out(found: PeriodLevers) -> PeriodLeversOut:
    c, f, m = found.conversion, found.forecast, found.unplanned
    return PeriodLeversOut(
        period_id=found.period.pk,
        forecast=LeverForecastOut(
            projected_unused_kr=None if f.projected_unused is None else f.projected_unused // 100,
            unused_percent=f.unused_percent,
            warning=f.warning,
        ),
        conversion=LeverConversionOut(
            apply_rate=c.apply_rate,
            apply_source=c.apply_source,  # type: ignore[arg-type]
            campaigns=c.campaigns,
            approval_rate=c.approval_rate,
            average_grant_kr=c.average_grant_kr,
            grant_source=c.grant_source,  # type: ignore[arg-type]
            decided_cases=c.decided_cases,
        ),
        levers=[_lever(lev) for lev in found.levers],
        unplanned=LeverUnplannedOut(
            plan_id=m.plan.pk if m.plan else None,
            remaining_kr=m.remaining_kr,
            earmarked_kr=m.earmarked_kr,
            rounds_kr=m.rounds_kr,
            unplanned_kr=m.unplanned_kr,
            areas=[
                LeverAreaOut(
                    area_id=a.area_id,
                    name=a.name,
                    planned_kr=a.planned_kr,
                    used_kr=a.used_kr,
                    left_kr=a.left_kr,
                )
                for a in m.areas
            ],
            carry_over=[
                LeverCarryOverOut(
                    period_id=t.period_id,
                    name=t.name,
                    start=t.start,
                    received_kr=t.received_kr,
                    passed_on_kr=t.passed_on_kr,
                )
                for t in m.trend
            ],
        ),
        campaigns=[
            CampaignForecastOut(
                id=s.pk,
                title=s.title,
                sent_on=s.sent_on,
                lever=s.lever,
                recipients=None if hidden(s.recipients) else s.recipients,
                forecast_unused_before_kr=s.forecast_unused_before_kr,
                forecast_unused_after_kr=s.forecast_unused_after_kr,
            )
            for s in found.campaigns
        ],
    )


@periods_router.get(
    "/periods/{period_id}/levers",
    response=PeriodLeversOut,
    summary="The levers against unused money of a fund period, ranked by expected effect",
)
def period_levers_get(request: HttpRequest, period_id: Id) -> PeriodLeversOut:
    actor = actor_of(request)
    require(can_read_levers(actor))
    period = _period(actor, period_id)
    return _out(
        period_levers(
            period=period,
            manager_names=sees_manager_names(actor),
            round_link=reverse("levers:round", args=[period.pk]),
        )
    )


@periods_router.post(
    "/periods/{period_id}/levers/round",
    response={201: RoundOut, **REFUSALS},
    summary="Open an application round for development projects from the unplanned money",
)
def period_levers_round(request: HttpRequest, period_id: Id, payload: LeverRoundIn) -> Status:
    actor = actor_of(request)
    require(can_read_levers(actor))
    period = _period(actor, period_id)
    with named_as_in_api():
        rnd = services.round_from_unplanned(
            actor=actor,
            period=period,
            title=payload.title,
            opens_on=payload.opens_on,
            closes_on=payload.closes_on,
            budget_ore=payload.budget_ore,
            call_text=payload.call_text,
        )
    return Status(201, round_out(actor, rnd.pk))
