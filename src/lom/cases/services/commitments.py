"""What a grant must satisfy and how its money is committed: shared by a decision and a
decision on reconsideration (one implementation of the checks and the booking)."""

from datetime import datetime

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from lom.agreements.rules import AgreementRules
from lom.cases.models import Case, Decision
from lom.cases.selectors import cap_problems
from lom.common.errors import DomainError
from lom.common.messages import Message
from lom.common.money import format_ore
from lom.diarium.models import Direction, DocumentKind, Secrecy
from lom.diarium.services import document_register
from lom.funds.models import EntryKind, FundPeriod
from lom.funds.selectors import fund_balance, fund_period_current
from lom.funds.services import insufficient_funds_message, ledger_post, lock_period
from lom.organisations.access import Actor


def _check_grant(*, case: Case, amount: int, agreement: AgreementRules | None) -> None:
    """The granted amount: above zero, at most what was asked for, within the agreement's caps."""
    if amount <= 0:
        raise DomainError(_("Det beviljade beloppet måste vara större än noll."), field="amount")
    if amount > case.requested_ore:
        raise DomainError(
            _("Det beviljade beloppet kan inte vara högre än det sökta (%(r)s).")
            % {"r": format_ore(case.requested_ore)},
            field="amount",
        )
    if agreement is not None:
        problems = cap_problems(case=case, agreement=agreement, amount=amount)
        if problems:
            raise DomainError(" ".join(problems), field="amount")


def _commit(
    *, actor: Actor, case: Case, amount: int, period: FundPeriod | None, memo: Message
) -> FundPeriod:
    """Book `amount` as committed to the case in `period` (today's period when None), with the
    period locked so that two commitments at the same instant see each other."""
    if period is None:
        period = fund_period_current(organisation=actor.organisation, on=timezone.localdate())
    if period is None or period.organisation_id != case.organisation_id:
        raise DomainError(
            _("Det finns ingen fondperiod för dagens datum. Lägg upp en fondperiod först."),
            field="period",
        )
    period = lock_period(period.pk, commit=True)
    remaining = fund_balance(period=period).remaining
    if amount > remaining:
        raise DomainError(
            insufficient_funds_message(remaining, amount), field="amount", code="insufficient_funds"
        )
    ledger_post(
        period=period,
        kind=EntryKind.COMMITMENT,
        amount_ore=amount,
        actor=actor.user,
        case_id=case.pk,
        memo=memo,
        memo_params={"n": case.number},
    )
    return period


def applicant_party(case: Case) -> str:
    # pure: who the case's documents are from or about, for the register of documents.
    if case.applicant_id is not None and case.applicant is not None:
        return case.applicant.full_name
    return str(case.created_by)


def _register(
    *,
    actor: Actor,
    case: Case,
    kind: str,
    title: str,
    target: models.Model,
    direction: str,
    at: datetime | None = None,
) -> None:
    # step: one of the case's documents is registered under the case's number. Whatever a
    # case holds can tell personal circumstances, so it is examined before it is handed out.
    document_register(
        organisation_id=case.organisation_id,
        kind=kind,
        title=title,
        target=target,
        party=applicant_party(case),
        direction=direction,
        secrecy=Secrecy.REVIEW,
        case_id=case.pk,
        case_number=case.number,
        by=actor.user,
        at=at,
    )


def _register_decision(*, actor: Actor, case: Case, decision: Decision) -> None:
    # step: the decision is registered in the register of documents with the case's number.
    label = (
        _("Beslut efter omprövning: %(o)s")
        if decision.kind == Decision.Kind.RECONSIDERATION
        else _("Beslut: %(o)s")
    )
    _register(
        actor=actor,
        case=case,
        kind=DocumentKind.DECISION,
        title=f"{label % {'o': decision.get_outcome_display()}} – {case.title}",
        target=decision,
        direction=Direction.INTERNAL,
    )
