"""The campaigns a lever's effect is read with (interface shared with the campaigns' own
module): the conversion rates, the audience a campaign would reach, and the campaigns of a
fund period with the forecast before and after each.

A minimal version: no campaign has been sent yet, so the conversion is the documented
default of `lom.levers.effects`, the audience is read from the staff register, and a period
has no campaigns. The campaigns' module replaces it with the same names and signatures."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet

from lom.funds.models import FundPeriod
from lom.levers.effects import DEFAULT_CONVERSION, Conversion
from lom.organisations.models import Employee, Organisation, Unit
from lom.reports.figures.fairness import AGE_BANDS

DIMENSIONS = ("all", "unit", "occupational_group", "age_band", "gender", "managers")


@dataclass(frozen=True)
class CampaignSummary:
    pk: int
    title: str
    sent_on: date | None
    lever: str
    recipients: int
    forecast_unused_before_kr: int | None
    forecast_unused_after_kr: int | None


def conversion_for(*, organisation: Organisation) -> Conversion:
    """The rates a lever's expected effect is computed with (the defaults: no history)."""
    return DEFAULT_CONVERSION


def _ids(value: str) -> list[int]:
    return [int(v) for v in value.split(",") if v.strip().isdigit()]


def _audience(organisation: Organisation, dimension: str, value: str) -> QuerySet[Employee]:
    staff = Employee.objects.filter(organisation=organisation, active=True).filter(
        ~Q(email="") | Q(user__isnull=False)
    )
    if dimension == "all":
        return staff
    if dimension == "unit":
        unit = Unit.objects.filter(organisation=organisation, pk__in=_ids(value)[:1]).first()
        return staff.filter(unit__path__startswith=unit.path) if unit else staff.none()
    if dimension == "occupational_group":
        return staff.filter(occupational_group=value) if value else staff.none()
    if dimension == "gender":
        return staff.filter(gender=value) if value in Employee.Gender.values else staff.none()
    if dimension == "age_band" and value.isdigit() and int(value) <= len(AGE_BANDS):
        year = date.today().year
        band = int(value)
        if band == len(AGE_BANDS):
            return staff.filter(birth_year__lte=year - 60)
        lo, hi, _label = AGE_BANDS[band]
        return staff.filter(birth_year__gte=year - hi, birth_year__lte=year - lo)
    if dimension == "managers":
        managers = Unit.objects.filter(organisation=organisation, pk__in=_ids(value)).values(
            "manager_id"
        )
        return staff.filter(pk__in=managers)
    return staff.none()


def audience_count(*, organisation: Organisation, dimension: str, value: str) -> int:
    """Employees a campaign to this audience would reach: active, with an address."""
    return _audience(organisation, dimension, str(value)).count()


def campaigns_for_period(
    *, organisation: Organisation, period: FundPeriod
) -> list[CampaignSummary]:
    """The campaigns sent during the period (none in this version)."""
    return []
