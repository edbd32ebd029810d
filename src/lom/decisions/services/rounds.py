"""Application rounds for development projects: the call, joining, scoring, the joint decision."""

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lom.accounts.models import User
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
    AgendaItem,
    ApplicationRound,
    Criterion,
    Meeting,
    Score,
)
from lom.decisions.permissions import (
    can_assess,
    can_manage_meetings,
)
from lom.decisions.selectors.rounds import SCORED_STATUSES, assessor_choices, round_assessors
from lom.decisions.services._common import _own_case
from lom.decisions.services.meetings import _add_case, _open_meeting
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
    assessor_ids: list[int] | None = None,
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
        assessor_ids=assessor_ids,
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
    assessor_ids: list[int] | None = None,
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
    assessors: list[User] = []
    if assessor_ids:
        allowed = {u.pk: u for u in assessor_choices(actor=actor)}
        unknown = [i for i in assessor_ids if i not in allowed]
        if unknown:
            raise DomainError(
                _(
                    "Bedömarna ska vara samordnare, beslutsfattare eller fackliga företrädare "
                    "i organisationen."
                ),
                field="assessors",
            )
        assessors = [allowed[i] for i in dict.fromkeys(assessor_ids)]
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
    if assessors:
        rnd.assessors.set(assessors)
    audit(
        organisation_id=rnd.organisation_id,
        actor=actor.user,
        action="round.create",
        target=rnd,
        after={
            "title": title,
            "budget_ore": budget_ore,
            "assessors": [u.pk for u in assessors],
        },
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


def _current_round(actor: Actor, rnd: ApplicationRound, *, lock: bool = False) -> ApplicationRound:
    """The round as it is now (a decision may have been taken since it was read)."""
    rows = ApplicationRound.objects.filter(pk=rnd.pk, organisation=actor.organisation)
    current = (rows.select_for_update() if lock else rows).first()
    if current is None:
        raise DomainError(_("Omgången tillhör en annan organisation."))
    return current


def _check_scorer(actor: Actor, rnd: ApplicationRound) -> None:
    _require(can_assess(actor))
    rnd = _current_round(actor, rnd)
    if rnd.status != ApplicationRound.Status.OPEN:
        raise ConflictError(_("Omgången är redan beslutad."), code="state")
    if not any(u.pk == actor.user.pk for u in round_assessors(rnd=rnd)):
        raise DomainError(_("Du är inte bedömare i den här omgången."))


def _check_scored_case(rnd: ApplicationRound, case: Case) -> Case:
    """The case as it is now (read again, under a lock against a decision meanwhile)."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.round_id != rnd.pk:
        raise DomainError(_("Ansökan ingår inte i omgången."), field="case")
    if case.status not in SCORED_STATUSES:
        raise ConflictError(
            _("Bara ansökningar under handläggning bedöms (%(n)s är inte det).")
            % {"n": case.number or case.title},
            code="state",
        )
    return case


def _score_put(
    *,
    actor: Actor,
    case: Case,
    criterion: Criterion,
    score: int,
    comment: str | None,
    field: str = "score",
) -> Score:
    if not 0 <= score <= criterion.max_score:
        raise DomainError(
            _("Poängen för %(c)s ska vara mellan 0 och %(m)d.")
            % {"c": criterion.name, "m": criterion.max_score},
            field=field,
        )
    defaults: dict[str, object] = {"score": score}
    if comment is not None:
        defaults["comment"] = optional_text(comment, field="comment", max_length=COMMENT_MAX)
    row, _created = Score.objects.update_or_create(
        case=case, criterion=criterion, assessor=actor.user, defaults=defaults
    )
    return row


@transaction.atomic(durable=True)
def score_record(
    *, actor: Actor, case: Case, criterion: Criterion, score: int, comment: str = ""
) -> Score:
    """One score with its comment: the assessor's own, on one criterion of one application."""
    _own_case(actor, case)
    _check_scorer(actor, criterion.round)
    if case.round_id != criterion.round_id:
        raise DomainError(_("Kriteriet hör inte till ärendets omgång."))
    case = _check_scored_case(criterion.round, case)
    row = _score_put(actor=actor, case=case, criterion=criterion, score=score, comment=comment)
    audit(
        organisation_id=case.organisation_id,
        actor=actor.user,
        action="round.score",
        target=row,
        case=case,
        after={"criterion": criterion.name, "score": score},
    )
    return row


@transaction.atomic(durable=True)
def scores_save_row(
    *, actor: Actor, rnd: ApplicationRound, case: Case, scores: dict[int, int | None]
) -> int:
    """The assessor's own scores of one application (one row of the matrix, or one cell of it):
    criterion id -> score, or None to take a score back. All or nothing; a refused score names
    the field `scores.<criterion id>`. Returns how many cells changed."""
    _own_case(actor, case)
    _check_scorer(actor, rnd)
    case = _check_scored_case(rnd, case)
    criteria = {c.pk: c for c in rnd.criteria.all()}
    unknown = [k for k in scores if k not in criteria]
    if unknown:
        raise DomainError(_("Kriteriet hör inte till omgången."), field="criterion")
    before = {
        s.criterion_id: s.score
        for s in Score.objects.filter(case=case, assessor=actor.user, criterion__round=rnd)
    }
    changed: dict[str, int | None] = {}
    for cid, value in scores.items():
        if value is None:
            if cid in before:
                Score.objects.filter(case=case, criterion_id=cid, assessor=actor.user).delete()
                changed[criteria[cid].name] = None
            continue
        if before.get(cid) != value or cid not in before:
            _score_put(
                actor=actor,
                case=case,
                criterion=criteria[cid],
                score=value,
                comment=None,
                field=f"scores.{cid}",
            )
            changed[criteria[cid].name] = value
    if changed:
        audit(
            organisation_id=case.organisation_id,
            actor=actor.user,
            action="round.score",
            target=rnd,
            case=case,
            after={"scores": changed},
        )
    return len(changed)


@transaction.atomic(durable=True)
def round_start_review(*, actor: Actor, rnd: ApplicationRound) -> int:
    """Start the review of every submitted application of the round at once. Returns how many."""
    _require(can_manage_meetings(actor))
    rnd = _current_round(actor, rnd, lock=True)
    if rnd.status != ApplicationRound.Status.OPEN:
        raise ConflictError(_("Omgången är redan beslutad."), code="state")
    started = 0
    for case in rnd.cases.filter(status=Status.SUBMITTED).order_by("number", "id"):
        case_transition(actor=actor, case=case, name="start_review")
        started += 1
    return started


@transaction.atomic(durable=True)
def round_to_agenda(*, actor: Actor, rnd: ApplicationRound, meeting: Meeting) -> int:
    """Put every application of the round under review on a planned meeting's agenda, so the
    parties see them together; the round's joint decision records their outcome there.
    Returns how many were added (those already on it are left as they are)."""
    _require(can_manage_meetings(actor))
    rnd = _current_round(actor, rnd, lock=True)
    if meeting.organisation_id != actor.organisation.pk:
        raise DomainError(_("Sammanträdet finns inte i organisationen."), field="meeting")
    if rnd.status != ApplicationRound.Status.OPEN:
        raise ConflictError(_("Omgången är redan beslutad."), code="state")
    meeting = _open_meeting(meeting)
    in_review = list(rnd.cases.filter(status=Status.IN_REVIEW).order_by("number", "id"))
    if not in_review:
        raise ConflictError(
            _("Omgången har inga ansökningar under handläggning att sätta upp."), code="state"
        )
    on_it = set(meeting.items.values_list("case_id", flat=True))
    added = 0
    for case in in_review:
        if case.pk not in on_it:
            _add_case(actor=actor, meeting=meeting, case=case, in_round=True)
            added += 1
    return added


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
    # The applications the parties saw on a planned meeting's agenda: the round's decision is
    # their outcome there, in the minutes.
    items = AgendaItem.objects.filter(
        case_id__in=list(cases), meeting__status=Meeting.Status.PLANNED, outcome=""
    )
    by_case = {d.case_id: d for d in decisions}
    for item in items:
        d = by_case[item.case_id]
        item.outcome = AgendaItem.Outcome.APPROVED if d.approve else AgendaItem.Outcome.REJECTED
        item.minute_text = d.reason
        item.save(update_fields=["outcome", "minute_text"])
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
