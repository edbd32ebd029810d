"""The transition plan while it is a draft: its header, areas of measures, needs and
planned measures, and what it takes from a locked workshop."""

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from lom.common.audit import audit
from lom.common.bounds import NAME_MAX, TEXT_MAX
from lom.common.errors import DomainError
from lom.common.validation import amount_within, optional_text
from lom.common.validation import required_text as _text
from lom.funds.models import FundPeriod
from lom.organisations.access import Actor
from lom.planning.models import (
    Need,
    PlanArea,
    PlannedMeasure,
    TransitionPlan,
    Workshop,
)
from lom.planning.permissions import (
    can_edit_plan,
    can_manage_plans,
    can_view_workshop,
)
from lom.planning.services._common import _require

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


@transaction.atomic(durable=True)
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
    title = _text(title, field="title", message=_("Ge planen en rubrik."), max_length=NAME_MAX)
    analyses = optional_text(analyses, field="analyses", max_length=TEXT_MAX)
    _check_period(period_start, period_end)
    if fund_period is not None and fund_period.organisation_id != actor.organisation.pk:
        raise DomainError(_("Fondperioden tillhör en annan organisation."), field="fund_period")
    plan = TransitionPlan.objects.create(
        organisation=actor.organisation,
        title=title,
        period_start=period_start,
        period_end=period_end,
        fund_period=fund_period,
        analyses=analyses,
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
        _import_workshop(actor=actor, plan=plan, workshop=workshop)
    return plan


@transaction.atomic(durable=True)
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
    plan.title = _text(title, field="title", message=_("Ge planen en rubrik."), max_length=NAME_MAX)
    analyses = optional_text(analyses, field="analyses", max_length=TEXT_MAX)
    _check_period(period_start, period_end)
    if fund_period is not None and fund_period.organisation_id != plan.organisation_id:
        raise DomainError(_("Fondperioden tillhör en annan organisation."), field="fund_period")
    plan.period_start, plan.period_end = period_start, period_end
    plan.fund_period, plan.analyses = fund_period, analyses
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


@transaction.atomic(durable=True)
def plan_import_workshop(*, actor: Actor, plan: TransitionPlan, workshop: Workshop) -> int:
    """Take a locked workshop's outcome into a draft plan: its areas become areas of measures,
    its competence needs become needs (priority from likelihood × impact), its proposals
    become planned measures linked to those needs. Returns the number of needs taken in."""
    return _import_workshop(actor=actor, plan=plan, workshop=workshop)


def _import_workshop(*, actor: Actor, plan: TransitionPlan, workshop: Workshop) -> int:
    """plan_import_workshop's work, inside the caller's transaction (plan_create uses it)."""
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


@transaction.atomic(durable=True)
def plan_area_add(*, actor: Actor, plan: TransitionPlan, name: str) -> PlanArea:
    plan = _open_plan(actor, plan)
    name = _text(name, field="name", message=_("Ge insatsområdet ett namn."), max_length=120)
    if plan.areas.filter(name__iexact=name).exists():
        raise DomainError(_("Det finns redan ett insatsområde med det namnet."), field="name")
    area = PlanArea.objects.create(plan=plan, name=name, order=plan.areas.count() + 1)
    _content_changed(actor, plan, "area", area, name=name)
    return area


@transaction.atomic(durable=True)
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


@transaction.atomic(durable=True)
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
    need.title = _text(
        data.title, field="title", message=_("Beskriv behovet."), max_length=NAME_MAX
    )
    need.description = optional_text(data.description, field="description", max_length=TEXT_MAX)
    need.priority, need.source = data.priority, data.source
    need.save()
    _content_changed(actor, plan, "need", need, title=need.title, priority=need.priority)
    return need


@transaction.atomic(durable=True)
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


@transaction.atomic(durable=True)
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
    amount_within(data.budget_ore, field="budget")
    others = plan.measures.all()
    if measure is not None:
        others = others.exclude(pk=measure.pk)
    amount_within(
        data.budget_ore + (others.aggregate(total=Sum("budget_ore"))["total"] or 0),
        field="budget",
    )
    needs = list(plan.needs.filter(pk__in=data.need_ids or []))
    if len(needs) != len(set(data.need_ids or [])):
        raise DomainError(_("Välj bland planens behov."), field="needs")
    measure = measure or PlannedMeasure(plan=plan)
    measure.area = _area_of(plan, data.area_id)
    measure.title = _text(
        data.title, field="title", message=_("Ge insatsen en rubrik."), max_length=NAME_MAX
    )
    measure.description = optional_text(data.description, field="description", max_length=TEXT_MAX)
    measure.target_group = optional_text(
        data.target_group, field="target_group", max_length=NAME_MAX
    )
    measure.measure_type_id = data.measure_type_id
    measure.budget_ore = data.budget_ore
    measure.save()
    measure.needs.set(needs)
    _content_changed(
        actor, plan, "measure", measure, title=measure.title, budget_ore=measure.budget_ore
    )
    return measure


@transaction.atomic(durable=True)
def plan_measure_remove(*, actor: Actor, plan: TransitionPlan, measure: PlannedMeasure) -> None:
    plan = _open_plan(actor, plan)
    if measure.plan_id != plan.pk:
        raise DomainError(_("Insatsen hör inte till planen."))
    _content_changed(actor, plan, "measure_remove", measure, title=measure.title)
    measure.delete()
