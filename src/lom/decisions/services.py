"""Every write in joint decisions: meetings, positions, minutes, objections, rounds."""

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lom.accounts.models import User
from lom.agreements.selectors import agreement_current
from lom.cases.models import ApplicationKind, Case, Decision, Status
from lom.cases.services import _do_case_transition as case_transition
from lom.common.audit import audit
from lom.common.errors import DomainError, PermissionDeniedError
from lom.common.money import format_ore
from lom.common.validation import require as _require
from lom.decisions.models import (
    AgendaItem,
    ApplicationRound,
    Attendee,
    Criterion,
    Meeting,
    Objection,
    Position,
    Score,
)
from lom.decisions.notifications import notify, role_users
from lom.decisions.permissions import (
    can_answer_objection,
    can_assess,
    can_manage_meetings,
    can_raise_objection,
    can_record_position,
)
from lom.funds.models import FundPeriod
from lom.organisations.access import Actor
from lom.organisations.models import Membership, Role, Union


def _own_case(actor: Actor, case: Case) -> None:
    if case.organisation_id != actor.organisation.pk:
        raise DomainError(_("Ärendet tillhör en annan organisation."))


def _open_meeting(meeting: Meeting) -> Meeting:
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.is_signed:
        raise DomainError(
            _(
                "Protokollet är justerat och kan inte ändras. Gör en justering "
                "som ett nytt, länkat protokoll."
            ),
            code="signed",
        )
    return meeting


# --- Meetings -------------------------------------------------------------------------------


@transaction.atomic
def meeting_create(
    *,
    actor: Actor,
    title: str,
    starts_at: datetime,
    place: str = "",
    attendee_ids: list[int] | None = None,
    adjusts: Meeting | None = None,
) -> Meeting:
    _require(can_manage_meetings(actor))
    if not title.strip():
        raise DomainError(_("Ge sammanträdet en rubrik."), field="title")
    if adjusts is not None and (
        adjusts.organisation_id != actor.organisation.pk or not adjusts.is_signed
    ):
        raise DomainError(
            _("Bara ett justerat protokoll i den egna organisationen kan justeras i efterhand.")
        )
    meeting = Meeting.objects.create(
        organisation=actor.organisation,
        title=title.strip(),
        starts_at=starts_at,
        place=place,
        created_by=actor.user,
        adjusts=adjusts,
    )
    ids = set(attendee_ids or [])
    ids.add(actor.user.pk)
    memberships = Membership.objects.filter(organisation=actor.organisation, user_id__in=ids)
    union_of: dict[int, int | None] = {}
    for m in memberships:
        if m.role == Role.UNION_REP:
            union_of[m.user_id] = m.union_id
        else:
            union_of.setdefault(m.user_id, None)
    Attendee.objects.bulk_create(
        [Attendee(meeting=meeting, user_id=uid, union_id=union) for uid, union in union_of.items()]
    )
    audit(
        organisation_id=meeting.organisation_id,
        actor=actor.user,
        action="meeting.create",
        target=meeting,
        after={
            "title": meeting.title,
            "starts_at": starts_at.isoformat(),
            "adjusts": adjusts.pk if adjusts else None,
        },
    )
    return meeting


@transaction.atomic
def meeting_add_case(*, actor: Actor, meeting: Meeting, case: Case) -> AgendaItem:
    _require(can_manage_meetings(actor))
    meeting = _open_meeting(meeting)
    _own_case(actor, case)
    if case.status != Status.IN_REVIEW:
        raise DomainError(_("Bara ärenden under handläggning kan sättas upp på dagordningen."))
    if case.round_id:
        raise DomainError(_("Ärendet beslutas i sin ansökningsomgång."))
    item, created = AgendaItem.objects.get_or_create(
        meeting=meeting, case=case, defaults={"order": meeting.items.count() + 1}
    )
    if created:
        audit(
            organisation_id=case.organisation_id,
            actor=actor.user,
            action="agenda.add",
            target=item,
            case=case,
            after={"meeting": meeting.pk, "order": item.order},
        )
        reps = [a.user for a in meeting.attendees.select_related("user")]
        notify(
            users=reps + _applicants(case),
            organisation_id=case.organisation_id,
            kind="agenda",
            case=case,
            url=f"/decisions/meetings/{meeting.pk}/",
            text=_("%(case)s är uppsatt på dagordningen till %(m)s")
            % {"case": case.number, "m": meeting.title},
        )
    return item


def _applicants(case: Case) -> list[User]:
    from lom.decisions.notifications import applicant_users

    return applicant_users(case)


@transaction.atomic
def meeting_fill_agenda(*, actor: Actor, meeting: Meeting) -> int:
    """Put every case that is ready for decision and on no open agenda on this one."""
    _require(can_manage_meetings(actor))
    _open_meeting(meeting)
    ready = (
        Case.objects.filter(
            organisation=actor.organisation, status=Status.IN_REVIEW, round__isnull=True
        )
        .exclude(agenda_items__meeting__status=Meeting.Status.PLANNED)
        .order_by("submitted_at", "id")
    )
    added = 0
    for case in ready:
        meeting_add_case(actor=actor, meeting=meeting, case=case)
        added += 1
    return added


@transaction.atomic
def meeting_set_attendance(*, actor: Actor, meeting: Meeting, present_ids: set[int]) -> None:
    _require(can_manage_meetings(actor))
    meeting = _open_meeting(meeting)
    for a in meeting.attendees.all():
        present = a.user_id in present_ids
        if a.present != present:
            a.present = present
            a.save(update_fields=["present"])


@transaction.atomic
def position_record(
    *,
    actor: Actor,
    item: AgendaItem,
    stance: str,
    reason: str = "",
    final: bool,
    union: Union | None,
) -> Position:
    _require(can_record_position(actor, union.pk if union else None))
    meeting = _open_meeting(item.meeting)
    if meeting.organisation_id != actor.organisation.pk:
        raise DomainError(_("Sammanträdet tillhör en annan organisation."))
    if item.outcome:
        raise DomainError(_("Punkten är redan beslutad."))
    if stance not in Position.Stance.values:
        raise DomainError(_("Välj tillstyrker eller avstyrker."), field="stance")
    reason = (reason or "").strip()
    if stance == Position.Stance.DISAGREE and not reason:
        raise DomainError(_("Motivera varför ni avstyrker."), field="reason")
    position, _created = Position.objects.update_or_create(
        item=item,
        union=union,
        final=final,
        defaults={"stance": stance, "reason": reason, "recorded_by": actor.user},
    )
    audit(
        organisation_id=meeting.organisation_id,
        actor=actor.user,
        action="position.final" if final else "position.provisional",
        target=position,
        case=item.case,
        after={"party": position.party_name, "stance": stance, "reason": reason},
    )
    return position


@transaction.atomic
def item_decide(
    *,
    actor: Actor,
    item: AgendaItem,
    outcome: str,
    reason: str,
    amount_ore: int | None = None,
) -> AgendaItem:
    """Record the meeting's decision on one item. Approval needs every party present to
    agree; a disagreement can end in rejection or deferral (and then an objection)."""
    _require(can_manage_meetings(actor))
    meeting = _open_meeting(item.meeting)
    item = AgendaItem.objects.select_for_update().get(pk=item.pk)
    if item.outcome:
        raise DomainError(_("Punkten är redan beslutad."))
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Skriv beslutets motivering."), field="reason")
    finals = list(item.positions.filter(final=True))
    parties_present = {a.union_id for a in meeting.attendees.filter(present=True)}
    parties_with_position = {p.union_id for p in finals}
    if outcome == AgendaItem.Outcome.APPROVED:
        missing = parties_present - parties_with_position
        if missing:
            raise DomainError(
                _("Alla närvarande parter ska ha tagit ställning innan beslut."), field="outcome"
            )
        if any(p.stance == Position.Stance.DISAGREE for p in finals):
            raise DomainError(
                _(
                    "Parterna är oense. Ärendet kan inte beviljas gemensamt; "
                    "avslå eller bordlägg det."
                ),
                field="outcome",
            )
    if outcome in (AgendaItem.Outcome.APPROVED, AgendaItem.Outcome.REJECTED):
        case_transition(
            actor=actor,
            case=item.case,
            name="approve" if outcome == AgendaItem.Outcome.APPROVED else "reject",
            reason=reason,
            amount_ore=amount_ore,
            agenda_item=item,
        )
    elif outcome != AgendaItem.Outcome.DEFERRED:
        raise DomainError(_("Välj ett beslut."), field="outcome")
    item.outcome = outcome
    item.minute_text = reason
    item.save(update_fields=["outcome", "minute_text"])
    audit(
        organisation_id=meeting.organisation_id,
        actor=actor.user,
        action="agenda.decide",
        target=item,
        case=item.case,
        after={"outcome": outcome, "reason": reason},
    )
    return item


@transaction.atomic
def meeting_sign(*, actor: Actor, meeting: Meeting) -> Meeting:
    """Freeze the minutes: render the PDF once, store it with its checksum."""
    from lom.decisions.minutes import render_minutes_pdf

    _require(can_manage_meetings(actor))
    meeting = _open_meeting(meeting)
    if meeting.items.filter(outcome="").exists():
        raise DomainError(
            _("Alla punkter måste vara beslutade eller bordlagda innan protokollet justeras.")
        )
    meeting.status = Meeting.Status.SIGNED
    meeting.signed_by = actor.user
    meeting.signed_at = timezone.now()
    pdf = render_minutes_pdf(meeting)
    meeting.minutes_sha256 = hashlib.sha256(pdf).hexdigest()
    meeting.minutes_pdf.save(
        f"protokoll-{meeting.organisation_id}-{meeting.pk}.pdf", ContentFile(pdf), save=False
    )
    meeting.save()
    audit(
        organisation_id=meeting.organisation_id,
        actor=actor.user,
        action="meeting.sign",
        target=meeting,
        after={"sha256": meeting.minutes_sha256},
    )
    return meeting


# --- Objections -----------------------------------------------------------------------------


@transaction.atomic
def objection_raise(
    *,
    actor: Actor,
    reasons: str,
    subject: str = "",
    case: Case | None = None,
    decision: Decision | None = None,
    union: Union | None = None,
) -> Objection:
    _require(can_raise_objection(actor))
    if union is None:
        union = Union.objects.get(pk=actor.union_ids[0])
    if union.pk not in actor.union_ids:
        raise PermissionDeniedError(_("Du kan bara invända för ditt eget fackförbund."))
    reasons = (reasons or "").strip()
    if not reasons:
        raise DomainError(_("Skriv skälen för invändningen."), field="reasons")
    if decision is not None:
        case = decision.case
    if case is not None:
        _own_case(actor, case)
        if case.status == Status.DRAFT:
            raise DomainError(_("Det går inte att invända mot ett utkast."))
    if decision is not None:
        agreement = agreement_current(organisation=actor.organisation, on=timezone.localdate())
        days = agreement.objection_days if agreement else 14
        if timezone.now() - decision.decided_at > timedelta(days=days):
            raise DomainError(
                _(
                    "Tiden för invändningar mot beslutet (%(d)d dagar) har gått ut. "
                    "Du kan fortfarande invända mot hur avtalet tillämpas."
                )
                % {"d": days},
                field="reasons",
                code="too_late",
            )
    if not subject.strip():
        subject = (
            (_("Beslut i ärende %(n)s") % {"n": case.number})
            if decision
            else (_("Ärende %(n)s") % {"n": case.number} if case else _("Tillämpningen av avtalet"))
        )
    objection = Objection.objects.create(
        organisation=actor.organisation,
        case=case,
        decision=decision,
        union=union,
        raised_by=actor.user,
        subject=subject.strip()[:200],
        reasons=reasons,
    )
    audit(
        organisation_id=objection.organisation_id,
        actor=actor.user,
        action="objection.raise",
        target=objection,
        case=case,
        after={"union": union.name, "subject": objection.subject, "reasons": reasons},
    )
    notify(
        users=role_users(actor.organisation.pk, Role.COORDINATOR, Role.DECISION_MAKER),
        organisation_id=actor.organisation.pk,
        kind="objection",
        case=case,
        url=f"/decisions/objections/{objection.pk}/",
        text=_("%(u)s invänder: %(s)s") % {"u": union.name, "s": objection.subject},
    )
    return objection


@transaction.atomic
def objection_answer(*, actor: Actor, objection: Objection, answer: str) -> Objection:
    _require(can_answer_objection(actor))
    objection = Objection.objects.select_for_update().get(pk=objection.pk)
    if objection.organisation_id != actor.organisation.pk:
        raise DomainError(_("Invändningen tillhör en annan organisation."))
    if objection.status != Objection.Status.RAISED:
        raise DomainError(_("Invändningen är redan besvarad."))
    answer = (answer or "").strip()
    if not answer:
        raise DomainError(_("Skriv arbetsgivarens svar."), field="answer")
    objection.answer, objection.answered_by = answer, actor.user
    objection.answered_at = timezone.now()
    objection.status = Objection.Status.ANSWERED
    objection.save()
    audit(
        organisation_id=objection.organisation_id,
        actor=actor.user,
        action="objection.answer",
        target=objection,
        case=objection.case,
        before={"status": "raised"},
        after={"status": "answered", "answer": answer},
    )
    reps = [
        m.user
        for m in Membership.objects.filter(
            organisation_id=objection.organisation_id, role=Role.UNION_REP, union=objection.union
        ).select_related("user")
    ]
    notify(
        users=reps,
        organisation_id=objection.organisation_id,
        kind="objection",
        case=objection.case,
        url=f"/decisions/objections/{objection.pk}/",
        text=_("Arbetsgivaren har svarat på invändningen: %(s)s") % {"s": objection.subject},
    )
    return objection


@transaction.atomic
def objection_close(
    *, actor: Actor, objection: Objection, outcome: str, note: str = ""
) -> Objection:
    """The objecting union closes it: resolved locally, or escalated to the central parties."""
    objection = Objection.objects.select_for_update().get(pk=objection.pk)
    if objection.organisation_id != actor.organisation.pk:
        raise DomainError(_("Invändningen tillhör en annan organisation."))
    if objection.union_id not in actor.union_ids:
        raise PermissionDeniedError(_("Bara det fackförbund som invände kan avsluta invändningen."))
    if objection.status != Objection.Status.ANSWERED:
        raise DomainError(_("Invändningen kan avslutas först när arbetsgivaren har svarat."))
    if outcome not in (Objection.Status.RESOLVED, Objection.Status.ESCALATED):
        raise DomainError(_("Välj löst lokalt eller hänskjuten."), field="outcome")
    objection.status = outcome
    objection.closing_note = (note or "").strip()
    objection.closed_at = timezone.now()
    objection.save()
    audit(
        organisation_id=objection.organisation_id,
        actor=actor.user,
        action=f"objection.{outcome}",
        target=objection,
        case=objection.case,
        before={"status": "answered"},
        after={"status": outcome, "note": objection.closing_note},
    )
    notify(
        users=role_users(objection.organisation_id, Role.COORDINATOR, Role.DECISION_MAKER),
        organisation_id=objection.organisation_id,
        kind="objection",
        case=objection.case,
        url=f"/decisions/objections/{objection.pk}/",
        text=_("Invändningen %(s)s: %(o)s")
        % {"s": objection.subject, "o": objection.get_status_display()},
    )
    return objection


# --- Application rounds ---------------------------------------------------------------------


@transaction.atomic
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
    _require(can_manage_meetings(actor))
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


@transaction.atomic
def round_join(*, actor: Actor, rnd: ApplicationRound, case: Case) -> Case:
    """Place an applicant's development-project draft in an open round."""
    from lom.cases.permissions import can_edit_case

    _own_case(actor, case)
    _require(can_edit_case(actor, case))
    today = timezone.localdate()
    if rnd.organisation_id != actor.organisation.pk:
        raise DomainError(_("Omgången tillhör en annan organisation."))
    if not (rnd.opens_on <= today <= rnd.closes_on) or rnd.status != rnd.Status.OPEN:
        raise DomainError(_("Omgången är inte öppen för ansökningar."))
    if case.kind != ApplicationKind.DEVELOPMENT_PROJECT:
        raise DomainError(_("Bara utvecklingsprojekt kan ingå i en ansökningsomgång."))
    case.round = rnd
    case.save(update_fields=["round", "updated_at"])
    return case


@transaction.atomic
def score_record(
    *, actor: Actor, case: Case, criterion: Criterion, score: int, comment: str = ""
) -> Score:
    _require(can_assess(actor))
    _own_case(actor, case)
    if case.round_id != criterion.round_id:
        raise DomainError(_("Kriteriet hör inte till ärendets omgång."))
    if criterion.round.status != ApplicationRound.Status.OPEN:
        raise DomainError(_("Omgången är redan beslutad."))
    if not 0 <= score <= criterion.max_score:
        raise DomainError(
            _("Poängen ska vara mellan 0 och %(m)d.") % {"m": criterion.max_score}, field="score"
        )
    row, _created = Score.objects.update_or_create(
        case=case,
        criterion=criterion,
        assessor=actor.user,
        defaults={"score": score, "comment": (comment or "").strip()},
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


@transaction.atomic
def round_decide(
    *, actor: Actor, rnd: ApplicationRound, decisions: list[RoundDecision]
) -> ApplicationRound:
    """The joint decision on the whole set, within the round's budget frame."""
    _require(can_manage_meetings(actor))
    rnd = ApplicationRound.objects.select_for_update().get(pk=rnd.pk)
    if rnd.organisation_id != actor.organisation.pk:
        raise DomainError(_("Omgången tillhör en annan organisation."))
    if rnd.status != ApplicationRound.Status.OPEN:
        raise DomainError(_("Omgången är redan beslutad."))
    cases = {c.pk: c for c in rnd.cases.filter(status=Status.IN_REVIEW)}
    if set(cases) != {d.case_id for d in decisions}:
        raise DomainError(
            _("Beslutet ska omfatta alla ansökningar i omgången som är under handläggning.")
        )
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
