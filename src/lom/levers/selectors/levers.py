"""The levers of a fund period: what the forecast's warning can be turned into, each item with
its expected effect in kronor (`lom.levers.effects`, one formula) and ranked by it.

- under-reached groups (`_under_reached`): from the fairness figures, groups whose share of the
  money is far below their share of the workforce; never a group under 5 people, never a
  suppressed cell;
- silent units (`_silent_units`): units of 5 or more employees without an application in the
  last 12 months, with their managers. Each unit's own action is a campaign to its staff; the
  managers are nudged together (`nudge_all_link`), since no campaign reaches fewer than 5
  people and a nudge to one unit's manager would be one person;
- unplanned money (`unplanned_money`): what is left to decide minus what the approved plan
  still earmarks, per area of measures, and the carry-over over the years;
- group measures (`_group_measures`): published library entries carried out with a group that
  answer a need of the plan, for the units that have that need.

Amounts from the ledger are in öre; a lever's figures are in kronor (converted here)."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from lom.funds.models import FundPeriod
from lom.funds.selectors import (
    Balance,
    Forecast,
    fund_balance,
    fund_forecast,
    unused_warning_percent_for,
)
from lom.levers.effects import Conversion, expected_effect_kr
from lom.levers.models import MIN_AUDIENCE
from lom.levers.selectors.campaigns import (
    CampaignSummary,
    audience_count,
    campaigns_for_period,
    conversion_for,
)
from lom.levers.selectors.groups import fairness_levers
from lom.levers.selectors.items import Lever, LeverItem, ore_to_kr, ranked
from lom.levers.selectors.links import campaign_url
from lom.levers.selectors.money import UnplannedMoney, unplanned_money
from lom.levers.selectors.needs import need_levers
from lom.organisations.models import Employee, Organisation, Unit

LEVER_KEYS = ("under_reached", "silent_units", "unplanned", "group_measures")
# The smallest group a lever may name (the privacy rule of every figure).
MIN_GROUP = 5
# How far back an application makes a unit not silent.
SILENT_DAYS = 365


@dataclass(frozen=True)
class PeriodLevers:
    period: FundPeriod
    balance: Balance
    forecast: Forecast
    conversion: Conversion
    levers: list[Lever]  # ranked by effect, the strongest first
    unplanned: UnplannedMoney
    campaigns: list[CampaignSummary]

    def lever(self, key: str) -> Lever:
        return next(lev for lev in self.levers if lev.key == key)


def period_forecast(*, period: FundPeriod, today: date) -> tuple[Balance, Forecast]:
    balance = fund_balance(period=period)
    forecast = fund_forecast(
        period=period,
        balance=balance,
        today=today,
        warning_percent=unused_warning_percent_for(organisation=period.organisation),
    )
    return balance, forecast


def _silent_units(
    organisation: Organisation,
    period: FundPeriod,
    balance: Balance,
    conversion: Conversion,
    *,
    today: date,
    names: bool,
) -> list[LeverItem]:
    """Units with at least MIN_GROUP active employees of their own and no application (any
    case past draft: submitted, decided, withdrawn...) from the unit in the last 12 months."""
    since = timezone.make_aware(
        datetime.combine(today - timedelta(days=SILENT_DAYS), datetime.min.time())
    )
    staff = dict(
        Employee.objects.filter(organisation=organisation, active=True)
        .values_list("unit_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    total = sum(staff.values())
    applied = set(
        organisation.cases.filter(created_at__gte=since, unit__isnull=False)
        .exclude(status="draft")
        .values_list("unit_id", flat=True)
        .distinct()
    )
    units = (
        Unit.objects.filter(
            organisation=organisation, pk__in=[u for u, n in staff.items() if n >= MIN_GROUP]
        )
        .exclude(pk__in=applied)
        .select_related("manager")
    )
    items = []
    for unit in units:
        n = staff[unit.pk]
        cap = ore_to_kr(balance.available * n // total) if total else 0
        people = audience_count(organisation=organisation, dimension="unit", value=str(unit.pk))
        if people < MIN_GROUP:  # a campaign could not reach them (nor may a count show)
            continue
        manager = unit.manager
        items.append(
            LeverItem(
                label=unit.name,
                dimension="unit",
                value=str(unit.pk),
                people=people,
                effect_kr=expected_effect_kr(people=people, conversion=conversion, cap_kr=cap),
                cap_kr=cap,
                link=campaign_url(
                    period=period.pk,
                    lever="silent_units",
                    dimension="unit",
                    value=str(unit.pk),
                    effect=expected_effect_kr(people=people, conversion=conversion, cap_kr=cap),
                ),
                detail={
                    "staff": n,
                    "has_manager": manager is not None,
                    "manager": (
                        f"{manager.first_name} {manager.last_name}" if names and manager else ""
                    ),
                },
            )
        )
    return items


def _unplanned_items(
    organisation: Organisation,
    period: FundPeriod,
    money: UnplannedMoney,
    conversion: Conversion,
    *,
    link: str,
) -> list[LeverItem]:
    if money.unplanned_kr <= 0:
        return []
    people = audience_count(organisation=organisation, dimension="all", value="")
    return [
        LeverItem(
            label=_("Ansökningsomgång för utvecklingsprojekt"),
            dimension="all",
            value="",
            people=people,
            effect_kr=expected_effect_kr(
                people=people, conversion=conversion, cap_kr=money.unplanned_kr
            ),
            cap_kr=money.unplanned_kr,
            link=link,
        )
    ]


def period_levers(
    *,
    period: FundPeriod,
    today: date | None = None,
    manager_names: bool = False,
    round_link: str = "",
) -> PeriodLevers:
    """The four levers of a period, each item ranked by its expected effect and the levers by
    their best item. `manager_names`: name the silent units' managers (for coordinators)."""
    today = today or timezone.localdate()
    organisation = period.organisation
    balance, forecast = period_forecast(period=period, today=today)
    conversion = conversion_for(organisation=organisation)
    on = min(max(today, period.start), period.end)
    money = unplanned_money(period=period, balance=balance, on=on)
    levers = [
        Lever(
            "under_reached",
            _("Grupper som medlen inte når"),
            _(
                "Grupper vars andel av medlen ligger långt under deras andel av de anställda "
                "(enheter, yrkesgrupper, åldersgrupper och kön; aldrig en grupp under fem "
                "personer)."
            ),
            ranked(
                fairness_levers(
                    organisation=organisation, period=period, year=on.year, conversion=conversion
                )
            ),
        ),
        Lever(
            "silent_units",
            _("Tysta enheter"),
            _("Enheter med minst fem anställda som inte har sökt medel de senaste tolv månaderna."),
            ranked(
                _silent_units(
                    organisation, period, balance, conversion, today=today, names=manager_names
                )
            ),
        ),
        Lever(
            "unplanned",
            _("Oplanerade medel"),
            _(
                "Det som finns kvar att besluta om minus det som den godkända planen fortfarande "
                "avsätter per insatsområde och det som öppna ansökningsomgångar har utlyst."
            ),
            _unplanned_items(organisation, period, money, conversion, link=round_link),
        ),
        Lever(
            "group_measures",
            _("Gruppinsatser ur biblioteket"),
            _(
                "Gruppinsatser som andra har genomfört och som svarar mot planens behov, för "
                "enheterna med behoven."
            ),
            ranked(
                need_levers(
                    organisation=organisation,
                    period=period,
                    plan=money.plan,
                    areas=money.areas,
                    conversion=conversion,
                )
            ),
        ),
    ]
    levers.sort(key=lambda lev: -lev.effect_kr)
    return PeriodLevers(
        period=period,
        balance=balance,
        forecast=forecast,
        conversion=conversion,
        levers=levers,
        unplanned=money,
        campaigns=campaigns_for_period(organisation=organisation, period=period),
    )


def nudge_all_link(levers: PeriodLevers) -> str:
    """One nudge to the managers of every silent unit (the units are apart: effects add up),
    or "" while those managers are fewer than the 5 people every campaign reaches."""
    items = levers.lever("silent_units").items
    value = ",".join(i.value for i in items)
    if not items:
        return ""
    org = levers.period.organisation
    if audience_count(organisation=org, dimension="managers", value=value) < MIN_AUDIENCE:
        return ""
    return campaign_url(
        period=levers.period.pk,
        lever="silent_units",
        dimension="managers",
        value=value,
        kind="nudge",
        effect=sum(i.effect_kr for i in items),
    )
