"""The fund's decision on a notification, with its criteria checklist."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lom.common.bounds import COMMENT_MAX
from lom.common.errors import DomainError
from lom.common.money import format_ore
from lom.common.validation import amount_within, optional_text
from lom.fundmode.messages import FUND_DECIDED, POT_GRANTED, POT_LOWERED
from lom.fundmode.models import (
    Criterion,
    CriterionAnswer,
    FundDecision,
    MeasureNotification,
    PotEntryKind,
)
from lom.fundmode.selectors import (
    criteria_for,
    decision_standing,
    notification_committed,
    notification_cost_total,
    notification_paid,
    pot_balance,
)
from lom.fundmode.services.pots import lock_pot, pot_post
from lom.fundmode.services.workflow import check_transition, notify_employer, transition
from lom.organisations.access import Actor
from lom.webhooks.services import webhook_emit

S = MeasureNotification.Status


def _transition_name(n: MeasureNotification, outcome: str) -> str:
    Outcome = FundDecision.Outcome
    if outcome not in Outcome.values:
        raise DomainError(_("Välj ett beslut."), field="outcome")
    if outcome == Outcome.APPROVED:
        return "redecide" if n.status in (S.APPROVED, S.CLAIMED) else "approve"
    return "reject" if outcome == Outcome.REJECTED else "ask_more_info"


def _assessed_criteria(
    n: MeasureNotification, answers: dict[int, tuple[bool, str]]
) -> tuple[list[Criterion], list[Criterion]]:
    """The active criteria of the period, all answered; and those answered "not met" (each
    with a comment)."""
    criteria = list(criteria_for(fund_round=n.round, active_only=True))
    missing = [c.text_shown for c in criteria if c.pk not in answers]
    if missing:
        raise DomainError(
            _("Bedöm alla kriterier: %(c)s") % {"c": "; ".join(missing)}, field="answers"
        )
    for c in criteria:
        optional_text(answers[c.pk][1], field="answers", max_length=COMMENT_MAX)
    not_met = [c for c in criteria if not answers[c.pk][0]]
    for c in not_met:
        if not answers[c.pk][1].strip():
            raise DomainError(
                _("Kommentera varför kriteriet inte är uppfyllt: %(c)s") % {"c": c.text_shown},
                field="answers",
            )
    return criteria, not_met


def _approved_amount(
    *,
    n: MeasureNotification,
    amount_ore: int | None,
    reason: str,
    new_reasoned_decision: bool,
) -> int:
    """The amount to approve: the notified amount unless another is given. Lower needs a
    reason; higher needs a new reasoned decision (see `fund_decide`)."""
    notified = notification_cost_total(notification=n)
    amount = notified if amount_ore is None else amount_ore
    if amount <= 0:
        raise DomainError(_("Ange ett beviljat belopp."), field="amount_ore")
    amount_within(amount, field="amount_ore")
    if amount < notified and not reason:
        raise DomainError(_("Motivera varför ett lägre belopp beviljas."), field="reason")
    if amount > notified and not new_reasoned_decision:
        raise DomainError(
            _(
                "Det beviljade beloppet kan inte vara högre än det anmälda (%(n)s) utan ett "
                "nytt motiverat beslut som ersätter det beviljande beslut som gäller."
            )
            % {"n": format_ore(notified)},
            field="amount_ore",
        )
    return amount


def _commit_difference(*, actor: Actor, n: MeasureNotification, amount: int) -> None:
    """Commit to (or release from) the pot what the new approved amount differs by from what
    is committed and paid now. Locks the pot first."""
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
        kind, memo = PotEntryKind.COMMITMENT, POT_GRANTED
    elif delta < 0:
        kind, memo = PotEntryKind.RELEASE, POT_LOWERED
    else:
        return
    pot_post(
        pot=pot,
        kind=kind,
        amount_ore=abs(delta),
        actor=actor.user,
        notification=n,
        memo=memo,
        memo_params={"n": n.number},
    )


@transaction.atomic(durable=True)
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
    supersedes_id: int | None = None,
) -> FundDecision:
    """Approve (possibly a lower amount, with a reason), ask for more information (the
    notification returns to the employer) or reject (reasons required). Every active criterion
    is answered met / not met; a criterion not met requires a rejection or a reason.

    An approved (or claimed) notification may get a new approving decision, a re-decision
    (e.g. a higher amount before a claim is paid): it always carries a reason, it records the
    decision it replaces (`FundDecision.supersedes`), and the difference is committed to or
    released from the pot.

    Above the notified amount: what the employer notified (its cost lines) is what it applied
    for, so no first decision approves more. More is approved only by a NEW reasoned
    decision: a re-decision that names the approving decision standing now
    (`supersedes_id`) and carries a reason. Anything else above the notified amount is refused
    on `amount_ore`; naming a decision that is not the standing one (another officer decided
    in between) is refused on `supersedes`."""
    n = (
        MeasureNotification.objects.select_for_update()
        .select_related("round")
        .get(pk=notification.pk)
    )
    reason = optional_text(reason, field="reason", max_length=COMMENT_MAX)
    cost_comment = optional_text(cost_comment, field="cost_comment", max_length=COMMENT_MAX)
    name = _transition_name(n, outcome)
    check_transition(actor=actor, subject=n, name=name)
    standing = decision_standing(notification=n) if name == "redecide" else None
    if supersedes_id is not None and (standing is None or standing.pk != supersedes_id):
        raise DomainError(
            _("Beslutet som ska ersättas är inte det som gäller nu. Läs in sidan på nytt."),
            field="supersedes",
        )
    criteria, not_met = _assessed_criteria(n, answers)
    Outcome = FundDecision.Outcome
    amount: int | None = None
    if outcome != Outcome.APPROVED and not reason:
        raise DomainError(_("Ange skälen för beslutet."), field="reason")
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
        amount = _approved_amount(
            n=n,
            amount_ore=amount_ore,
            reason=reason,
            new_reasoned_decision=standing is not None
            and supersedes_id is not None
            and reason != "",
        )
        _commit_difference(actor=actor, n=n, amount=amount)
        n.approved_ore = amount
        n.partial_claims_allowed = partial_claims_allowed
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
        cost_comment=cost_comment,
        partial_claims_allowed=partial_claims_allowed,
        supersedes=standing,
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
        FUND_DECIDED,
        actor.user,
        params={"n": n.number, "t": n.title, "o": Outcome(outcome).label},
    )
    webhook_emit(
        organisation=actor.organisation,
        event="fund_notification.decided",
        payload={
            "notification_id": n.pk,
            "decision_id": decision.pk,
            "number": n.number,
            "member_id": n.member_id,
            "outcome": str(outcome),
            "status": n.status,
            "approved_ore": amount,
        },
    )
    notification.refresh_from_db()
    return decision
