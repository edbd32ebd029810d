"""The workflow and its money: `case_transition` (the one function that changes a status), the
ledger effects of a decision, and recorded expenses."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lom.agreements.models import DecisionModel
from lom.agreements.rules import AgreementRules
from lom.agreements.selectors import rules_in_force
from lom.cases.models import Case, CaseCounter, Decision, Status
from lom.cases.notifications import notify_case_transition
from lom.cases.permissions import DECIDING, can_record_expense, can_take, require
from lom.cases.rules import rules_for_case
from lom.cases.selectors import (
    case_outstanding_commitment,
    case_spent,
    completeness_problems,
    needs_endorsement,
)
from lom.cases.services.attachments import _register_attachments
from lom.cases.services.cases import _snapshot
from lom.cases.services.commitments import (
    _check_grant,
    _commit,
    _register,
    _register_decision,
)
from lom.cases.services.letters import decision_letter_issue
from lom.cases.services.reconsideration import _decide_reconsideration, _request_reconsideration
from lom.cases.workflow import FUNDED_STATES, TRANSITIONS
from lom.common.audit import audit
from lom.common.bounds import COMMENT_MAX, NAME_MAX
from lom.common.errors import DomainError
from lom.common.messages import Message
from lom.common.money import format_ore
from lom.common.validation import amount_within, text_within
from lom.diarium.models import Direction, DocumentKind
from lom.funds.messages import (
    LEDGER_EXPENSE,
    LEDGER_GRANTED,
    LEDGER_RELEASED_COMPLETED,
    LEDGER_RELEASED_WITHDRAWN,
)
from lom.funds.models import EntryKind, FundPeriod
from lom.funds.services import ledger_post, lock_period
from lom.organisations.access import Actor
from lom.webhooks.services import webhook_emit

# What a decision's webhook calls the status it leaves the case in.
OUTCOMES = {str(Status.APPROVED): "approved", str(Status.REJECTED): "rejected"}


def _next_case_number(case: Case) -> str:
    year = timezone.localdate().year
    counter, _created = CaseCounter.objects.select_for_update().get_or_create(
        organisation_id=case.organisation_id, year=year
    )
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{year}-{counter.last:04d}"


def _do_case_transition(
    *,
    actor: Actor,
    case: Case,
    name: str,
    reason: str = "",
    amount_ore: int | None = None,
    period: FundPeriod | None = None,
    agenda_item=None,
    in_round: bool = False,
) -> Case:
    """Check, move, record. The one function that changes a case's status.
    `agenda_item` / `in_round` say that a joint decision is taken in a meeting or a round.

    Without a transaction of its own: `case_transition` is this in one durable transaction;
    a service that decides inside its own transaction (a meeting, a round) calls this."""
    case = Case.objects.select_for_update().select_related("unit").get(pk=case.pk)
    verdict = can_take(actor, case, name)
    require(verdict)
    t = TRANSITIONS[name]
    reason = (reason or "").strip()
    if t.needs_reason and not reason:
        raise DomainError(_("Skriv en motivering. Den visas för sökande."), field="reason")
    text_within(reason, field="reason", max_length=COMMENT_MAX)
    amount_within(amount_ore, field="amount", allow_zero=False)
    before = _snapshot(case)
    target = t.target
    today = timezone.localdate()
    # At submission the rules in force today apply, and the case keeps their version; every
    # later step reads the version the case was submitted under.
    agreement = (
        rules_in_force(organisation=actor.organisation, on=today)
        if name == "submit"
        else rules_for_case(case)
    )
    now = timezone.now()

    if name == "submit":
        if agreement is None:
            raise DomainError(_("Organisationen har inget gällande lokalt avtal."))
        problems = completeness_problems(case=case, agreement=agreement)
        if problems:
            raise DomainError(
                " ".join(p[1] for p in problems), field=problems[0][0], code="incomplete"
            )
        # Only the endorsing manager's own step endorses (see lom.cases.workflow): submitting
        # never does, and a case submitted again is endorsed again.
        case.endorsed_by = None
        if needs_endorsement(case=case, rules=agreement):
            target = Status.AWAITING_ENDORSEMENT
        if not case.number:
            case.number = _next_case_number(case)
            _register_attachments(case)
            _register(
                actor=actor,
                case=case,
                kind=DocumentKind.APPLICATION,
                title=case.title,
                target=case,
                direction=Direction.INCOMING,
                at=now,
            )
        case.submitted_at = now
        case.agreement_version_id = agreement.version_id
    elif name == "endorse":
        case.endorsed_by = actor.user
    elif name in ("approve", "reject"):
        _check_decision_route(
            case=case, agreement=agreement, agenda_item=agenda_item, in_round=in_round
        )
        _decide(
            agenda_item=agenda_item,
            actor=actor,
            case=case,
            name=name,
            reason=reason,
            amount_ore=amount_ore,
            period=period,
            agreement=agreement,
        )
        case.decided_at = now
        decision = case.decisions.order_by("-id").first()
        assert decision is not None
        _register_decision(actor=actor, case=case, decision=decision)
        decision_letter_issue(case=case, decision=decision, by=actor.user)
    elif name == "request_reconsideration":
        _request_reconsideration(actor=actor, case=case, reasons=reason, rules=agreement, at=now)
    elif name in ("reconsider_approve", "reconsider_reject"):
        target = _decide_reconsideration(
            actor=actor,
            case=case,
            approve=name == "reconsider_approve",
            reasoning=reason,
            amount_ore=amount_ore,
            period=period,
            rules=agreement,
            at=now,
        )
        case.decided_at = now
    elif name in ("complete", "withdraw") and case.status in FUNDED_STATES:
        _release_outstanding(
            actor=actor,
            case=case,
            memo=LEDGER_RELEASED_COMPLETED if name == "complete" else LEDGER_RELEASED_WITHDRAWN,
        )

    case.status = target
    case.save()
    audit(
        organisation_id=case.organisation_id,
        actor=actor.user,
        action=f"case.{name}",
        target=case,
        case=case,
        before=before,
        after=_snapshot(case),
        note=reason,
    )
    notify_case_transition(case=case, name=name, actor_user=actor.user)
    if name in ("submit", *DECIDING):
        webhook_emit(
            organisation=actor.organisation,
            event="case.submitted" if name == "submit" else "case.decided",
            payload={
                "case_id": case.pk,
                "number": case.number,
                "status": case.status,
                "outcome": OUTCOMES.get(str(case.status), "") if name != "submit" else "",
                "approved_ore": case.approved_ore,
                "at": now.isoformat(),
            },
        )
    return case


case_transition = transaction.atomic(durable=True)(_do_case_transition)


def _check_decision_route(
    *, case: Case, agreement: AgreementRules | None, agenda_item, in_round: bool
) -> None:
    """The agreement's decision model decides where a decision may be taken."""

    if agreement is None:
        return
    if agreement.decision_model == DecisionModel.JOINT and agenda_item is None and not in_round:
        raise DomainError(
            _(
                "Enligt det lokala avtalet beslutar parterna gemensamt. Sätt upp ärendet på "
                "dagordningen till ett sammanträde."
            ),
            code="joint_decision_required",
        )
    if case.round_id and not in_round:
        raise DomainError(
            _("Ärendet ingår i en ansökningsomgång och beslutas tillsammans med omgången."),
            code="round_decision_required",
        )
    if (
        agreement.applicant_participation
        and not case.events.filter(action="case.applicant_respond").exists()
    ):
        raise DomainError(
            _("Enligt avtalet ska sökande få se bedömningen och lämna synpunkter före beslut."),
            code="applicant_participation_required",
        )


def _decide(
    *,
    actor: Actor,
    case: Case,
    name: str,
    reason: str,
    amount_ore: int | None,
    period: FundPeriod | None,
    agreement: AgreementRules | None,
    agenda_item=None,
) -> None:
    model = agreement.decision_model if agreement else ""
    if name == "reject":
        Decision.objects.create(
            case=case,
            outcome=Decision.Outcome.REJECTED,
            reasoning=reason,
            decision_model=model,
            decided_by=actor.user,
            agenda_item=agenda_item,
        )
        return
    amount = case.requested_ore if amount_ore is None else amount_ore
    _check_grant(case=case, amount=amount, agreement=agreement)
    period = _commit(
        actor=actor,
        case=case,
        amount=amount,
        period=period,
        memo=LEDGER_GRANTED,
    )
    case.approved_ore = amount
    case.period = period
    Decision.objects.create(
        case=case,
        outcome=Decision.Outcome.APPROVED,
        amount_ore=amount,
        reasoning=reason,
        decision_model=model,
        decided_by=actor.user,
        agenda_item=agenda_item,
    )


def _release_outstanding(*, actor: Actor, case: Case, memo: Message) -> int:
    outstanding = case_outstanding_commitment(case=case)
    if outstanding > 0 and case.period_id:
        ledger_post(
            period=lock_period(case.period_id),
            kind=EntryKind.RELEASE,
            amount_ore=outstanding,
            actor=actor.user,
            case_id=case.pk,
            memo=memo,
        )
    return max(outstanding, 0)


@transaction.atomic(durable=True)
def case_record_expense(*, actor: Actor, case: Case, amount_ore: int, memo: str = "") -> Case:
    case = Case.objects.select_for_update(of=("self",)).select_related("period").get(pk=case.pk)
    verdict = can_record_expense(actor, case)
    require(verdict)
    amount_within(amount_ore, field="amount", allow_zero=False)
    text_within(memo, field="memo", max_length=NAME_MAX)
    spent = case_spent(case=case)
    if spent + amount_ore > (case.approved_ore or 0):
        raise DomainError(
            _("Utgifterna skulle bli %(t)s, mer än det beviljade beloppet %(a)s.")
            % {"t": format_ore(spent + amount_ore), "a": format_ore(case.approved_ore)},
            field="amount",
        )
    if case.period_id is None:
        raise DomainError(_("Ärendet har ingen fondperiod."), field="amount")
    ledger_post(
        period=lock_period(case.period_id),
        kind=EntryKind.EXPENSE,
        amount_ore=amount_ore,
        actor=actor.user,
        case_id=case.pk,
        memo=memo or LEDGER_EXPENSE,
    )
    return case
