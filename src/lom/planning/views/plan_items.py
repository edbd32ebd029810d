"""The parts of a draft plan a coordinator creates, edits and removes: needs and planned
measures. One view per action serves both; `ItemKind` says what differs (model, form, service,
texts)."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from lom.common.parity import api_counterpart
from lom.common.web import actor_view, form_status, run_form
from lom.organisations.access import Actor
from lom.planning import selectors, services
from lom.planning.forms import PlanMeasureForm, PlanNeedForm
from lom.planning.models import Need, PlanArea, PlannedMeasure, TransitionPlan
from lom.planning.permissions import can_edit_plan
from lom.planning.views._common import _measure_types, _plan_or_404, run_action

PlanItem = Need | PlannedMeasure
# The plan in the API's paths.
P = "/planning/plans/{plan_id}"


@dataclass(frozen=True)
class ItemKind:
    model: type[Need] | type[PlannedMeasure]
    url_kwarg: str  # the id's name in the URL (need_id, measure_id)
    remove_url: str
    new_title: Promise
    edit_title: Promise
    saved: Promise
    removed: Promise
    form: Callable[..., Any]  # (data, *, actor, plan, areas, item) -> a bound or unbound form
    save: Callable[..., PlanItem]  # (*, actor, plan, item, data: cleaned_data)
    remove: Callable[..., None]  # (*, actor, plan, item)


def _need_form(data, *, actor: Actor, plan: TransitionPlan, areas: list[PlanArea], item):
    initial = (
        {
            "area": item.area_id,
            "title": item.title,
            "description": item.description,
            "priority": item.priority,
            "source": item.source,
        }
        if item
        else {"source": Need.Source.COMPETENCE_SUPPLY}
    )
    return PlanNeedForm(data, areas=areas, initial=initial)


def _need_save(*, actor: Actor, plan: TransitionPlan, item, data: dict) -> Need:
    return services.plan_need_save(
        actor=actor,
        plan=plan,
        need=item,
        data=services.NeedInput(
            area_id=data["area"],
            title=data["title"],
            description=data["description"],
            priority=data["priority"],
            source=data["source"],
        ),
    )


def _need_remove(*, actor: Actor, plan: TransitionPlan, item) -> None:
    services.plan_need_remove(actor=actor, plan=plan, need=item)


def _measure_form(data, *, actor: Actor, plan: TransitionPlan, areas: list[PlanArea], item):
    needs = list(plan.needs.select_related("area").order_by("area__order", "priority", "id"))
    initial = (
        {
            "area": item.area_id,
            "title": item.title,
            "description": item.description,
            "measure_type": item.measure_type_id,
            "budget": item.budget_ore,
            "target_group": item.target_group,
            "needs": [n.pk for n in item.needs.all()],
        }
        if item
        else {}
    )
    form = PlanMeasureForm(data, areas=areas, needs=needs, initial=initial)
    field = form.fields["measure_type"]
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = _measure_types(actor)
    return form


def _measure_save(*, actor: Actor, plan: TransitionPlan, item, data: dict) -> PlannedMeasure:
    return services.plan_measure_save(
        actor=actor,
        plan=plan,
        measure=item,
        data=services.MeasureInput(
            area_id=data["area"],
            title=data["title"],
            description=data["description"],
            measure_type_id=data["measure_type"].pk if data["measure_type"] else None,
            budget_ore=data["budget"] or 0,
            target_group=data["target_group"],
            need_ids=data["needs"],
        ),
    )


def _measure_remove(*, actor: Actor, plan: TransitionPlan, item) -> None:
    services.plan_measure_remove(actor=actor, plan=plan, measure=item)


NEED = ItemKind(
    model=Need,
    url_kwarg="need_id",
    remove_url="planning:plan_need_remove",
    new_title=_("Nytt behov"),
    edit_title=_("Ändra behov"),
    saved=_("Behovet är sparat."),
    removed=_("Behovet är borttaget."),
    form=_need_form,
    save=_need_save,
    remove=_need_remove,
)
MEASURE = ItemKind(
    model=PlannedMeasure,
    url_kwarg="measure_id",
    remove_url="planning:plan_measure_remove",
    new_title=_("Ny planerad insats"),
    edit_title=_("Ändra planerad insats"),
    saved=_("Insatsen är sparad."),
    removed=_("Insatsen är borttagen."),
    form=_measure_form,
    save=_measure_save,
    remove=_measure_remove,
)


def _item_or_404(kind: ItemKind, plan: TransitionPlan, item_id: int | None) -> PlanItem | None:
    if item_id is None:
        return None
    item = selectors.plan_item(plan=plan, model=kind.model, pk=item_id)
    if item is None:
        raise Http404
    return item


def item_edit_view(kind: ItemKind):
    """Create (no id in the URL) or edit one item of a draft plan."""

    @actor_view("coordinator", "org_admin")
    def view(request, actor: Actor, pk: int, **ids):
        plan = _plan_or_404(actor, pk)
        verdict = can_edit_plan(actor, plan)
        if not verdict:
            messages.error(request, verdict.reason)
            return redirect("planning:plan", pk=plan.pk)
        item = _item_or_404(kind, plan, ids.get(kind.url_kwarg))
        areas = list(plan.areas.all())
        form = kind.form(request.POST or None, actor=actor, plan=plan, areas=areas, item=item)
        done = run_form(
            request,
            form,
            lambda d: kind.save(actor=actor, plan=plan, item=item, data=d),
            success=reverse("planning:plan", args=[plan.pk]),
            message=str(kind.saved),
        )
        if done is not None:
            return done
        context = {
            "plan": plan,
            "form": form,
            "title": kind.edit_title if item else kind.new_title,
            "item": item,
            "remove_url": reverse(kind.remove_url, args=[plan.pk, item.pk]) if item else "",
            "no_areas": not areas,
        }
        return render(request, "planning/plan_item_form.html", context, status=form_status(request))

    return view


def item_remove_view(kind: ItemKind):
    @require_POST
    @actor_view("coordinator", "org_admin")
    def view(request, actor: Actor, pk: int, **ids):
        plan = _plan_or_404(actor, pk)
        item = _item_or_404(kind, plan, ids[kind.url_kwarg])
        run_action(
            request,
            lambda: kind.remove(actor=actor, plan=plan, item=item),
            message=str(kind.removed),
        )
        return redirect("planning:plan", pk=plan.pk)

    return view


plan_need_view = api_counterpart(
    f"POST {P}/needs", f"GET {P}/needs/{{need_id}}", f"PUT {P}/needs/{{need_id}}"
)(item_edit_view(NEED))
plan_need_remove_view = api_counterpart(f"DELETE {P}/needs/{{need_id}}")(item_remove_view(NEED))
plan_measure_view = api_counterpart(
    f"POST {P}/measures", f"GET {P}/measures/{{measure_id}}", f"PUT {P}/measures/{{measure_id}}"
)(item_edit_view(MEASURE))
plan_measure_remove_view = api_counterpart(f"DELETE {P}/measures/{{measure_id}}")(
    item_remove_view(MEASURE)
)
