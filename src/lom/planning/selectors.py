"""Every read of workshops and plans. Scoped to the actor's organisation; a workshop only to
its invited participants."""

from dataclasses import dataclass, field
from datetime import date
from typing import TypeVar

from django.db.models import Count, Model, Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from lom.accounts.models import User
from lom.agreements.models import MeasureType
from lom.agreements.selectors import agreement_current
from lom.common.errors import DomainError
from lom.organisations.access import Actor
from lom.organisations.models import Membership, Organisation, Role, Union
from lom.planning.models import (
    ClosingWord,
    FactorCard,
    Need,
    PlanApproval,
    Proposal,
    TransitionPlan,
    Workshop,
    WorkshopArea,
    WorkshopNeed,
    WorkshopParticipant,
)
from lom.planning.permissions import PLAN_PARTIES, can_approve_plan

# --- Workshops ------------------------------------------------------------------------------


def workshops_for(*, actor: Actor) -> QuerySet[Workshop]:
    """The workshops the actor was invited to."""
    return (
        Workshop.objects.filter(
            organisation=actor.organisation, participants__user_id=actor.user.pk
        )
        .annotate(participant_count=Count("participants", distinct=True))
        .order_by("-held_on", "-id")
    )


def workshop_get(*, actor: Actor, pk: int) -> Workshop | None:
    """The workshop, or None unless the actor is one of its participants."""
    return (
        Workshop.objects.filter(
            organisation=actor.organisation, pk=pk, participants__user_id=actor.user.pk
        )
        .select_related("previous", "created_by", "sealed_by")
        .prefetch_related(
            Prefetch(
                "participants",
                queryset=WorkshopParticipant.objects.select_related("user", "union").order_by(
                    "union__name", "user__last_name", "id"
                ),
            )
        )
        .first()
    )


def workshop_revision(*, actor: Actor, pk: int) -> int | None:
    """One cheap query: the board's revision, or None when the actor may not see it."""
    return (
        Workshop.objects.filter(
            organisation=actor.organisation, pk=pk, participants__user_id=actor.user.pk
        )
        .values_list("revision", flat=True)
        .first()
    )


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
        party = m.union.name if m.role == Role.UNION_REP and m.union is not None else None
        if m.user_id not in out or party:
            out[m.user_id] = (m.user, party or str(_("arbetsgivaren")))
    return list(out.values())


@dataclass
class AreaColumn:
    area: WorkshopArea | None
    cards: list[FactorCard] = field(default_factory=list)
    needs: list[WorkshopNeed] = field(default_factory=list)


@dataclass
class Board:
    workshop: Workshop
    participants: list[WorkshopParticipant]
    areas: list[WorkshopArea]
    cards: list[FactorCard]
    columns: list[AreaColumn]  # unsorted first, then each area
    needs: list[WorkshopNeed]
    proposals: list[Proposal]
    closing_words: list[ClosingWord]
    names: dict[int, str]

    @property
    def unsorted(self) -> list[FactorCard]:
        return self.columns[0].cards

    @property
    def parties(self) -> dict[str, int]:
        employer = sum(1 for p in self.participants if p.union_id is None)
        return {"employer": employer, "unions": len(self.participants) - employer}


def workshop_board(*, workshop: Workshop) -> Board:
    """Everything the board shows, in a fixed number of queries whatever its size."""
    participants = list(
        workshop.participants.select_related("user", "union").order_by(
            "union__name", "user__last_name", "id"
        )
    )
    names = {p.user_id: p.user.get_full_name() or p.user.username for p in participants}
    areas = list(workshop.areas.all())
    cards = list(workshop.cards.select_related("author"))
    needs = list(workshop.needs.select_related("area", "author"))
    proposals = list(
        workshop.proposals.select_related("measure_type", "author", "case", "round")
        .prefetch_related("needs")
        .order_by("id")
    )
    words = list(workshop.closing_words.select_related("author"))
    authored: list[FactorCard | WorkshopNeed | Proposal | ClosingWord] = [
        *cards,
        *needs,
        *proposals,
        *words,
    ]
    for row in authored:
        names.setdefault(row.author_id, row.author.get_full_name() or row.author.username)
        row.author_name = names[row.author_id]
    for p in participants:
        p.display_name = names[p.user_id]
    by_area: dict[int | None, AreaColumn] = {None: AreaColumn(None)}
    for a in areas:
        by_area[a.pk] = AreaColumn(a)
    for c in cards:
        by_area.get(c.area_id, by_area[None]).cards.append(c)
    for n in needs:
        by_area[n.area_id].needs.append(n)
    return Board(
        workshop=workshop,
        participants=participants,
        areas=areas,
        cards=cards,
        columns=list(by_area.values()),
        needs=sorted(needs, key=lambda n: (-n.priority, n.pk)),
        proposals=proposals,
        closing_words=words,
        names=names,
    )


# --- Plans ----------------------------------------------------------------------------------


def plans_for(*, actor: Actor) -> QuerySet[TransitionPlan]:
    qs = TransitionPlan.objects.filter(organisation=actor.organisation)
    if not actor.has(*PLAN_PARTIES):
        qs = qs.exclude(status=TransitionPlan.Status.DRAFT)
    return qs.order_by("-period_start", "-version", "-id")


def plan_get(*, actor: Actor, pk: int) -> TransitionPlan | None:
    return (
        plans_for(actor=actor)
        .filter(pk=pk)
        .select_related("previous", "fund_period", "created_by")
        .first()
    )


def plans_in_force(*, organisation: Organisation, on: date) -> QuerySet[TransitionPlan]:
    """The approved plans in force on a date, the one that counts first."""
    return TransitionPlan.objects.filter(
        organisation=organisation,
        status=TransitionPlan.Status.APPROVED,
        period_start__lte=on,
        period_end__gte=on,
    ).order_by("-version", "-id")


def plan_current(*, organisation: Organisation, on: date) -> TransitionPlan | None:
    """The approved plan in force on a date."""
    return plans_in_force(organisation=organisation, on=on).first()


def plan_parties(*, plan: TransitionPlan) -> list[tuple[int | None, str]]:
    """The parties that approve: the employer, and every union party of the local agreement
    in force."""
    agreement = agreement_current(organisation=plan.organisation, on=timezone.localdate())
    if agreement is None:
        raise DomainError(
            _("Det finns inget gällande lokalt avtal som anger parterna."), code="no_agreement"
        )
    return [(None, str(_("Arbetsgivaren")))] + [(u.pk, u.name) for u in agreement.unions.all()]


def plan_contents(*, plan: TransitionPlan) -> dict:
    """Areas, needs and measures of a plan, in four queries."""
    areas = list(plan.areas.all())
    needs = list(plan.needs.select_related("area").order_by("area__order", "priority", "id"))
    measures = list(
        plan.measures.select_related("area", "measure_type")
        .prefetch_related("needs")
        .order_by("area__order", "id")
    )
    approvals = list(plan.approvals.select_related("union", "approved_by"))
    return {"areas": areas, "needs": needs, "measures": measures, "approvals": approvals}


def needs_for_case_choice(*, organisation: Organisation, on: date) -> list[Need]:
    """The needs an application may point to: those of the plan in force."""
    plan = plan_current(organisation=organisation, on=on)
    if plan is None:
        return []
    return list(plan.needs.select_related("area").order_by("area__order", "priority", "id"))


def need_for_case(*, organisation: Organisation, pk: int, on: date) -> Need | None:
    """A need of the plan in force, or None."""
    plan = plan_current(organisation=organisation, on=on)
    if plan is None:
        return None
    return Need.objects.filter(plan=plan, pk=pk).select_related("area").first()


# --- Lookups the views and the API share -----------------------------------------------------

BoardItem = TypeVar("BoardItem", bound=Model)  # a card, area, need or proposal
PlanItem = TypeVar("PlanItem", bound=Model)  # an area, need or planned measure


def workshop_item(*, workshop: Workshop, model: type[BoardItem], pk: int) -> BoardItem | None:
    """A card, area, need or proposal of the workshop, or None."""
    return model._default_manager.filter(workshop=workshop, pk=pk).first()


def workshop_participant(*, workshop: Workshop, pk: int) -> WorkshopParticipant | None:
    return WorkshopParticipant.objects.filter(workshop=workshop, pk=pk).first()


def locked_workshops_for(*, actor: Actor) -> QuerySet[Workshop]:
    """The locked workshops the actor took part in: what a plan may take its needs from."""
    return workshops_for(actor=actor).filter(status=Workshop.Status.LOCKED)


def plan_item(*, plan: TransitionPlan, model: type[PlanItem], pk: int) -> PlanItem | None:
    """An area, need or planned measure of the plan, or None."""
    return model._default_manager.filter(plan=plan, pk=pk).first()


def measure_types_for(*, actor: Actor) -> QuerySet[MeasureType]:
    """The measure types of the local agreement in force (all of them when there is none)."""
    agreement = agreement_current(organisation=actor.organisation, on=timezone.localdate())
    if agreement is None:
        return MeasureType.objects.all()
    return agreement.measure_types.all()


def plan_union(*, organisation: Organisation, pk: int) -> Union | None:
    """A union (a party) of the organisation, or None."""
    return Union.objects.filter(organisation=organisation, pk=pk).first()


@dataclass
class ApprovalRow:
    party_id: int | None
    name: str
    approval: PlanApproval | None
    mine: bool  # the actor may approve for this party now


def plan_approval_rows(
    *, actor: Actor, plan: TransitionPlan, approvals: list[PlanApproval]
) -> tuple[list[ApprovalRow], str]:
    """Each party of the plan with its approval, if given, and whether the actor may give it;
    or no rows and the reason when the parties cannot be known."""
    try:
        parties = plan_parties(plan=plan)
    except DomainError as exc:
        return [], str(exc.message)
    done = {a.union_id: a for a in approvals}
    rows = [
        ApprovalRow(
            party_id=party_id,
            name=name,
            approval=done.get(party_id),
            mine=plan.is_draft and party_id not in done and bool(can_approve_plan(actor, party_id)),
        )
        for party_id, name in parties
    ]
    return rows, ""


def plan_source_workshops(*, actor: Actor, plan: TransitionPlan) -> list[tuple[Workshop, bool]]:
    """The workshops the plan took needs from, each with whether the actor took part in it."""
    workshops = list(plan.workshops.all())
    mine = set(
        WorkshopParticipant.objects.filter(
            workshop__in=workshops, user_id=actor.user.pk
        ).values_list("workshop_id", flat=True)
    )
    return [(w, w.pk in mine) for w in workshops]
