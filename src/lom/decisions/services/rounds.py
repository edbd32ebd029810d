"""Application rounds for development projects: the call, joining, scoring, the joint decision."""

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lom.cases.models import ApplicationKind, Case, Status
from lom.cases.permissions import can_edit_case
from lom.cases.services import _do_case_transition as case_transition
from lom.common.audit import audit
from lom.common.bounds import COMMENT_MAX, NAME_MAX, TEXT_MAX
from lom.common.errors import ConflictError, DomainError
from lom.common.money import format_ore
from lom.common.validation import amount_within, optional_text
from lom.common.validation import require as _require
from lom.common.validation import required_text as _text
from lom.decisions.models import (
    MAX_CRITERIA,
    MAX_SCORE,
    ApplicationRound,
    Criterion,
    Score,
)
from lom.decisions.permissions import (
    can_assess,
    can_manage_meetings,
)
from lom.decisions.services._common import _own_case
from lom.funds.models import FundPeriod
from lom.organisations.access import Actor

# --- Application rounds ---------------------------------------------------------------------


@transaction.atomic(durable=True)
def round_create(
    *,
    actor: Actor,
    title: str,
    call_text: str,
    opens_on: date,
    closes_on: date,
    budget_ore: int,
    period: FundPeriod,
    criteria: list[tuple[str, int]],
) -> ApplicationRound:
    return _round_create(
        actor=actor,
        title=title,
        call_text=call_text,
        opens_on=opens_on,
        closes_on=closes_on,
        budget_ore=budget_ore,
        period=period,
        criteria=criteria,
    )


def _round_create(
    *,
    actor: Actor,
    title: str,
    call_text: str,
    opens_on: date,
    closes_on: date,
    budget_ore: int,
    period: FundPeriod,
    criteria: list[tuple[str, int]],
) -> ApplicationRound:
    """round_create's work, inside the caller's transaction (a round from workshop proposals)."""
    _require(can_manage_meetings(actor))
    title = _text(title, field="title", message=_("Ge omgången en rubrik."), max_length=NAME_MAX)
    call_text = _text(
        call_text, field="call_text", message=_("Skriv utlysningstexten."), max_length=TEXT_MAX
    )
    amount_within(budget_ore, field="budget")
    if len(criteria) > MAX_CRITERIA:
        raise DomainError(
            _("Ange högst %(n)d bedömningskriterier.") % {"n": MAX_CRITERIA}, field="criteria"
        )
    for name, max_score in criteria:
        if not name.strip() or len(name) > NAME_MAX or not 1 <= max_score <= MAX_SCORE:
            raise DomainError(
                _("Varje kriterium behöver ett namn på högst %(n)d tecken.") % {"n": NAME_MAX},
                field="criteria",
            )
    if closes_on < opens_on:
        raise DomainError(_("Omgången kan inte stänga innan den öppnar."), field="closes_on")
    if period.organisation_id != actor.organisation.pk:
        raise DomainError(_("Fondperioden tillhör en annan organisation."), field="period")
    if budget_ore <= 0:
        raise DomainError(_("Ange en budgetram."), field="budget")
    if not criteria:
        raise DomainError(_("Ange minst ett bedömningskriterium."), field="criteria")
    rnd = ApplicationRound.objects.create(
        organisation=actor.organisation,
        title=title,
        call_text=call_text,
        opens_on=opens_on,
        closes_on=closes_on,
        budget_ore=budget_ore,
        period=period,
        created_by=actor.user,
    )
    Criterion.objects.bulk_create(
        [Criterion(round=rnd, name=n, max_score=m, order=i) for i, (n, m) in enumerate(criteria)]
    )
    audit(
        organisation_id=rnd.organisation_id,
        actor=actor.user,
        action="round.create",
        target=rnd,
        after={"title": title, "budget_ore": budget_ore},
    )
    return rnd


@transaction.atomic(durable=True)
def round_join(*, actor: Actor, rnd: ApplicationRound, case: Case) -> Case:
    """Place an applicant's development-project draft in an open round."""
    _own_case(actor, case)
    _require(can_edit_case(actor, case))
    today = timezone.localdate()
    if rnd.organisation_id != actor.organisation.pk:
        raise DomainError(_("Omgången tillhör en annan organisation."))
    if not (rnd.opens_on <= today <= rnd.closes_on) or rnd.status != rnd.Status.OPEN:
        raise ConflictError(_("Omgången är inte öppen för ansökningar."), code="state")
    if case.kind != ApplicationKind.DEVELOPMENT_PROJECT:
        raise DomainError(_("Bara utvecklingsprojekt kan ingå i en ansökningsomgång."))
    case.round = rnd
    case.save(update_fields=["round", "updated_at"])
    return case


@transaction.atomic(durable=True)
def score_record(
    *, actor: Actor, case: Case, criterion: Criterion, score: int, comment: str = ""
) -> Score:
    _require(can_assess(actor))
    _own_case(actor, case)
    if case.round_id != criterion.round_id:
        raise DomainError(_("Kriteriet hör inte till ärendets omgång."))
    if criterion.round.status != ApplicationRound.Status.OPEN:
        raise ConflictError(_("Omgången är redan beslutad."), code="state")
    if not 0 <= score <= criterion.max_score:
        raise DomainError(
            _("Poängen ska vara mellan 0 och %(m)d.") % {"m": criterion.max_score}, field="score"
        )
    row, _created = Score.objects.update_or_create(
        case=case,
        criterion=criterion,
        assessor=actor.user,
        defaults={
            "score": score,
            "comment": optional_text(comment, field="comment", max_length=COMMENT_MAX),
        },
    )
    audit(
        organisation_id=case.organisation_id,
        actor=actor.user,
        action="round.score",
        target=row,
        case=case,
        after={"criterion": criterion.name, "score": score},
    )
    return row


@dataclass
class RoundDecision:
    case_id: int
    approve: bool
    amount_ore: int | None
    reason: str


@transaction.atomic(durable=True)
def round_decide(
    *, actor: Actor, rnd: ApplicationRound, decisions: list[RoundDecision]
) -> ApplicationRound:
    """The joint decision on the whole set, within the round's budget frame."""
    _require(can_manage_meetings(actor))
    rnd = ApplicationRound.objects.select_for_update().get(pk=rnd.pk)
    if rnd.organisation_id != actor.organisation.pk:
        raise DomainError(_("Omgången tillhör en annan organisation."))
    if rnd.status != ApplicationRound.Status.OPEN:
        raise ConflictError(_("Omgången är redan beslutad."), code="state")
    cases = {c.pk: c for c in rnd.cases.filter(status=Status.IN_REVIEW)}
    if set(cases) != {d.case_id for d in decisions}:
        raise DomainError(
            _("Beslutet ska omfatta alla ansökningar i omgången som är under handläggning.")
        )
    for d in decisions:
        amount_within(d.amount_ore, field="amount")
        optional_text(d.reason, field="reason", max_length=COMMENT_MAX)
    total = sum(
        (d.amount_ore if d.amount_ore is not None else cases[d.case_id].requested_ore)
        for d in decisions
        if d.approve
    )
    if total > rnd.budget_ore:
        raise DomainError(
            _("De beviljade beloppen, %(t)s, är mer än omgångens budgetram %(b)s.")
            % {"t": format_ore(total), "b": format_ore(rnd.budget_ore)},
            field="amount",
        )
    for d in decisions:
        case_transition(
            actor=actor,
            case=cases[d.case_id],
            name="approve" if d.approve else "reject",
            reason=d.reason,
            amount_ore=d.amount_ore if d.approve else None,
            period=rnd.period,
            in_round=True,
        )
    rnd.status = ApplicationRound.Status.DECIDED
    rnd.save(update_fields=["status"])
    audit(
        organisation_id=rnd.organisation_id,
        actor=actor.user,
        action="round.decide",
        target=rnd,
        after={"approved_total_ore": total, "cases": len(decisions)},
    )
    return rnd
