"""Every write in planning: workshops (board, steps, lock, versions), proposals turned into
applications or a round, and the transition plan with its joint approval.

Each contribution to a workshop is its own row, written under a lock on the workshop row, so
two participants writing at the same moment both keep what they wrote, and nobody writes after
the facilitator has locked the result."""

import hashlib
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lom.accounts.models import User
from lom.agreements.models import MeasureType
from lom.agreements.selectors import agreement_current
from lom.cases.models import ApplicationKind, Case, CostLine
from lom.common.audit import audit
from lom.common.errors import DomainError, PermissionDeniedError
from lom.common.validation import require as _require
from lom.common.validation import required_text as _text
from lom.decisions.models import ApplicationRound, Notification
from lom.funds.models import FundPeriod
from lom.organisations.access import Actor
from lom.organisations.models import Membership, Role, Union
from lom.planning.models import (
    STEP_ORDER,
    ClosingWord,
    FactorCard,
    Need,
    PlanApproval,
    PlanArea,
    PlannedMeasure,
    Proposal,
    Step,
    TransitionPlan,
    Workshop,
    WorkshopArea,
    WorkshopNeed,
    WorkshopParticipant,
)
from lom.planning.permissions import (
    can_approve_plan,
    can_contribute,
    can_convert_proposal,
    can_create_workshop,
    can_edit_plan,
    can_facilitate,
    can_manage_plans,
    can_remove_item,
    can_view_workshop,
    is_facilitator,
)

MAX_TIMEBOX_MINUTES = 240


# --- Workshops: setting up ------------------------------------------------------------------


def _parties(organisation_id: int, user_ids: set[int]) -> dict[int, int | None]:
    """user id -> the party they take part for (a union, or None for the employer). Only users
    with a role in the organisation can be invited."""
    out: dict[int, int | None] = {}
    for m in Membership.objects.filter(organisation_id=organisation_id, user_id__in=user_ids):
        if m.role == Role.UNION_REP and m.union_id:
            out[m.user_id] = m.union_id
        else:
            out.setdefault(m.user_id, None)
    return out


def _touch(workshop: Workshop) -> None:
    Workshop.objects.filter(pk=workshop.pk).update(revision=F("revision") + 1)


def _locked_row(workshop: Workshop) -> Workshop:
    """The workshop row, locked until the transaction ends: every write to a board goes
    through here, so writes to one workshop are serialised and none is lost."""
    return Workshop.objects.select_for_update().get(pk=workshop.pk)


def _notify_invited(workshop: Workshop, user_ids: list[int], actor: Actor) -> None:
    Notification.objects.bulk_create(
        [
            Notification(
                user_id=uid,
                organisation_id=workshop.organisation_id,
                kind="workshop",
                text=str(
                    _("Du är inbjuden till omställningsworkshoppen ”%(t)s” den %(d)s")
                    % {"t": workshop.title, "d": workshop.held_on.isoformat()}
                )[:300],
                url=f"/planning/workshops/{workshop.pk}/",
            )
            for uid in user_ids
            if uid != actor.user.pk
        ]
    )


@transaction.atomic
def workshop_create(
    *,
    actor: Actor,
    title: str,
    held_on: date,
    place: str = "",
    participant_ids: list[int] | None = None,
    facilitator_ids: list[int] | None = None,
) -> Workshop:
    """The creator becomes its facilitator and first participant."""
    _require(can_create_workshop(actor))
    title = _text(title, field="title", message=_("Ge workshoppen en rubrik."), max_length=200)
    workshop = Workshop.objects.create(
        organisation=actor.organisation,
        title=title,
        held_on=held_on,
        place=(place or "").strip()[:300],
        created_by=actor.user,
    )
    ids = set(participant_ids or []) | set(facilitator_ids or []) | {actor.user.pk}
    parties = _parties(actor.organisation.pk, ids)
    if set(ids) - set(parties):
        raise DomainError(
            _("Bara personer med en roll i organisationen kan bjudas in."), field="participants"
        )
    facilitators = set(facilitator_ids or []) | {actor.user.pk}
    WorkshopParticipant.objects.bulk_create(
        [
            WorkshopParticipant(
                workshop=workshop,
                user_id=uid,
                union_id=union,
                is_facilitator=uid in facilitators,
                invited_by=actor.user,
            )
            for uid, union in parties.items()
        ]
    )
    audit(
        organisation_id=workshop.organisation_id,
        actor=actor.user,
        action="workshop.create",
        target=workshop,
        after={"title": title, "held_on": held_on.isoformat(), "participants": sorted(parties)},
    )
    _notify_invited(workshop, sorted(parties), actor)
    return workshop


@transaction.atomic
def workshop_invite(
    *, actor: Actor, workshop: Workshop, user_ids: list[int], facilitator: bool = False
) -> int:
    """Invite more participants (both parties). Returns how many were new."""
    ws = _locked_row(workshop)
    _require(can_facilitate(actor, ws))
    parties = _parties(ws.organisation_id, set(user_ids))
    if set(user_ids) - set(parties):
        raise DomainError(
            _("Bara personer med en roll i organisationen kan bjudas in."), field="participants"
        )
    existing = set(ws.participants.values_list("user_id", flat=True))
    new = [uid for uid in parties if uid not in existing]
    WorkshopParticipant.objects.bulk_create(
        [
            WorkshopParticipant(
                workshop=ws,
                user_id=uid,
                union_id=parties[uid],
                is_facilitator=facilitator,
                invited_by=actor.user,
            )
            for uid in new
        ]
    )
    if new:
        _touch(ws)
        audit(
            organisation_id=ws.organisation_id,
            actor=actor.user,
            action="workshop.invite",
            target=ws,
            after={"participants": new, "facilitator": facilitator},
        )
        _notify_invited(ws, new, actor)
    return len(new)


@transaction.atomic
def workshop_remove_participant(
    *, actor: Actor, workshop: Workshop, participant: WorkshopParticipant
) -> None:
    ws = _locked_row(workshop)
    _require(can_facilitate(actor, ws))
    if participant.workshop_id != ws.pk:
        raise DomainError(_("Deltagaren hör inte till workshoppen."))
    if participant.user_id == ws.created_by_id:
        raise DomainError(_("Den som skapade workshoppen kan inte tas bort."))
    participant.delete()
    _touch(ws)
    audit(
        organisation_id=ws.organisation_id,
        actor=actor.user,
        action="workshop.uninvite",
        target=ws,
        before={"participant": participant.user_id},
    )


# --- Workshops: leading through the steps ---------------------------------------------------


@transaction.atomic
def workshop_set_step(*, actor: Actor, workshop: Workshop, step: str) -> Workshop:
    ws = _locked_row(workshop)
    _require(can_facilitate(actor, ws))
    if step not in STEP_ORDER:
        raise DomainError(_("Okänt steg."), field="step")
    before = ws.step
    ws.step, ws.step_ends_at = step, None
    ws.save(update_fields=["step", "step_ends_at"])
    _touch(ws)
    audit(
        organisation_id=ws.organisation_id,
        actor=actor.user,
        action="workshop.step",
        target=ws,
        before={"step": before},
        after={"step": step},
    )
    return ws


@transaction.atomic
def workshop_set_timebox(*, actor: Actor, workshop: Workshop, minutes: int | None) -> Workshop:
    """Time-box the current step: it ends `minutes` from now (None or 0: no time-box)."""
    ws = _locked_row(workshop)
    _require(can_facilitate(actor, ws))
    if minutes and not 1 <= minutes <= MAX_TIMEBOX_MINUTES:
        raise DomainError(
            _("Ange mellan 1 och %(m)d minuter.") % {"m": MAX_TIMEBOX_MINUTES}, field="minutes"
        )
    ws.step_ends_at = timezone.now() + timedelta(minutes=minutes) if minutes else None
    ws.save(update_fields=["step_ends_at"])
    _touch(ws)
    audit(
        organisation_id=ws.organisation_id,
        actor=actor.user,
        action="workshop.timebox",
        target=ws,
        after={"step": ws.step, "minutes": minutes or 0},
    )
    return ws


# --- Workshops: the board -------------------------------------------------------------------


def _board_audit(actor: Actor, ws: Workshop, action: str, target, **after) -> None:
    audit(
        organisation_id=ws.organisation_id,
        actor=actor.user,
        action=f"workshop.{action}",
        target=target,
        after={"workshop": ws.pk, **after},
    )


@transaction.atomic
def card_add(*, actor: Actor, workshop: Workshop, text: str) -> FactorCard:
    ws = _locked_row(workshop)
    _require(can_contribute(actor, ws, Step.FACTORS))
    text = _text(text, field="text", message=_("Skriv en omvärldsfaktor."), max_length=300)
    card = FactorCard.objects.create(workshop=ws, text=text, author=actor.user)
    _touch(ws)
    _board_audit(actor, ws, "card", card, text=text)
    return card


@transaction.atomic
def card_move(
    *, actor: Actor, workshop: Workshop, card: FactorCard, area: WorkshopArea | None
) -> FactorCard:
    ws = _locked_row(workshop)
    _require(can_contribute(actor, ws, Step.SORT))
    if card.workshop_id != ws.pk or (area is not None and area.workshop_id != ws.pk):
        raise DomainError(_("Kortet eller området hör inte till workshoppen."), field="area")
    before = card.area_id
    if not FactorCard.objects.filter(pk=card.pk, workshop=ws).update(area=area):
        raise DomainError(_("Kortet finns inte längre."), code="gone")
    card.area = area
    _touch(ws)
    _board_audit(actor, ws, "card_move", card, before_area=before, area=area.pk if area else None)
    return card


@transaction.atomic
def card_remove(*, actor: Actor, workshop: Workshop, card: FactorCard) -> None:
    ws = _locked_row(workshop)
    _require(can_remove_item(actor, ws, card.author_id, Step.FACTORS))
    if card.workshop_id != ws.pk:
        raise DomainError(_("Kortet hör inte till workshoppen."))
    _board_audit(actor, ws, "card_remove", card, text=card.text)
    card.delete()
    _touch(ws)


@transaction.atomic
def area_add(*, actor: Actor, workshop: Workshop, name: str) -> WorkshopArea:
    ws = _locked_row(workshop)
    _require(can_contribute(actor, ws, Step.SORT))
    name = _text(name, field="name", message=_("Ge området ett namn."), max_length=120)
    if ws.areas.filter(name__iexact=name).exists():
        raise DomainError(_("Det finns redan ett område med det namnet."), field="name")
    area = WorkshopArea.objects.create(workshop=ws, name=name, order=ws.areas.count() + 1)
    _touch(ws)
    _board_audit(actor, ws, "area", area, name=name)
    return area


@transaction.atomic
def area_remove(*, actor: Actor, workshop: Workshop, area: WorkshopArea) -> None:
    """The facilitator removes an area; its cards go back to 'not sorted'."""
    ws = _locked_row(workshop)
    _require(can_facilitate(actor, ws))
    if area.workshop_id != ws.pk:
        raise DomainError(_("Området hör inte till workshoppen."))
    if area.needs.exists():
        raise DomainError(_("Området har behov. Ta bort dem först."))
    _board_audit(actor, ws, "area_remove", area, name=area.name)
    area.delete()
    _touch(ws)


@transaction.atomic
def need_add(
    *,
    actor: Actor,
    workshop: Workshop,
    area: WorkshopArea,
    consequence: str,
    competence_need: str,
    likelihood: int,
    impact: int,
) -> WorkshopNeed:
    ws = _locked_row(workshop)
    _require(can_contribute(actor, ws, Step.IMPACT))
    if area.workshop_id != ws.pk:
        raise DomainError(_("Välj ett av workshoppens områden."), field="area")
    consequence = _text(
        consequence,
        field="consequence",
        message=_("Beskriv vad det betyder för organisationen."),
        max_length=3000,
    )
    competence_need = _text(
        competence_need,
        field="competence_need",
        message=_("Skriv vilket kompetensbehov som följer."),
        max_length=200,
    )
    for name, value in (("likelihood", likelihood), ("impact", impact)):
        if not isinstance(value, int) or not 1 <= value <= 5:
            raise DomainError(_("Ange ett värde från 1 till 5."), field=name)
    need = WorkshopNeed.objects.create(
        workshop=ws,
        area=area,
        consequence=consequence,
        competence_need=competence_need,
        likelihood=likelihood,
        impact=impact,
        author=actor.user,
    )
    _touch(ws)
    _board_audit(actor, ws, "need", need, need=competence_need, priority=need.priority)
    return need


@transaction.atomic
def need_remove(*, actor: Actor, workshop: Workshop, need: WorkshopNeed) -> None:
    ws = _locked_row(workshop)
    _require(can_remove_item(actor, ws, need.author_id, Step.IMPACT))
    if need.workshop_id != ws.pk:
        raise DomainError(_("Behovet hör inte till workshoppen."))
    if need.proposals.exists():
        raise DomainError(_("Förslag pekar på behovet. Ta bort eller ändra förslagen först."))
    _board_audit(actor, ws, "need_remove", need, need=need.competence_need)
    need.delete()
    _touch(ws)


@transaction.atomic
def proposal_add(
    *,
    actor: Actor,
    workshop: Workshop,
    title: str,
    need_ids: list[int],
    description: str = "",
    cost_ore: int | None = None,
    target_group: str = "",
    measure_type: MeasureType | None = None,
) -> Proposal:
    ws = _locked_row(workshop)
    _require(can_contribute(actor, ws, Step.PROPOSALS))
    title = _text(title, field="title", message=_("Ge förslaget en rubrik."), max_length=200)
    needs = list(WorkshopNeed.objects.filter(workshop=ws, pk__in=need_ids))
    if not needs or len(needs) != len(set(need_ids)):
        raise DomainError(_("Välj minst ett behov som förslaget svarar mot."), field="needs")
    if cost_ore is not None and cost_ore < 0:
        raise DomainError(_("Kostnaden kan inte vara negativ."), field="cost")
    proposal = Proposal.objects.create(
        workshop=ws,
        title=title,
        description=(description or "").strip()[:5000],
        cost_ore=cost_ore,
        target_group=(target_group or "").strip()[:200],
        measure_type=measure_type,
        author=actor.user,
    )
    proposal.needs.set(needs)
    _touch(ws)
    _board_audit(actor, ws, "proposal", proposal, title=title, cost_ore=cost_ore)
    return proposal


@transaction.atomic
def proposal_remove(*, actor: Actor, workshop: Workshop, proposal: Proposal) -> None:
    ws = _locked_row(workshop)
    _require(can_remove_item(actor, ws, proposal.author_id, Step.PROPOSALS))
    if proposal.workshop_id != ws.pk:
        raise DomainError(_("Förslaget hör inte till workshoppen."))
    _board_audit(actor, ws, "proposal_remove", proposal, title=proposal.title)
    proposal.delete()
    _touch(ws)


@transaction.atomic
def closing_word_save(*, actor: Actor, workshop: Workshop, text: str) -> ClosingWord:
    """Each participant writes what they take away; writing again replaces their own."""
    ws = _locked_row(workshop)
    _require(can_contribute(actor, ws, Step.CLOSING))
    text = _text(text, field="text", message=_("Skriv vad du tar med dig."), max_length=2000)
    word, _created = ClosingWord.objects.update_or_create(
        workshop=ws, author=actor.user, defaults={"text": text}
    )
    _touch(ws)
    _board_audit(actor, ws, "closing", word, text=text)
    return word


# --- Workshops: lock and versions -----------------------------------------------------------


@transaction.atomic
def workshop_lock(*, actor: Actor, workshop: Workshop) -> Workshop:
    """Lock the result: nothing on it changes afterwards. The PDF is rendered once and kept
    with its checksum."""
    from lom.planning.documents import render_workshop_pdf

    ws = _locked_row(workshop)
    _require(can_facilitate(actor, ws))
    parties = set(ws.participants.values_list("union_id", flat=True))
    if None not in parties or not (parties - {None}):
        raise DomainError(
            _(
                "Workshoppen genomförs partsgemensamt: minst en deltagare från arbetsgivaren "
                "och en från de fackliga organisationerna ska vara inbjudna innan resultatet "
                "låses."
            ),
            code="parties_missing",
        )
    ws.status = Workshop.Status.LOCKED
    ws.locked_by = actor.user
    ws.locked_at = timezone.now()
    ws.step_ends_at = None
    pdf = render_workshop_pdf(ws)
    ws.result_sha256 = hashlib.sha256(pdf).hexdigest()
    ws.result_pdf.save(
        f"workshop-{ws.organisation_id}-{ws.pk}-v{ws.version}.pdf", ContentFile(pdf), save=False
    )
    ws.revision = ws.revision + 1
    ws.save()
    audit(
        organisation_id=ws.organisation_id,
        actor=actor.user,
        action="workshop.lock",
        target=ws,
        after={"sha256": ws.result_sha256, "version": ws.version},
    )
    return ws


@transaction.atomic
def workshop_new_version(*, actor: Actor, workshop: Workshop) -> Workshop:
    """Copy a locked workshop into a new, open one that points back to it. The locked one and
    its PDF stay as they were."""
    ws = _locked_row(workshop)
    if not is_facilitator(actor, ws):
        raise PermissionDeniedError(_("Bara workshoppens facilitator kan göra detta."))
    if not ws.is_locked:
        raise DomainError(_("Bara en låst workshop kan få en ny version."))
    newer = ws.next_versions.first()
    if newer is not None:
        raise DomainError(
            _("Det finns redan en nyare version: %(t)s (version %(v)d).")
            % {"t": newer.title, "v": newer.version},
            code="newer_exists",
        )
    copy = Workshop.objects.create(
        organisation_id=ws.organisation_id,
        title=ws.title,
        held_on=timezone.localdate(),
        place=ws.place,
        created_by=actor.user,
        version=ws.version + 1,
        previous=ws,
    )
    WorkshopParticipant.objects.bulk_create(
        [
            WorkshopParticipant(
                workshop=copy,
                user_id=p.user_id,
                union_id=p.union_id,
                is_facilitator=p.is_facilitator or p.user_id == actor.user.pk,
                invited_by=actor.user,
            )
            for p in ws.participants.all()
        ]
    )
    area_map = {}
    for a in ws.areas.all():
        area_map[a.pk] = WorkshopArea.objects.create(workshop=copy, name=a.name, order=a.order)
    FactorCard.objects.bulk_create(
        [
            FactorCard(
                workshop=copy,
                text=c.text,
                author_id=c.author_id,
                area=area_map.get(c.area_id),
            )
            for c in ws.cards.all()
        ]
    )
    need_map = {}
    for n in ws.needs.all():
        need_map[n.pk] = WorkshopNeed.objects.create(
            workshop=copy,
            area=area_map[n.area_id],
            consequence=n.consequence,
            competence_need=n.competence_need,
            likelihood=n.likelihood,
            impact=n.impact,
            author_id=n.author_id,
        )
    for p in ws.proposals.prefetch_related("needs"):
        new = Proposal.objects.create(
            workshop=copy,
            title=p.title,
            description=p.description,
            cost_ore=p.cost_ore,
            target_group=p.target_group,
            measure_type_id=p.measure_type_id,
            author_id=p.author_id,
        )
        new.needs.set([need_map[n.pk] for n in p.needs.all()])
    ClosingWord.objects.bulk_create(
        [
            ClosingWord(workshop=copy, author_id=w.author_id, text=w.text)
            for w in ws.closing_words.all()
        ]
    )
    audit(
        organisation_id=ws.organisation_id,
        actor=actor.user,
        action="workshop.new_version",
        target=copy,
        after={"previous": ws.pk, "version": copy.version},
    )
    return copy


# --- Proposals become applications or a round -----------------------------------------------


def _proposal_need_text(proposal: Proposal, workshop: Workshop) -> str:
    needs = "; ".join(n.competence_need for n in proposal.needs.all())
    return _("Behov från omställningsworkshoppen ”%(w)s” (%(d)s): %(n)s") % {
        "w": workshop.title,
        "d": workshop.held_on.isoformat(),
        "n": needs,
    }


def _plan_need_for(proposal: Proposal, organisation_id: int) -> Need | None:
    """The need of the plan in force that came from one of the proposal's needs."""
    from lom.planning.selectors import plan_current

    plan = plan_current(organisation=proposal.workshop.organisation, on=timezone.localdate())
    if plan is None:
        return None
    return (
        Need.objects.filter(plan=plan, source_workshop_need__in=proposal.needs.all())
        .order_by("priority", "id")
        .first()
    )


@transaction.atomic
def proposal_to_case(*, actor: Actor, proposal: Proposal, kind: str | None = None) -> Case:
    """A draft application built from a workshop proposal, created by the actor (who then
    completes and submits it like any application)."""
    from lom.cases import services as case_services

    proposal = Proposal.objects.select_for_update().select_related("workshop").get(pk=proposal.pk)
    workshop = proposal.workshop
    _require(can_convert_proposal(actor, workshop, proposal.author_id))
    if proposal.case_id:
        raise DomainError(_("Förslaget har redan blivit en ansökan."), code="already_converted")
    agreement = agreement_current(organisation=actor.organisation, on=timezone.localdate())
    if agreement is None:
        raise DomainError(_("Organisationen har inget gällande lokalt avtal."))
    kinds = agreement.application_kinds()
    if kind is None:
        kind = next(
            (k for k in (ApplicationKind.GROUP, ApplicationKind.DEVELOPMENT_PROJECT) if k in kinds),
            kinds[0] if kinds else ApplicationKind.GROUP,
        )
    allowed_types = {m.pk for m in agreement.measure_types.all()}
    need = _plan_need_for(proposal, workshop.organisation_id)
    description = proposal.description
    if proposal.target_group:
        description = f"{description}\n\n{_('Målgrupp')}: {proposal.target_group}".strip()
    cost_lines = None
    if proposal.cost_ore:
        cost_lines = [
            case_services.CostLineInput(
                kind=CostLine.Kind.OTHER,
                amount_ore=proposal.cost_ore,
                description=str(_("Ungefärlig kostnad enligt workshoppen")),
            )
        ]
    case = case_services._do_case_create(
        actor=actor,
        data=case_services.CaseInput(
            title=proposal.title[:200],
            kind=kind,
            measure_type_ids=[proposal.measure_type_id]
            if proposal.measure_type_id in allowed_types
            else [],
            business_need=_proposal_need_text(proposal, workshop),
            description=description,
            participant_count=1,
            need_id=need.pk if need else None,
        ),
        cost_lines=cost_lines,
    )
    proposal.case = case
    proposal.save(update_fields=["case"])
    audit(
        organisation_id=workshop.organisation_id,
        actor=actor.user,
        action="workshop.proposal_to_case",
        target=proposal,
        case=case,
        after={"workshop": workshop.pk, "proposal": proposal.title},
    )
    return case


DEFAULT_ROUND_CRITERIA = [
    (gettext_lazy("Svarar mot behov från workshoppen och planen"), 5),
    (gettext_lazy("Nytta för verksamheten inför förändringen"), 5),
    (gettext_lazy("Antal medarbetare som insatsen når"), 5),
    (gettext_lazy("Rimlig kostnad"), 5),
]


@transaction.atomic
def proposals_to_round(
    *,
    actor: Actor,
    workshop: Workshop,
    proposals: list[Proposal],
    title: str,
    opens_on: date,
    closes_on: date,
    period: FundPeriod,
    budget_ore: int | None = None,
) -> ApplicationRound:
    """An application round for development projects, its call built from the proposals."""
    from lom.decisions.services import round_create

    _require(can_convert_proposal(actor, workshop))
    if not proposals:
        raise DomainError(_("Välj minst ett förslag."), field="proposals")
    if any(p.workshop_id != workshop.pk for p in proposals):
        raise DomainError(_("Förslagen ska komma från workshoppen."), field="proposals")
    lines = [
        _("Omgången bygger på förslag från omställningsworkshoppen ”%(w)s” den %(d)s.")
        % {"w": workshop.title, "d": workshop.held_on.isoformat()},
        "",
    ]
    for p in proposals:
        line = f"– {p.title}"
        if p.target_group:
            line += f" ({_('målgrupp')}: {p.target_group})"
        if p.description:
            line += f": {p.description}"
        lines.append(line)
    budget = budget_ore if budget_ore else sum(p.cost_ore or 0 for p in proposals)
    rnd = round_create(
        actor=actor,
        title=title,
        call_text="\n".join(lines),
        opens_on=opens_on,
        closes_on=closes_on,
        budget_ore=budget,
        period=period,
        criteria=[(str(n), m) for n, m in DEFAULT_ROUND_CRITERIA],
    )
    Proposal.objects.filter(pk__in=[p.pk for p in proposals]).update(round=rnd)
    audit(
        organisation_id=workshop.organisation_id,
        actor=actor.user,
        action="workshop.proposals_to_round",
        target=rnd,
        after={"workshop": workshop.pk, "proposals": [p.pk for p in proposals]},
    )
    return rnd


# --- The transition plan --------------------------------------------------------------------


def _open_plan(actor: Actor, plan: TransitionPlan) -> TransitionPlan:
    plan = TransitionPlan.objects.select_for_update().get(pk=plan.pk)
    _require(can_edit_plan(actor, plan))
    return plan


def _content_changed(actor: Actor, plan: TransitionPlan, what: str, target, **after) -> None:
    """Any change to a draft withdraws the approvals given so far: they were for other text."""
    withdrawn = list(plan.approvals.values_list("union_id", flat=True))
    if withdrawn:
        plan.approvals.all().delete()
    audit(
        organisation_id=plan.organisation_id,
        actor=actor.user,
        action=f"plan.{what}",
        target=target,
        after={
            "plan": plan.pk,
            **after,
            **({"approvals_withdrawn": withdrawn} if withdrawn else {}),
        },
    )


def _check_period(start: date, end: date) -> None:
    if end < start:
        raise DomainError(_("Planen kan inte sluta innan den börjar."), field="period_end")


@transaction.atomic
def plan_create(
    *,
    actor: Actor,
    title: str,
    period_start: date,
    period_end: date,
    fund_period: FundPeriod | None = None,
    analyses: str = "",
    workshop: Workshop | None = None,
) -> TransitionPlan:
    _require(can_manage_plans(actor))
    title = _text(title, field="title", message=_("Ge planen en rubrik."), max_length=200)
    _check_period(period_start, period_end)
    if fund_period is not None and fund_period.organisation_id != actor.organisation.pk:
        raise DomainError(_("Fondperioden tillhör en annan organisation."), field="fund_period")
    plan = TransitionPlan.objects.create(
        organisation=actor.organisation,
        title=title,
        period_start=period_start,
        period_end=period_end,
        fund_period=fund_period,
        analyses=(analyses or "").strip(),
        created_by=actor.user,
    )
    audit(
        organisation_id=plan.organisation_id,
        actor=actor.user,
        action="plan.create",
        target=plan,
        after={"title": title, "from": period_start.isoformat(), "to": period_end.isoformat()},
    )
    if workshop is not None:
        plan_import_workshop(actor=actor, plan=plan, workshop=workshop)
    return plan


@transaction.atomic
def plan_update(
    *,
    actor: Actor,
    plan: TransitionPlan,
    title: str,
    period_start: date,
    period_end: date,
    fund_period: FundPeriod | None,
    analyses: str,
) -> TransitionPlan:
    plan = _open_plan(actor, plan)
    plan.title = _text(title, field="title", message=_("Ge planen en rubrik."), max_length=200)
    _check_period(period_start, period_end)
    if fund_period is not None and fund_period.organisation_id != plan.organisation_id:
        raise DomainError(_("Fondperioden tillhör en annan organisation."), field="fund_period")
    plan.period_start, plan.period_end = period_start, period_end
    plan.fund_period, plan.analyses = fund_period, (analyses or "").strip()
    plan.save()
    _content_changed(actor, plan, "update", plan, title=plan.title)
    return plan


def _priority_from_score(score: int) -> int:
    if score >= 15:
        return Need.Priority.HIGH
    if score >= 8:
        return Need.Priority.MEDIUM
    return Need.Priority.LOW


def _plan_area(plan: TransitionPlan, name: str) -> PlanArea:
    area = plan.areas.filter(name__iexact=name).first()
    if area is None:
        area = PlanArea.objects.create(plan=plan, name=name, order=plan.areas.count() + 1)
    return area


@transaction.atomic
def plan_import_workshop(*, actor: Actor, plan: TransitionPlan, workshop: Workshop) -> int:
    """Take a locked workshop's outcome into a draft plan: its areas become areas of measures,
    its competence needs become needs (priority from likelihood × impact), its proposals
    become planned measures linked to those needs. Returns the number of needs taken in."""
    plan = _open_plan(actor, plan)
    _require(can_view_workshop(actor, workshop))
    if not workshop.is_locked:
        raise DomainError(_("Bara en låst workshop kan bli underlag för planen."), field="workshop")
    if plan.workshops.filter(pk=workshop.pk).exists():
        raise DomainError(_("Workshoppen är redan underlag för planen."), field="workshop")
    need_map: dict[int, Need] = {}
    for wn in workshop.needs.select_related("area").order_by("area__order", "id"):
        need_map[wn.pk] = Need.objects.create(
            plan=plan,
            area=_plan_area(plan, wn.area.name),
            title=wn.competence_need,
            description=wn.consequence,
            priority=_priority_from_score(wn.priority),
            score=wn.priority,
            source=Need.Source.WORKSHOP,
            source_workshop_need=wn,
        )
    for p in workshop.proposals.prefetch_related("needs"):
        linked = [need_map[n.pk] for n in p.needs.all() if n.pk in need_map]
        if not linked:
            continue
        first = min(linked, key=lambda n: (n.priority, n.pk))
        measure = PlannedMeasure.objects.create(
            plan=plan,
            area=first.area,
            title=p.title,
            description=p.description,
            measure_type_id=p.measure_type_id,
            budget_ore=p.cost_ore or 0,
            target_group=p.target_group,
            source_proposal=p,
        )
        measure.needs.set(linked)
    plan.workshops.add(workshop)
    _content_changed(actor, plan, "import_workshop", plan, workshop=workshop.pk)
    return len(need_map)


@transaction.atomic
def plan_area_add(*, actor: Actor, plan: TransitionPlan, name: str) -> PlanArea:
    plan = _open_plan(actor, plan)
    name = _text(name, field="name", message=_("Ge insatsområdet ett namn."), max_length=120)
    if plan.areas.filter(name__iexact=name).exists():
        raise DomainError(_("Det finns redan ett insatsområde med det namnet."), field="name")
    area = PlanArea.objects.create(plan=plan, name=name, order=plan.areas.count() + 1)
    _content_changed(actor, plan, "area", area, name=name)
    return area


@transaction.atomic
def plan_area_remove(*, actor: Actor, plan: TransitionPlan, area: PlanArea) -> None:
    plan = _open_plan(actor, plan)
    if area.plan_id != plan.pk:
        raise DomainError(_("Insatsområdet hör inte till planen."))
    if area.needs.exists() or area.measures.exists():
        raise DomainError(_("Insatsområdet har behov eller insatser. Flytta eller ta bort dem."))
    _content_changed(actor, plan, "area_remove", area, name=area.name)
    area.delete()


@dataclass
class NeedInput:
    area_id: int
    title: str
    description: str = ""
    priority: int = Need.Priority.MEDIUM
    source: str = Need.Source.OTHER


def _area_of(plan: TransitionPlan, area_id: int) -> PlanArea:
    area = plan.areas.filter(pk=area_id).first()
    if area is None:
        raise DomainError(_("Välj ett av planens insatsområden."), field="area")
    return area


@transaction.atomic
def plan_need_save(
    *, actor: Actor, plan: TransitionPlan, data: NeedInput, need: Need | None = None
) -> Need:
    plan = _open_plan(actor, plan)
    if need is not None and need.plan_id != plan.pk:
        raise DomainError(_("Behovet hör inte till planen."))
    if data.priority not in Need.Priority.values:
        raise DomainError(_("Välj en prioritet."), field="priority")
    if data.source not in Need.Source.values:
        raise DomainError(_("Välj underlag."), field="source")
    need = need or Need(plan=plan)
    need.area = _area_of(plan, data.area_id)
    need.title = _text(data.title, field="title", message=_("Beskriv behovet."), max_length=200)
    need.description = (data.description or "").strip()
    need.priority, need.source = data.priority, data.source
    need.save()
    _content_changed(actor, plan, "need", need, title=need.title, priority=need.priority)
    return need


@transaction.atomic
def plan_need_remove(*, actor: Actor, plan: TransitionPlan, need: Need) -> None:
    plan = _open_plan(actor, plan)
    if need.plan_id != plan.pk:
        raise DomainError(_("Behovet hör inte till planen."))
    if need.cases.exists():
        raise DomainError(_("Ansökningar pekar på behovet; det kan inte tas bort."))
    _content_changed(actor, plan, "need_remove", need, title=need.title)
    need.delete()


@dataclass
class MeasureInput:
    area_id: int
    title: str
    budget_ore: int = 0
    description: str = ""
    target_group: str = ""
    measure_type_id: int | None = None
    need_ids: list[int] | None = None


@transaction.atomic
def plan_measure_save(
    *,
    actor: Actor,
    plan: TransitionPlan,
    data: MeasureInput,
    measure: PlannedMeasure | None = None,
) -> PlannedMeasure:
    plan = _open_plan(actor, plan)
    if measure is not None and measure.plan_id != plan.pk:
        raise DomainError(_("Insatsen hör inte till planen."))
    if data.budget_ore < 0:
        raise DomainError(_("Budgeten kan inte vara negativ."), field="budget")
    needs = list(plan.needs.filter(pk__in=data.need_ids or []))
    if len(needs) != len(set(data.need_ids or [])):
        raise DomainError(_("Välj bland planens behov."), field="needs")
    measure = measure or PlannedMeasure(plan=plan)
    measure.area = _area_of(plan, data.area_id)
    measure.title = _text(
        data.title, field="title", message=_("Ge insatsen en rubrik."), max_length=200
    )
    measure.description = (data.description or "").strip()
    measure.target_group = (data.target_group or "").strip()[:200]
    measure.measure_type_id = data.measure_type_id
    measure.budget_ore = data.budget_ore
    measure.save()
    measure.needs.set(needs)
    _content_changed(
        actor, plan, "measure", measure, title=measure.title, budget_ore=measure.budget_ore
    )
    return measure


@transaction.atomic
def plan_measure_remove(*, actor: Actor, plan: TransitionPlan, measure: PlannedMeasure) -> None:
    plan = _open_plan(actor, plan)
    if measure.plan_id != plan.pk:
        raise DomainError(_("Insatsen hör inte till planen."))
    _content_changed(actor, plan, "measure_remove", measure, title=measure.title)
    measure.delete()


def plan_parties(*, plan: TransitionPlan) -> list[tuple[int | None, str]]:
    """The parties that approve: the employer, and every union party of the local agreement
    in force."""
    agreement = agreement_current(organisation=plan.organisation, on=timezone.localdate())
    if agreement is None:
        raise DomainError(
            _("Det finns inget gällande lokalt avtal som anger parterna."), code="no_agreement"
        )
    return [(None, str(_("Arbetsgivaren")))] + [(u.pk, u.name) for u in agreement.unions.all()]


@transaction.atomic
def plan_approve(
    *, actor: Actor, plan: TransitionPlan, union: Union | None = None
) -> TransitionPlan:
    """One party approves. When every party has, the plan is approved, and an earlier approved
    plan of the organisation for an overlapping period is superseded."""
    _require(can_approve_plan(actor, union.pk if union else None))
    plan = TransitionPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.organisation_id != actor.organisation.pk:
        raise DomainError(_("Planen tillhör en annan organisation."))
    if not plan.is_draft:
        raise DomainError(_("Planen är redan godkänd."), code="approved")
    if not plan.needs.exists():
        raise DomainError(_("Planen behöver minst ett behov innan den kan godkännas."))
    parties = plan_parties(plan=plan)
    party_ids = {pid for pid, _name in parties}
    party_id = union.pk if union else None
    if party_id not in party_ids:
        raise DomainError(_("Förbundet är inte part i det lokala avtalet."), code="not_a_party")
    if plan.approvals.filter(union_id=party_id).exists():
        raise DomainError(_("Er part har redan godkänt planen."), code="already_approved")
    approval = PlanApproval.objects.create(plan=plan, union_id=party_id, approved_by=actor.user)
    audit(
        organisation_id=plan.organisation_id,
        actor=actor.user,
        action="plan.approve_party",
        target=plan,
        after={"party": approval.party_name, "version": plan.version},
    )
    approved = set(plan.approvals.values_list("union_id", flat=True))
    if party_ids <= approved:
        superseded = list(
            TransitionPlan.objects.select_for_update()
            .filter(
                organisation_id=plan.organisation_id,
                status=TransitionPlan.Status.APPROVED,
                period_start__lte=plan.period_end,
                period_end__gte=plan.period_start,
            )
            .exclude(pk=plan.pk)
        )
        for old in superseded:
            old.status = TransitionPlan.Status.SUPERSEDED
            old.save(update_fields=["status"])
            audit(
                organisation_id=old.organisation_id,
                actor=actor.user,
                action="plan.supersede",
                target=old,
                after={"by": plan.pk},
            )
        plan.status = TransitionPlan.Status.APPROVED
        plan.approved_at = timezone.now()
        plan.save(update_fields=["status", "approved_at"])
        audit(
            organisation_id=plan.organisation_id,
            actor=actor.user,
            action="plan.approve",
            target=plan,
            after={"parties": [name for _pid, name in parties], "version": plan.version},
        )
    return plan


@transaction.atomic
def plan_new_version(*, actor: Actor, plan: TransitionPlan) -> TransitionPlan:
    """A draft copy of an approved (or superseded) plan. Areas and needs keep their keys, so
    applications that point to the earlier version still count for the same need."""
    _require(can_manage_plans(actor))
    plan = TransitionPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.organisation_id != actor.organisation.pk:
        raise DomainError(_("Planen tillhör en annan organisation."))
    if plan.is_draft:
        raise DomainError(_("Ett utkast ändras direkt; det behöver ingen ny version."))
    newer = plan.next_versions.first()
    if newer is not None:
        raise DomainError(
            _("Det finns redan en senare version (version %(v)d).") % {"v": newer.version},
            code="newer_exists",
        )
    copy = TransitionPlan.objects.create(
        organisation_id=plan.organisation_id,
        title=plan.title,
        period_start=plan.period_start,
        period_end=plan.period_end,
        fund_period_id=plan.fund_period_id,
        analyses=plan.analyses,
        version=plan.version + 1,
        previous=plan,
        created_by=actor.user,
    )
    copy.workshops.set(plan.workshops.all())
    area_map = {
        a.pk: PlanArea.objects.create(plan=copy, name=a.name, order=a.order, key=a.key)
        for a in plan.areas.all()
    }
    need_map = {
        n.pk: Need.objects.create(
            plan=copy,
            area=area_map[n.area_id],
            title=n.title,
            description=n.description,
            priority=n.priority,
            score=n.score,
            source=n.source,
            source_workshop_need_id=n.source_workshop_need_id,
            key=n.key,
        )
        for n in plan.needs.all()
    }
    for m in plan.measures.prefetch_related("needs"):
        new = PlannedMeasure.objects.create(
            plan=copy,
            area=area_map[m.area_id],
            title=m.title,
            description=m.description,
            measure_type_id=m.measure_type_id,
            budget_ore=m.budget_ore,
            target_group=m.target_group,
            source_proposal_id=m.source_proposal_id,
        )
        new.needs.set([need_map[n.pk] for n in m.needs.all()])
    audit(
        organisation_id=copy.organisation_id,
        actor=actor.user,
        action="plan.new_version",
        target=copy,
        after={"previous": plan.pk, "version": copy.version},
    )
    return copy


def users_for_invitation(*, actor: Actor) -> list[tuple[User, str]]:
    """People to invite: everyone with a role other than plain employee, with their party.
    (Employees without another role are invited by user name.)"""
    rows = (
        Membership.objects.filter(organisation=actor.organisation)
        .exclude(role=Role.EMPLOYEE)
        .select_related("user", "union")
        .order_by("user__last_name", "user__first_name", "user_id")
    )
    out: dict[int, tuple[User, str]] = {}
    for m in rows:
        party = m.union.name if m.role == Role.UNION_REP and m.union_id else None
        if m.user_id not in out or party:
            out[m.user_id] = (m.user, party or str(_("arbetsgivaren")))
    return list(out.values())
