"""Every read of fund mode. Each selector is scoped to the actor: the fund sees its own
periods and all of its members' notifications; an employer sees only its own pot and
notifications; nobody sees anything of another fund."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from lom.agreements.models import MeasureType
from lom.fundmode.models import (
    Claim,
    CostKind,
    Criterion,
    FundAttachment,
    FundDecision,
    FundMembership,
    FundRound,
    MeasureNotification,
    MemberPayroll,
    NotificationCostLine,
    Pot,
    PotEntry,
    PotEntryKind,
    ProviderKind,
)
from lom.fundmode.permissions import can_read_as_member, can_read_fund, is_fund_side
from lom.funds.selectors import (
    Balance,
    unused_warning_percents,
)
from lom.organisations.access import Actor
from lom.organisations.models import Organisation

S = MeasureNotification.Status
APPROVED_STATES = (S.APPROVED, S.CLAIMED, S.PAID)

# A few SSYK 2012 codes common in regions and municipalities, for labels. Any four-digit
# code is accepted; these only give it a name on screen.
OCCUPATIONS: dict[str, str] = {
    "1510": "Chefer inom hälso- och sjukvård",
    "2211": "Specialistläkare",
    "2221": "Grundutbildade sjuksköterskor",
    "2341": "Grundskollärare",
    "2343": "Förskollärare",
    "2661": "Socialsekreterare",
    "3344": "Medicinska sekreterare, vårdadministratörer m.fl.",
    "4111": "Ekonomiassistenter m.fl.",
    "5120": "Kockar och kallskänkor",
    "5311": "Barnskötare",
    "5321": "Undersköterskor, hemtjänst, äldreboende och habilitering",
    "5323": "Undersköterskor, vård- och specialavdelning och mottagning",
    "5330": "Vårdbiträden",
    "9111": "Städare",
}


def occupation_label(code: str) -> str:
    name = OCCUPATIONS.get(code)
    return f"{code} {name}" if name else code


def measure_types_for(*, kind: str) -> QuerySet[MeasureType]:
    """The measure types offered to an organisation of `kind`: those of its sector and those
    of every sector (no sectors listed)."""
    # A short reference table, filtered here: JSON containment is not portable across backends.
    rows = MeasureType.objects.values_list("pk", "sectors")
    offered = [pk for pk, sectors in rows if kind in (sectors or [kind])]
    return MeasureType.objects.filter(pk__in=offered)


# --- Periods and pots -----------------------------------------------------------------------


def rounds_for(*, actor: Actor) -> QuerySet[FundRound]:
    if is_fund_side(actor):
        if not can_read_fund(actor):
            return FundRound.objects.none()
        return FundRound.objects.filter(fund=actor.organisation)
    if not can_read_as_member(actor):
        return FundRound.objects.none()
    funds = FundMembership.objects.filter(member=actor.organisation).values("fund_id")
    return FundRound.objects.filter(fund_id__in=funds)


def round_get(*, actor: Actor, pk: int) -> FundRound | None:
    return rounds_for(actor=actor).select_related("fund").filter(pk=pk).first()


def members_of(*, fund: Organisation) -> list[Organisation]:
    return [
        m.member
        for m in FundMembership.objects.filter(fund=fund)
        .select_related("member")
        .order_by("member__name")
    ]


def payrolls_for(*, fund_round: FundRound) -> dict[int, int]:
    return dict(
        MemberPayroll.objects.filter(round=fund_round).values_list("member_id", "payroll_ore")
    )


def pots_for(*, actor: Actor, fund_round: FundRound | None = None) -> QuerySet[Pot]:
    qs = Pot.objects.select_related("member", "round")
    if is_fund_side(actor):
        qs = qs.filter(round__fund=actor.organisation) if can_read_fund(actor) else qs.none()
    elif can_read_as_member(actor):
        qs = qs.filter(member=actor.organisation)
    else:
        qs = qs.none()
    if fund_round is not None:
        qs = qs.filter(round=fund_round)
    return qs


def pot_get(*, actor: Actor, pk: int) -> Pot | None:
    return pots_for(actor=actor).filter(pk=pk).first()


def pot_for_member(*, fund_round: FundRound, member: Organisation) -> Pot | None:
    return Pot.objects.filter(round=fund_round, member=member).first()


def _sum(kind: str):
    return Coalesce(Sum("amount_ore", filter=Q(kind=kind)), 0)


POT_AGGREGATES = {
    "allocated": _sum(PotEntryKind.ALLOCATION),
    "commitments": _sum(PotEntryKind.COMMITMENT),
    "releases": _sum(PotEntryKind.RELEASE),
    "spent": _sum(PotEntryKind.EXPENSE),
}


def pot_balance(*, pot: Pot) -> Balance:
    """One aggregate over the pot's ledger (the same arithmetic as the core fund ledger)."""
    row = PotEntry.objects.filter(pot=pot).aggregate(**POT_AGGREGATES)
    return Balance(
        int(row["allocated"]), 0, *(int(row[k]) for k in ("commitments", "releases", "spent"))
    )


def balances_for_pots(*, pots: list[Pot]) -> dict[int, Balance]:
    out = {p.pk: Balance(0, 0, 0, 0, 0) for p in pots}
    # The sums are named by POT_AGGREGATES: typed as a plain mapping (the stubs cannot see them).
    rows: Iterable[Mapping[str, Any]] = (
        PotEntry.objects.filter(pot__in=[p.pk for p in pots])
        .values("pot_id")
        .annotate(**POT_AGGREGATES)
    )
    for r in rows:
        out[r["pot_id"]] = Balance(
            int(r["allocated"]), 0, int(r["commitments"]), int(r["releases"]), int(r["spent"])
        )
    return out


def notification_committed(*, notification: MeasureNotification) -> int:
    """What is still reserved for one notification: commitments − releases − expenses."""
    row = PotEntry.objects.filter(notification=notification).aggregate(**POT_AGGREGATES)
    return int(row["commitments"]) - int(row["releases"]) - int(row["spent"])


def notification_paid(*, notification: MeasureNotification) -> int:
    row = PotEntry.objects.filter(notification=notification, kind=PotEntryKind.EXPENSE).aggregate(
        s=Coalesce(Sum("amount_ore"), 0)
    )
    return int(row["s"])


@dataclass(frozen=True)
class Expiry:
    """What expires unused at the last claim date if the pace so far continues."""

    elapsed_days: int
    total_days: int
    projected_use: int | None
    projected_unused: int | None
    unused_percent: int | None
    warning: bool

    @property
    def elapsed_percent(self) -> int:
        return round(100 * self.elapsed_days / self.total_days) if self.total_days else 0


def pot_expiry(
    *, fund_round: FundRound, balance: Balance, today: date, warning_percent: int
) -> Expiry:
    """Project the pace of approvals (committed + paid) from the period start to the last
    date for claims. Money not approved and paid by then expires. The warning uses
    `warning_percent`, the member employer's own threshold (`lom.funds` forecast settings)."""
    total_days = (fund_round.claim_deadline - fund_round.start).days + 1
    if today < fund_round.start:
        return Expiry(0, total_days, None, None, None, False)
    elapsed = min((today - fund_round.start).days + 1, total_days)
    used = balance.used
    projected_use = used if elapsed >= total_days else used * total_days // elapsed
    if elapsed >= total_days:
        projected_use = balance.spent  # after the deadline only what was paid counts
    projected_unused = max(balance.allocated - projected_use, 0)
    pct = round(100 * projected_unused / balance.allocated) if balance.allocated > 0 else None
    warning = pct is not None and pct > warning_percent
    return Expiry(elapsed, total_days, projected_use, projected_unused, pct, warning)


@dataclass(frozen=True)
class PotFigures:
    pot: Pot
    balance: Balance
    pre_notified: int
    notified: int
    approved: int
    claimed: int
    paid: int
    remaining: int
    expiry: Expiry


def pot_figures(*, pot: Pot, today: date) -> PotFigures:
    return pot_figures_for(pots=[pot], today=today)[0]


def _sums_by_pot(qs: QuerySet, pot_field: str, amount_field: str) -> dict[int, int]:
    rows = qs.order_by().values(pot_field).annotate(s=Coalesce(Sum(amount_field), 0))
    return {r[pot_field]: int(r["s"]) for r in rows}


def pot_figures_for(*, pots: list[Pot], today: date) -> list[PotFigures]:
    """The figures of many pots in a fixed number of queries (a fund may have hundreds of
    member employers on one page). The pots need their round loaded."""
    if not pots:
        return []
    ids = [p.pk for p in pots]
    balances = balances_for_pots(pots=pots)
    thresholds = unused_warning_percents(organisation_ids=sorted({p.member_id for p in pots}))
    notes = MeasureNotification.objects.filter(pot_id__in=ids)
    pre = _sums_by_pot(notes.filter(status=S.PRE_NOTIFIED), "pot_id", "estimated_ore")
    notified = _sums_by_pot(
        NotificationCostLine.objects.filter(
            notification__pot_id__in=ids, notification__status__in=(S.SUBMITTED, S.MORE_INFO)
        ),
        "notification__pot_id",
        "amount_ore",
    )
    approved = _sums_by_pot(notes.filter(status__in=APPROVED_STATES), "pot_id", "approved_ore")
    claimed = _sums_by_pot(
        Claim.objects.filter(
            notification__pot_id__in=ids,
            status__in=(Claim.Status.SUBMITTED, Claim.Status.PAID),
        ),
        "notification__pot_id",
        "total_ore",
    )
    out = []
    for pot in pots:
        balance = balances[pot.pk]
        out.append(
            PotFigures(
                pot=pot,
                balance=balance,
                pre_notified=pre.get(pot.pk, 0),
                notified=notified.get(pot.pk, 0),
                approved=approved.get(pot.pk, 0),
                claimed=claimed.get(pot.pk, 0),
                paid=balance.spent,
                remaining=balance.remaining,
                expiry=pot_expiry(
                    fund_round=pot.round,
                    balance=balance,
                    today=today,
                    warning_percent=thresholds[pot.member_id],
                ),
            )
        )
    return out


# --- Criteria, notifications, claims ---------------------------------------------------------


def criteria_for(*, fund_round: FundRound, active_only: bool = False) -> QuerySet[Criterion]:
    qs = Criterion.objects.filter(round=fund_round)
    return qs.filter(active=True) if active_only else qs


def criterion_get(*, actor: Actor, pk: int) -> Criterion | None:
    return Criterion.objects.filter(pk=pk, round__in=rounds_for(actor=actor)).first()


def notifications_for(
    *, actor: Actor, fund_round: FundRound | None = None, status: str = "", member_id: int = 0
) -> QuerySet[MeasureNotification]:
    qs = MeasureNotification.objects.select_related("member", "round", "measure_type")
    if is_fund_side(actor):
        qs = qs.filter(round__fund=actor.organisation) if can_read_fund(actor) else qs.none()
    elif can_read_as_member(actor):
        qs = qs.filter(member=actor.organisation)
    else:
        qs = qs.none()
    if fund_round is not None:
        qs = qs.filter(round=fund_round)
    if status:
        qs = qs.filter(status=status)
    if member_id:
        qs = qs.filter(member_id=member_id)
    return qs


def notification_get(*, actor: Actor, pk: int) -> MeasureNotification | None:
    return (
        notifications_for(actor=actor)
        .select_related("pot", "plan", "created_by", "round__fund")
        .filter(pk=pk)
        .first()
    )


def notification_cost_total(*, notification: MeasureNotification) -> int:
    row = notification.cost_lines.aggregate(s=Coalesce(Sum("amount_ore"), 0))
    return int(row["s"])


def submit_problems(*, notification: MeasureNotification) -> list[str]:
    """What is missing before the notification can be sent (shown on the page as a list)."""
    n = notification
    out: list[str] = []
    if not n.background.strip():
        out.append(_("Beskriv bakgrunden."))
    if not n.need.strip():
        out.append(_("Beskriv behovet."))
    if not n.provider_kind:
        out.append(_("Ange vem som utför insatsen."))
    elif n.provider_kind == ProviderKind.SUPPLIER and not n.provider_name:
        out.append(_("Ange leverantörens namn."))
    if notification_cost_total(notification=n) <= 0:
        out.append(_("Ange kostnaderna."))
    if not n.participants.exists():
        out.append(_("Ange deltagarna per yrkeskod och kön."))
    if not n.attachments.filter(kind=FundAttachment.Kind.MINUTES, claim__isnull=True).exists():
        out.append(_("Bifoga protokollet från samverkan med de fackliga organisationerna."))
    return out


def decision_standing(*, notification: MeasureNotification) -> FundDecision | None:
    """The approving decision that stands now: the latest one (a re-decision supersedes it)."""
    return (
        notification.decisions.filter(outcome=FundDecision.Outcome.APPROVED)
        .order_by("-decided_at", "-id")
        .first()
    )


def claimable_left(*, notification: MeasureNotification) -> int:
    """What may still be paid on the notification without a new decision."""
    return (notification.approved_ore or 0) - notification_paid(notification=notification)


def cost_lines_by_kind(lines) -> list[tuple[str, str, int]]:
    """(kind label, description, amount) in the order of the eligible cost kinds."""
    order = {k: i for i, k in enumerate(CostKind.values)}
    return [
        (str(CostKind(line.kind).label), line.description, line.amount_ore)
        for line in sorted(lines, key=lambda x: (order.get(x.kind, 99), x.id))
    ]


def claim_get(*, actor: Actor, pk: int) -> Claim | None:
    return (
        Claim.objects.filter(notification__in=notifications_for(actor=actor))
        .select_related("notification__round", "notification__member", "submitted_by")
        .filter(pk=pk)
        .first()
    )


def claims_for(
    *,
    actor: Actor,
    status: str = "",
    paid_from: date | None = None,
    paid_to: date | None = None,
) -> QuerySet[Claim]:
    """The claims of the notifications the actor sees; a paid claim's payment day is the day
    it was handled (in the installation's time zone), `paid_from` and `paid_to` inclusive."""
    qs = Claim.objects.filter(notification__in=notifications_for(actor=actor)).select_related(
        "notification"
    )
    if status:
        qs = qs.filter(status=status)
    if paid_from is not None or paid_to is not None:
        qs = qs.filter(status=Claim.Status.PAID)
    if paid_from is not None:
        qs = qs.filter(handled_at__date__gte=paid_from)
    if paid_to is not None:
        qs = qs.filter(handled_at__date__lte=paid_to)
    return qs


def attachment_get(*, actor: Actor, pk: int) -> FundAttachment | None:
    return FundAttachment.objects.filter(
        pk=pk, notification__in=notifications_for(actor=actor)
    ).first()


def participant_summary(groups) -> dict[str, int]:
    out = {"F": 0, "M": 0, "X": 0}
    for g in groups:
        out[g.gender] = out.get(g.gender, 0) + g.count
    out["total"] = out["F"] + out["M"] + out["X"]
    return out


def days_left(*, fund_round: FundRound, today: date) -> int:
    return max((fund_round.claim_deadline - today).days, 0) if today else 0


def memberships_of(*, fund: Organisation):
    """The fund's member employers with the date they joined."""
    return (
        FundMembership.objects.filter(fund=fund).select_related("member").order_by("member__name")
    )


def membership_of(*, fund: Organisation, member_id: int) -> FundMembership | None:
    return memberships_of(fund=fund).filter(member_id=member_id).first()


def member_candidates(*, fund: Organisation):  # tenant-scope: any region may join a fund
    """Regions and municipalities that are not a member of any fund yet."""
    return (
        Organisation.objects.filter(
            kind__in=(Organisation.Kind.REGION, Organisation.Kind.MUNICIPALITY)
        )
        .exclude(pk__in=FundMembership.objects.values("member_id"))
        .order_by("name")
    )
