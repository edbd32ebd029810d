"""Unplanned money: what is left to decide in a fund period minus what the approved plan still
earmarks (per area of measures: planned budget less what has been granted under it) and minus
the budget frames of the period's open application rounds, and the carry-over over the years.
Kronor, from the ledger's öre."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Sum
from django.utils.translation import gettext as _

from lom.decisions.models import ApplicationRound
from lom.funds.models import FundPeriod
from lom.funds.selectors import Balance, carried_out, fund_periods_with_balances
from lom.levers.selectors.items import ore_to_kr
from lom.planning.models import Need, TransitionPlan
from lom.planning.selectors import plan_current
from lom.reports.plan_actual import plan_vs_actual

# The periods the carry-over trend goes back over (yearly periods: ten years).
TREND_PERIODS = 10


@dataclass(frozen=True)
class AreaMoney:
    name: str
    area_id: int
    planned_kr: int
    used_kr: int  # granted (committed or spent) under the area's needs

    @property
    def left_kr(self) -> int:
        """Still earmarked: planned but not yet granted (never below zero)."""
        return max(self.planned_kr - self.used_kr, 0)


@dataclass(frozen=True)
class CarryOver:
    period_id: int
    name: str
    start: date
    received_kr: int  # carried over into the period
    passed_on_kr: int  # carried over from it to the next one


@dataclass(frozen=True)
class UnplannedMoney:
    plan: TransitionPlan | None
    remaining_kr: int  # left to decide in the period
    earmarked_kr: int  # what the plan still earmarks (sum of the areas' left)
    rounds_kr: int  # the budget frames of the period's open application rounds
    areas: list[AreaMoney]
    trend: list[CarryOver]  # oldest first

    @property
    def unplanned_kr(self) -> int:
        return max(self.remaining_kr - self.earmarked_kr - self.rounds_kr, 0)


def plan_for_period(*, period: FundPeriod, on: date) -> TransitionPlan | None:
    """The approved plan of the period: the one that names it, else the one in force on `on`."""
    named = (
        TransitionPlan.objects.filter(
            organisation_id=period.organisation_id,
            fund_period=period,
            status=TransitionPlan.Status.APPROVED,
        )
        .order_by("-version", "-id")
        .first()
    )
    return named or plan_current(organisation=period.organisation, on=on)


def plan_needs(*, plan: TransitionPlan | None, limit: int = 20) -> list[Need]:
    if plan is None:
        return []
    return list(plan.needs.select_related("area").order_by("priority", "area__order", "id")[:limit])


def carry_over_trend(*, period: FundPeriod) -> list[CarryOver]:
    """The organisation's newest periods up to this one: received and passed-on carry-over."""
    rows = fund_periods_with_balances(organisation=period.organisation, limit=TREND_PERIODS * 3)
    rows = [(p, b) for p, b in rows if p.start <= period.start][:TREND_PERIODS]
    return sorted(
        (
            CarryOver(
                period_id=p.pk,
                name=p.name,
                start=p.start,
                received_kr=ore_to_kr(b.carried_over),
                passed_on_kr=ore_to_kr(carried_out(period=p)),
            )
            for p, b in rows
        ),
        key=lambda c: c.start,
    )


def open_rounds_ore(*, period: FundPeriod) -> int:
    """What the period's open rounds have announced: not in the ledger until decided."""
    total = ApplicationRound.objects.filter(
        organisation_id=period.organisation_id, period=period, status=ApplicationRound.Status.OPEN
    ).aggregate(s=Sum("budget_ore"))["s"]
    return int(total or 0)


def unplanned_money(*, period: FundPeriod, balance: Balance, on: date) -> UnplannedMoney:
    plan = plan_for_period(period=period, on=on)
    areas: list[AreaMoney] = []
    if plan is not None:
        actual = plan_vs_actual(plan=plan, case_limit=0)
        areas = [
            AreaMoney(
                name=row.area.name,
                area_id=row.area.pk,
                planned_kr=ore_to_kr(row.planned),
                used_kr=ore_to_kr(row.balance.committed + row.balance.spent),
            )
            for row in actual.areas
            if row.area is not None
        ]
    return UnplannedMoney(
        plan=plan,
        remaining_kr=ore_to_kr(balance.remaining),
        earmarked_kr=sum(a.left_kr for a in areas),
        rounds_kr=ore_to_kr(open_rounds_ore(period=period)),
        areas=areas,
        trend=carry_over_trend(period=period),
    )


def round_call_text(*, plan: TransitionPlan | None, unplanned_kr: int) -> str:
    """The call of a round from unplanned money, prefilled from the plan's needs."""
    lines = [
        _(
            "Det finns %(kr)s kr i fonden som ingen plan eller ansökan ännu har tagit i anspråk. "
            "Vi söker utvecklingsprojekt som förbereder verksamheten och medarbetarna för de "
            "förändringar som planen beskriver."
        )
        % {"kr": f"{unplanned_kr:,}".replace(",", "\u00a0")},
    ]
    needs = plan_needs(plan=plan)
    if needs:
        lines += ["", _("Behov i omställningsplanen ”%(p)s”:") % {"p": plan.title if plan else ""}]
        lines += [f"– {n.title} ({n.area.name})" for n in needs]
    return "\n".join(lines)
