"""Reads of campaigns: who a campaign reaches (counts only), the conversion rates of the
organisation's earlier campaigns and decisions, the forecast before and after, and the
campaigns of a fund period (what the levers panel charts)."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Avg, Count, Q, QuerySet, Sum
from django.utils import timezone

from lom.cases.models import Case
from lom.cases.models import Status as CaseStatus
from lom.common.validation import id_or_none
from lom.funds.models import FundPeriod
from lom.funds.selectors import fund_balance, fund_forecast, unused_warning_percent_for
from lom.levers.effects import DEFAULT_CONVERSION, MIN_HISTORY_CASES, Conversion
from lom.levers.models import MIN_AUDIENCE, Campaign, Dimension, OptOut, Status
from lom.organisations.access import Actor
from lom.organisations.models import Employee, Organisation, Unit
from lom.reports.figures.fairness import AGE_BANDS

# An earlier campaign counts towards the apply rate once its recipients have had this long to
# apply: a campaign sent yesterday would pull the rate towards nothing.
MIN_CAMPAIGN_AGE_DAYS = 30
HISTORY_MONTHS_DAYS = 730  # the decisions of the last 24 months
GENDERS = ("F", "M", "X")
APPROVED_STATUSES = (CaseStatus.APPROVED, CaseStatus.IN_PROGRESS, CaseStatus.COMPLETED)
DECIDED_STATUSES = (*APPROVED_STATUSES, CaseStatus.REJECTED)
MAX_MANAGER_UNITS = 200


@dataclass(frozen=True)
class CampaignSummary:
    pk: int
    title: str
    sent_on: date | None
    lever: str
    recipients: int
    forecast_unused_before_kr: int | None
    forecast_unused_after_kr: int | None


@dataclass(frozen=True)
class AudienceCounts:
    """Who a campaign would reach, as counts: never a list."""

    total: int  # active employees of the group
    with_email: int  # of those not opted out: an address to mail
    in_app_only: int  # of those not opted out: no address, but a user (the notice only)
    opted_out: int

    @property
    def reachable(self) -> int:
        return self.with_email + self.in_app_only

    def shown(self) -> dict[str, int | None]:
        """The counts as they may be shown: None for a count from 1 to 4, and for one more
        where it could be worked out from the others (total = reachable + opted out,
        reachable = with e-mail + in-app only). Everything is None below MIN_AUDIENCE."""
        if self.reachable < MIN_AUDIENCE:
            return dict.fromkeys(("total", "with_email", "in_app_only", "opted_out", "reachable"))
        split_hidden = any(0 < n < MIN_AUDIENCE for n in (self.with_email, self.in_app_only))
        opted_hidden = 0 < self.opted_out < MIN_AUDIENCE
        return {
            "total": None if opted_hidden else self.total,
            "with_email": None if split_hidden else self.with_email,
            "in_app_only": None if split_hidden else self.in_app_only,
            "opted_out": None if opted_hidden else self.opted_out,
            "reachable": self.reachable,
        }


def unit_ids(value: str) -> list[int]:
    found = (id_or_none(part) for part in value.split(",")[:MAX_MANAGER_UNITS])
    return [pk for pk in found if pk is not None]


def audience_filter(  # tenant-scope: the caller's organisation is given
    *, organisation: Organisation, dimension: str, value: str, today: date | None = None
) -> Q | None:
    """The employees of a campaign's group as a filter, or None when the group is not valid
    (an unknown dimension, another organisation's unit, a value out of range)."""
    value = (value or "").strip()
    if dimension == Dimension.ALL:
        return Q()
    if dimension == Dimension.UNIT:
        pk = id_or_none(value)
        unit = None if pk is None else Unit.objects.filter(organisation=organisation, pk=pk).first()
        return None if unit is None else Q(unit__path__startswith=unit.path)
    if dimension == Dimension.OCCUPATIONAL_GROUP:
        return Q(occupational_group=value) if value and len(value) <= 100 else None
    if dimension == Dimension.AGE_BAND:
        band = id_or_none(value, digits=2)
        if band is None or band > len(AGE_BANDS):
            return None
        year = (today or timezone.localdate()).year
        if band == len(AGE_BANDS):
            return Q(birth_year__lte=year - 60)
        lo, hi, _label = AGE_BANDS[band]
        return Q(birth_year__gte=year - hi, birth_year__lte=year - lo)
    if dimension == Dimension.GENDER:
        return Q(gender=value) if value in GENDERS else None
    if dimension == Dimension.MANAGERS:
        ids = unit_ids(value)
        if not ids:
            return None
        managers = Unit.objects.filter(
            organisation=organisation, pk__in=ids, manager__isnull=False
        ).values("manager_id")
        return Q(pk__in=managers)
    return None


def audience_employees(
    *, organisation: Organisation, dimension: str, value: str
) -> QuerySet[Employee] | None:
    """The active employees of the group (opted out or not), or None for a group that is not
    valid."""
    where = audience_filter(organisation=organisation, dimension=dimension, value=value)
    if where is None:
        return None
    return Employee.objects.filter(where, organisation=organisation, active=True)


_HAS_EMAIL = Q(email__gt="") | Q(user__email__gt="")


def reachable_employees(*, organisation: Organisation, dimension: str, value: str):
    """Who gets the campaign: active, with an address or a user, not opted out."""
    qs = audience_employees(organisation=organisation, dimension=dimension, value=value)
    if qs is None:
        return Employee.objects.none()
    return qs.filter(_HAS_EMAIL | Q(user__isnull=False)).exclude(
        pk__in=OptOut.objects.filter(organisation=organisation).values("employee_id")
    )


def audience_counts(*, organisation: Organisation, dimension: str, value: str) -> AudienceCounts:
    qs = audience_employees(organisation=organisation, dimension=dimension, value=value)
    if qs is None:
        return AudienceCounts(0, 0, 0, 0)
    opted = Q(pk__in=OptOut.objects.filter(organisation=organisation).values("employee_id"))
    row = qs.aggregate(
        total=Count("pk"),
        opted_out=Count("pk", filter=opted),
        with_email=Count("pk", filter=_HAS_EMAIL & ~opted),
        in_app_only=Count("pk", filter=~_HAS_EMAIL & Q(user__isnull=False) & ~opted),
    )
    return AudienceCounts(
        total=row["total"],
        with_email=row["with_email"],
        in_app_only=row["in_app_only"],
        opted_out=row["opted_out"],
    )


def audience_count(*, organisation: Organisation, dimension: str, value: str) -> int:
    """Employees who would get it: active, with an e-mail or a user, not opted out."""
    return audience_counts(organisation=organisation, dimension=dimension, value=value).reachable


def forecast_unused_kr(*, organisation: Organisation, period: FundPeriod | None) -> int | None:
    """The fund's forecast of what will be left unused at the period's end, in kronor (None
    before the period has started)."""
    if period is None:
        return None
    forecast = fund_forecast(
        period=period,
        balance=fund_balance(period=period),
        today=timezone.localdate(),
        warning_percent=unused_warning_percent_for(organisation=organisation),
    )
    return None if forecast.projected_unused is None else forecast.projected_unused // 100


def submitted_by_marker(*, organisation: Organisation, marker_ids: list[int]) -> int:
    return (
        Case.objects.filter(
            organisation=organisation, reach_marker__in=marker_ids, submitted_at__isnull=False
        ).count()
        if marker_ids
        else 0
    )


def conversion_for(*, organisation: Organisation) -> Conversion:
    """The rates the expected effects are computed with (`lom.levers.effects`): the apply rate
    from the organisation's campaigns sent at least MIN_CAMPAIGN_AGE_DAYS ago (applications
    submitted through their links / people reached), the approval rate and average grant from
    its decisions of the last 24 months (with at least MIN_HISTORY_CASES decided cases);
    the documented defaults otherwise, and also wherever history would rest on a count of
    people from 1 to 4."""
    now = timezone.now()
    apply_rate, apply_source, campaigns = DEFAULT_CONVERSION.apply_rate, "default", 0
    earlier = Campaign.objects.filter(
        organisation=organisation,
        status=Status.SENT,
        recipients__gt=0,
        sent_at__lte=now - timedelta(days=MIN_CAMPAIGN_AGE_DAYS),
    ).values_list("recipients", "marker_id")
    rows = list(earlier)
    reached = sum(r for r, _m in rows)
    if rows and reached:
        markers = [m for _r, m in rows if m]
        submitted = submitted_by_marker(organisation=organisation, marker_ids=markers)
        # A rate is shown with the people reached beside it: from fewer than MIN_AUDIENCE
        # applications it would give away a count the funnel hides, so the default stands.
        if submitted >= MIN_AUDIENCE:
            apply_rate, apply_source, campaigns = submitted / reached, "history", len(rows)
    decided = Case.objects.filter(
        organisation=organisation,
        status__in=DECIDED_STATUSES,
        decided_at__gte=now - timedelta(days=HISTORY_MONTHS_DAYS),
    )
    agg = decided.aggregate(
        n=Count("pk"),
        approved=Count("pk", filter=Q(status__in=APPROVED_STATUSES)),
        grant=Avg("approved_ore", filter=Q(status__in=APPROVED_STATUSES)),
    )
    approval_rate = DEFAULT_CONVERSION.approval_rate
    average_grant_kr = DEFAULT_CONVERSION.average_grant_kr
    grant_source = "default"
    # Both the approved and the rejected count must be 0 or at least MIN_AUDIENCE: the rate
    # times the number of decided cases would otherwise give away a count under 5, and the
    # average of fewer than 5 grants one person's grant.
    refused = agg["n"] - agg["approved"]
    if (
        agg["n"] >= MIN_HISTORY_CASES
        and agg["approved"] >= MIN_AUDIENCE
        and (refused == 0 or refused >= MIN_AUDIENCE)
    ):
        approval_rate = agg["approved"] / agg["n"]
        average_grant_kr = round((agg["grant"] or 0) / 100)
        grant_source = "history"
    return Conversion(
        apply_rate=apply_rate,
        approval_rate=approval_rate,
        average_grant_kr=average_grant_kr,
        apply_source=apply_source,
        campaigns=campaigns,
        grant_source=grant_source,
        decided_cases=agg["n"],
    )


def campaigns_for(*, actor: Actor) -> QuerySet[Campaign]:
    return Campaign.objects.filter(organisation=actor.organisation).select_related("period")


def campaign_get(*, actor: Actor, pk: int) -> Campaign | None:
    return campaigns_for(actor=actor).filter(pk=pk).first()


def campaigns_for_period(
    *, organisation: Organisation, period: FundPeriod
) -> list[CampaignSummary]:
    """The period's campaigns that have been sent or are on their way, oldest first, with the
    forecast of unused money when each was sent and the forecast now."""
    rows = list(
        Campaign.objects.filter(
            organisation=organisation,
            period=period,
            status__in=(Status.SCHEDULED, Status.SENT),
        ).order_by("send_on", "id")
    )
    now_kr = forecast_unused_kr(organisation=organisation, period=period) if rows else None
    return [
        CampaignSummary(
            pk=c.pk,
            title=c.title,
            sent_on=timezone.localdate(c.sent_at) if c.sent_at else None,
            lever=c.lever,
            recipients=c.recipients,
            forecast_unused_before_kr=c.forecast_unused_at_send_kr,
            forecast_unused_after_kr=now_kr if c.sent_at else None,
        )
        for c in rows
    ]


def committed_kr_by_marker(*, organisation: Organisation, marker_ids: list[int]) -> int:
    """Money committed (reserved, less what was released) to the cases carrying the markers."""
    from_ledger = Case.objects.filter(
        organisation=organisation, reach_marker__in=marker_ids
    ).aggregate(
        c=Sum("ledger_entries__amount_ore", filter=Q(ledger_entries__kind="commitment")),
        r=Sum("ledger_entries__amount_ore", filter=Q(ledger_entries__kind="release")),
    )
    return ((from_ledger["c"] or 0) - (from_ledger["r"] or 0)) // 100
