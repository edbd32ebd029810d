"""The funnel of a campaign: counts only, each hidden when it is 1 to 4 (0 identifies nobody
and is shown), computed from aggregates that already exist: the outbox (sent, delivered), the
outreach reach counters of the campaign's marker (opened the page or the guide, started an
application), and the cases that carry the marker (submitted, approved, money committed)."""

from dataclasses import dataclass

from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from lom.cases.models import Case
from lom.levers.models import MIN_AUDIENCE, Campaign
from lom.levers.selectors.campaigns import (
    APPROVED_STATUSES,
    committed_kr_by_marker,
    submitted_by_marker,
)
from lom.mail.models import OutboundMail
from lom.outreach.models import CounterKind, ReachCounter


def hidden(count: int) -> bool:  # pure: a count of people too small to show
    return 0 < count < MIN_AUDIENCE


@dataclass(frozen=True)
class FunnelStep:
    code: str
    label: str
    count: int  # the true count: for the shown value use `shown`

    @property
    def shown(self) -> int | None:
        """The count, or None when it is hidden (fewer than 5)."""
        return None if hidden(self.count) else self.count


@dataclass(frozen=True)
class Funnel:
    sent: int
    delivered: int
    opened: int
    started: int
    submitted: int
    approved: int
    committed_kr: int

    @property
    def committed_kr_shown(self) -> int | None:
        """Money is shown only behind an approved count of at least 5 (or when there is
        none): a case under reconsideration keeps its commitment without counting as
        approved, so money with fewer than 5 approved could be one person's grant."""
        if self.committed_kr and self.approved < MIN_AUDIENCE:
            return None
        return self.committed_kr

    def steps(self) -> list[FunnelStep]:
        return [
            FunnelStep("sent", str(_("Skickade")), self.sent),
            FunnelStep("delivered", str(_("Levererade e-brev")), self.delivered),
            FunnelStep("opened", str(_("Öppnade sidan eller guiden")), self.opened),
            FunnelStep("started", str(_("Påbörjade en ansökan")), self.started),
            FunnelStep("submitted", str(_("Skickade in en ansökan")), self.submitted),
            FunnelStep("approved", str(_("Beviljade")), self.approved),
        ]


def _counter(organisation_id: int, marker_id: int | None, kinds: tuple[str, ...]) -> int:
    if marker_id is None:
        return 0
    total = ReachCounter.objects.filter(
        organisation_id=organisation_id, campaign_id=marker_id, kind__in=kinds
    ).aggregate(n=Sum("count"))["n"]
    return int(total or 0)


def campaign_funnel(*, campaign: Campaign) -> Funnel:
    """The true counts (the pages and the API show `FunnelStep.shown`)."""
    org = campaign.organisation
    delivered = OutboundMail.objects.filter(
        organisation=org, kind=campaign.mail_kind, status=OutboundMail.Status.SENT
    ).count()
    markers = [campaign.marker_id] if campaign.marker_id else []
    approved = (
        Case.objects.filter(
            organisation=org, reach_marker__in=markers, status__in=APPROVED_STATUSES
        ).count()
        if markers
        else 0
    )
    return Funnel(
        sent=campaign.recipients,
        delivered=delivered,
        opened=_counter(
            campaign.organisation_id,
            campaign.marker_id,
            (CounterKind.PAGE_VIEW, CounterKind.GUIDE_VIEW),
        ),
        started=_counter(campaign.organisation_id, campaign.marker_id, (CounterKind.APPLICATION,)),
        submitted=submitted_by_marker(organisation=org, marker_ids=markers),
        approved=approved,
        committed_kr=committed_kr_by_marker(organisation=org, marker_ids=markers) if markers else 0,
    )
