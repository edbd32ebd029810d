"""The fund's decision on a notification, with its criteria checklist."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lom.common.errors import DomainError, PermissionDeniedError
from lom.common.money import format_ore
from lom.common.validation import require as _require
from lom.fundmode.models import CriterionAnswer, FundDecision, MeasureNotification, PotEntryKind
from lom.fundmode.permissions import can_assess
from lom.fundmode.selectors import (
    criteria_for,
    notification_committed,
    notification_cost_total,
    notification_paid,
    pot_balance,
)
from lom.fundmode.services.pots import lock_pot, pot_post
from lom.fundmode.services.workflow import check_transition, notify_employer, transition
from lom.organisations.access import Actor

S = MeasureNotification.Status


@transaction.atomic
def fund_decide(
    *,
    actor: Actor,
    notification: MeasureNotification,
    outcome: str,
    answers: dict[int, tuple[bool, str]],
    costs_reasonable: bool,
    cost_comment: str = "",
    amount_ore: int | None = None,
    reason: str = "",
    partial_claims_allowed: bool = False,
) -> FundDecision:
    """Approve (possibly a lower amount, with a reason), ask for more information (the
    notification returns to the employer) or reject (reasons required). Every active criterion
    is answered met / not met; a criterion not met requires a rejection or a reason.

    An approved notification may get a new approving decision (e.g. a higher amount before a
    claim is paid): the difference is committed or released."""
    _require(can_assess(actor))
    n = (
        MeasureNotification.objects.select_for_update()
        .select_related("round")
        .get(pk=notification.pk)
    )
    if n.round.fund_id != actor.organisation.pk:
        raise PermissionDeniedError(_("Anmälan hör till en annan fond."))
    reason = (reason or "").strip()
    Outcome = FundDecision.Outcome
    if outcome not in Outcome.values:
        raise DomainError(_("Välj ett beslut."), field="outcome")
    redecision = n.status in (S.APPROVED, S.CLAIMED)
    name = {
        Outcome.APPROVED: "redecide" if redecision else "approve",
        Outcome.REJECTED: "reject",
        Outcome.MORE_INFO: "ask_more_info",
    }[Outcome(outcome)]
    check_transition(actor=actor, subject=n, name=name)
    criteria = list(criteria_for(fund_round=n.round, active_only=True))
    missing = [c.text for c in criteria if c.pk not in answers]
    if missing:
        raise DomainError(
            _("Bedöm alla kriterier: %(c)s") % {"c": "; ".join(missing)}, field="answers"
        )
    not_met = [c for c in criteria if not answers[c.pk][0]]
    for c in not_met:
        if not answers[c.pk][1].strip():
            raise DomainError(
                _("Kommentera varför kriteriet inte är uppfyllt: %(c)s") % {"c": c.text},
                field="answers",
            )
    if outcome in (Outcome.REJECTED, Outcome.MORE_INFO) and not reason:
        raise DomainError(_("Ange skälen för beslutet."), field="reason")
    notified = notification_cost_total(notification=n)
    if outcome == Outcome.APPROVED:
        if not_met and not reason:
            raise DomainError(
                _(
                    "Ett kriterium är inte uppfyllt: avslå eller motivera varför insatsen "
                    "ändå beviljas."
                ),
                field="reason",
            )
        if not costs_reasonable and not reason:
            raise DomainError(
                _("Kostnaderna är inte bedömda som rimliga: motivera beslutet."),
                field="costs_reasonable",
            )
        amount = notified if amount_ore is None else amount_ore
        if amount <= 0:
            raise DomainError(_("Ange ett beviljat belopp."), field="amount_ore")
        if amount < notified and not reason:
            raise DomainError(_("Motivera varför ett lägre belopp beviljas."), field="reason")
        if amount > notified and not (redecision and reason):
            raise DomainError(
                _(
                    "Det beviljade beloppet kan inte vara högre än det anmälda (%(n)s) "
                    "utan ett nytt motiverat beslut."
                )
                % {"n": format_ore(notified)},
                field="amount_ore",
            )
        pot = lock_pot(n.pot_id)
        paid = notification_paid(notification=n)
        if amount < paid:
            raise DomainError(
                _("Beloppet kan inte vara lägre än det som redan betalats ut."), field="amount_ore"
            )
        delta = amount - (paid + notification_committed(notification=n))
        if delta > 0:
            remaining = pot_balance(pot=pot).remaining
            if delta > remaining:
                raise DomainError(
                    _("Potten räcker inte: %(left)s återstår, beslutet kräver %(want)s.")
                    % {"left": format_ore(remaining), "want": format_ore(delta)},
                    field="amount_ore",
                )
            pot_post(
                pot=pot,
                kind=PotEntryKind.COMMITMENT,
                amount_ore=delta,
                actor=actor.user,
                notification=n,
                memo=_("Beviljat: %(n)s") % {"n": n.number},
            )
        elif delta < 0:
            pot_post(
                pot=pot,
                kind=PotEntryKind.RELEASE,
                amount_ore=-delta,
                actor=actor.user,
                notification=n,
                memo=_("Sänkt beviljat belopp: %(n)s") % {"n": n.number},
            )
        n.approved_ore = amount
        n.partial_claims_allowed = partial_claims_allowed
    else:
        amount = None
    n.decided_at = timezone.now()
    transition(
        actor=actor,
        subject=n,
        name=name,
        reason=reason,
        fields=["approved_ore", "partial_claims_allowed", "decided_at"],
        after={"amount_ore": amount, "reason": reason},
    )
    decision = FundDecision.objects.create(
        notification=n,
        outcome=outcome,
        amount_ore=amount,
        reason=reason,
        costs_reasonable=costs_reasonable,
        cost_comment=(cost_comment or "").strip(),
        partial_claims_allowed=partial_claims_allowed,
        decided_by=actor.user,
    )
    CriterionAnswer.objects.bulk_create(
        [
            CriterionAnswer(
                decision=decision,
                criterion=c,
                met=answers[c.pk][0],
                comment=answers[c.pk][1].strip(),
            )
            for c in criteria
        ]
    )
    notify_employer(
        n,
        _("Fonden har beslutat om %(n)s %(t)s: %(o)s")
        % {"n": n.number, "t": n.title, "o": Outcome(outcome).label},
        actor.user,
    )
    notification.refresh_from_db()
    return decision
