"""Fund mode's figures: the fund's statistics and a member's reconciliation of its own fund
periods with its pot at the fund. Scoped to the actor as every selector of fund mode."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from lom.fundmode.models import (
    Claim,
    FundDecision,
    FundRound,
    ParticipantGroup,
    PotEntry,
    PotEntryKind,
)
from lom.fundmode.permissions import can_read_as_member, can_read_fund, is_fund_side
from lom.fundmode.selectors import APPROVED_STATES, notifications_for, occupation_label, pots_for
from lom.funds.selectors import (
    balances_for_periods,
    fund_periods_for_org,
)
from lom.organisations.access import Actor

# --- Statistics ----------------------------------------------------------------------------


@dataclass
class StatRow:
    label: str
    measures: int = 0
    approved_ore: int = 0
    paid_ore: int = 0
    women: int = 0
    men: int = 0
    other: int = 0

    @property
    def participants(self) -> int:
        return self.women + self.men + self.other

    @property
    def women_percent(self) -> int | None:
        return round(100 * self.women / self.participants) if self.participants else None


@dataclass(frozen=True)
class MeasureRow:
    """One approved measure of the period, for the list under the statistics."""

    number: str
    employer: str
    title: str
    decided_on: date | None
    approved_ore: int
    paid_ore: int
    participants: int


@dataclass
class FundStatistics:
    fund_round: FundRound
    total: StatRow
    by_employer: list[StatRow] = field(default_factory=list)
    by_quarter: list[StatRow] = field(default_factory=list)
    by_year: list[StatRow] = field(default_factory=list)
    by_employer_quarter: list[tuple[str, StatRow]] = field(default_factory=list)
    # (occupation label, women, men, other)
    by_occupation: list[tuple[str, int, int, int]] = field(default_factory=list)
    measures: list[MeasureRow] = field(default_factory=list)


def fund_statistics(*, actor: Actor, fund_round: FundRound) -> FundStatistics:
    """Approved measures of the period, per employer and in total, per year and quarter of the
    approval, with amounts approved and paid and participants by occupation and gender (from
    the final claim when there is one, else from the notification). Fund staff only."""
    notes = list(
        notifications_for(actor=actor, fund_round=fund_round)
        .filter(status__in=APPROVED_STATES)
        .select_related("member")
        .order_by("decided_at", "id")
    )
    if not can_read_fund(actor):
        notes = []
    ids = [n.pk for n in notes]
    paid: dict[int, int] = defaultdict(int)
    for nid, amount in PotEntry.objects.filter(
        notification_id__in=ids, kind=PotEntryKind.EXPENSE
    ).values_list("notification_id", "amount_ore"):
        paid[nid] += amount
    final_claims = dict(
        Claim.objects.filter(
            notification_id__in=ids, status=Claim.Status.PAID, is_final=True
        ).values_list("notification_id", "id")
    )
    # ("c", claim id) for a final claim's participants, ("n", notification id) for planned ones
    groups: dict[tuple[str, int | None], list[ParticipantGroup]] = defaultdict(list)
    for g in ParticipantGroup.objects.filter(
        Q(notification_id__in=ids) | Q(claim_id__in=final_claims.values())
    ):
        groups[("c", g.claim_id) if g.claim_id else ("n", g.notification_id)].append(g)

    total = StatRow(str(fund_round))
    employers: dict[str, StatRow] = {}
    quarters: dict[str, StatRow] = {}
    years: dict[str, StatRow] = {}
    emp_q: dict[tuple[str, str], StatRow] = {}
    occ: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    measures: list[MeasureRow] = []
    tz = timezone.get_default_timezone()
    for n in notes:
        when = timezone.localtime(n.decided_at, tz) if n.decided_at else timezone.now()
        q = f"{when.year} K{(when.month - 1) // 3 + 1}"
        y = str(when.year)
        gs = groups[("c", final_claims[n.pk])] if n.pk in final_claims else groups[("n", n.pk)]
        rows = [
            total,
            employers.setdefault(n.member.name, StatRow(n.member.name)),
            quarters.setdefault(q, StatRow(q)),
            years.setdefault(y, StatRow(y)),
            emp_q.setdefault((n.member.name, q), StatRow(q)),
        ]
        for r in rows:
            r.measures += 1
            r.approved_ore += n.approved_ore or 0
            r.paid_ore += paid[n.pk]
            for g in gs:
                if g.gender == "F":
                    r.women += g.count
                elif g.gender == "M":
                    r.men += g.count
                else:
                    r.other += g.count
        for g in gs:
            occ[g.occupation_code]["FMX".index(g.gender) if g.gender in "FMX" else 2] += g.count
        measures.append(
            MeasureRow(
                number=n.number,
                employer=n.member.name,
                title=n.title,
                decided_on=when.date() if n.decided_at else None,
                approved_ore=n.approved_ore or 0,
                paid_ore=paid[n.pk],
                participants=sum(g.count for g in gs),
            )
        )
    return FundStatistics(
        fund_round=fund_round,
        total=total,
        by_employer=[employers[k] for k in sorted(employers)],
        by_quarter=[quarters[k] for k in sorted(quarters)],
        by_year=[years[k] for k in sorted(years)],
        by_employer_quarter=[(k[0], emp_q[k]) for k in sorted(emp_q)],
        by_occupation=[(occupation_label(c), occ[c][0], occ[c][1], occ[c][2]) for c in sorted(occ)],
        measures=measures,
    )


# --- Reconciliation of a member's own fund periods with its pot at the fund ------------------


@dataclass(frozen=True)
class ReconciliationRow:
    """One of the member's own fund periods, with what its pot at the fund did in the same
    dates. Fund-mode notifications are not linked to the member's cases, so the two sides are
    shown side by side: `difference` = granted by the pot − used in the internal ledger."""

    name: str
    start: date
    end: date
    granted_ore: int  # approved by the fund (decisions in the dates; a re-decision replaces)
    claimed_ore: int  # claims sent in the dates (returned ones excluded)
    paid_ore: int  # paid by the fund in the dates
    ledger_used_ore: int  # the internal ledger: committed + spent of the period

    @property
    def difference_ore(self) -> int:
        return self.granted_ore - self.ledger_used_ore


@dataclass(frozen=True)
class Reconciliation:
    rows: list[ReconciliationRow]
    total: ReconciliationRow


def member_reconciliation(*, actor: Actor) -> Reconciliation | None:
    """For a member employer that has both its own fund periods (`lom.funds`) and a pot at a
    fund: per own period, what the pot granted, what was claimed and paid, and what the
    internal ledger committed and spent. None when the actor's organisation has not both."""
    if is_fund_side(actor) or not can_read_as_member(actor):
        return None
    org = actor.organisation
    periods = list(fund_periods_for_org(organisation=org).order_by("start", "id"))
    if not periods or not pots_for(actor=actor).exists():
        return None
    balances = balances_for_periods(periods=periods)
    notes = notifications_for(actor=actor)
    decisions = FundDecision.objects.filter(
        notification__in=notes, outcome=FundDecision.Outcome.APPROVED
    ).values_list("notification_id", "decided_at", "amount_ore", "supersedes__amount_ore")
    claims = Claim.objects.filter(notification__in=notes).exclude(status=Claim.Status.RETURNED)
    paid = PotEntry.objects.filter(notification__in=notes, kind=PotEntryKind.EXPENSE)
    rows = []
    for p in periods:
        granted = sum(
            (amount or 0) - (replaced or 0)
            for _nid, at, amount, replaced in decisions
            if p.start <= timezone.localdate(at) <= p.end
        )
        within = {"submitted_at__date__gte": p.start, "submitted_at__date__lte": p.end}
        claimed = claims.filter(**within).aggregate(s=Coalesce(Sum("total_ore"), 0))["s"]
        spent = paid.filter(created_at__date__gte=p.start, created_at__date__lte=p.end).aggregate(
            s=Coalesce(Sum("amount_ore"), 0)
        )["s"]
        rows.append(
            ReconciliationRow(
                p.name, p.start, p.end, granted, int(claimed), int(spent), balances[p.pk].used
            )
        )
    total = ReconciliationRow(
        _("Totalt"),
        periods[0].start,
        max(p.end for p in periods),
        sum(r.granted_ore for r in rows),
        sum(r.claimed_ore for r in rows),
        sum(r.paid_ore for r in rows),
        sum(r.ledger_used_ore for r in rows),
    )
    return Reconciliation(rows, total)
