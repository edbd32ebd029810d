"""Reconsideration (omprövning): the applicant's request and the decision on it. Steps of
`case_transition` (the one function that changes a case's status), run inside its transaction.

Under every decision model a decider (coordinator or decision maker) decides a reconsideration
with reasons, without a meeting: it reviews a decision already taken, and the unions hear of its
outcome like of any decision (lom.cases.notifications)."""

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from lom.agreements.rules import AgreementRules
from lom.cases.models import Case, Decision, Reconsideration, Status
from lom.cases.selectors import reconsideration_last_day, reconsideration_refusal
from lom.cases.services.commitments import (
    _check_grant,
    _commit,
    _register,
    _register_decision,
)
from lom.cases.services.letters import decision_letter_issue
from lom.common.errors import ConflictError, DomainError
from lom.common.money import format_ore
from lom.diarium.models import Direction, DocumentKind
from lom.funds.messages import LEDGER_GRANTED_RECONSIDERED
from lom.funds.models import FundPeriod
from lom.organisations.access import Actor


def _request_reconsideration(
    *, actor: Actor, case: Case, reasons: str, rules: AgreementRules | None, at: datetime
) -> Reconsideration:
    # step: the request is recorded with the decision it asks to reconsider, and registered.
    refusal = reconsideration_refusal(case=case, rules=rules, today=timezone.localdate(at))
    if refusal is not None:
        code, message = refusal
        if code == "state":
            raise ConflictError(message, code=code)
        raise DomainError(message, code=code)
    previous = case.decisions.order_by("-id").first()
    last_day = reconsideration_last_day(case=case, rules=rules)
    if previous is None or last_day is None:
        raise ConflictError(_("Ärendet har inget beslut att ompröva."), code="state")
    rec = Reconsideration.objects.create(
        case=case,
        previous_decision=previous,
        previous_status=case.status,
        requested_by=actor.user,
        reasons=reasons,
        requested_at=at,
        last_day=last_day,
    )
    _register(
        actor=actor,
        case=case,
        kind=DocumentKind.RECONSIDERATION,
        title=_("Begäran om omprövning – %(t)s") % {"t": case.title},
        target=rec,
        direction=Direction.INCOMING,
        at=at,
    )
    return rec


def _decide_reconsideration(
    *,
    actor: Actor,
    case: Case,
    approve: bool,
    reasoning: str,
    amount_ore: int | None,
    period: FundPeriod | None,
    rules: AgreementRules | None,
    at: datetime,
) -> str:
    """Decide the open reconsideration; returns the case's new status. Approving grants
    `amount_ore` (the amount asked for when None) and commits only what it adds to the amount
    already granted, in the period that already holds the case's money."""
    rec = (
        Reconsideration.objects.select_for_update()
        .select_related("previous_decision")
        .filter(case=case, decision__isnull=True)
        .first()
    )
    if rec is None:
        raise ConflictError(
            _("Det finns ingen begäran om omprövning att besluta om."), code="state"
        )
    previous = rec.previous_decision
    if approve:
        granted = (case.approved_ore or 0) if rec.previous_status == Status.APPROVED else 0
        amount = case.requested_ore if amount_ore is None else amount_ore
        _check_grant(case=case, amount=amount, agreement=rules)
        if amount <= granted:
            raise DomainError(
                _(
                    "Vid omprövning måste det beviljade beloppet vara högre än det tidigare "
                    "beviljade (%(g)s). Avslå omprövningen om beslutet ska stå fast."
                )
                % {"g": format_ore(granted)},
                field="amount",
            )
        case.period = _commit(
            actor=actor,
            case=case,
            amount=amount - granted,
            period=case.period if granted else period,
            memo=LEDGER_GRANTED_RECONSIDERED,
        )
        case.approved_ore = amount
        outcome: str = Decision.Outcome.APPROVED
        decision_amount: int | None = amount
        rec.outcome = Reconsideration.Outcome.CHANGED
        target: str = Status.APPROVED
    else:
        outcome, decision_amount = previous.outcome, previous.amount_ore
        rec.outcome = Reconsideration.Outcome.UPHELD
        target = rec.previous_status
    decision = Decision.objects.create(
        case=case,
        kind=Decision.Kind.RECONSIDERATION,
        outcome=outcome,
        amount_ore=decision_amount,
        reasoning=reasoning,
        decision_model=rules.decision_model if rules else "",
        decided_by=actor.user,
    )
    rec.reasoning = reasoning
    rec.decided_by = actor.user
    rec.decided_at = at
    rec.decision = decision
    rec.save()
    _register_decision(actor=actor, case=case, decision=decision)
    decision_letter_issue(case=case, decision=decision, by=actor.user)
    return target
