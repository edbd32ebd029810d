"""The transition plan: list, page, header, areas, needs and planned measures, the joint
approval, new versions, and plan against actual."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lom.common.errors import DomainError
from lom.common.web import actor_view, add_domain_error
from lom.organisations.access import Actor
from lom.organisations.models import Union
from lom.planning import selectors, services
from lom.planning.forms import (
    ImportForm,
    PlanAreaForm,
    PlanForm,
    PlanMeasureForm,
    PlanNeedForm,
)
from lom.planning.models import (
    Need,
    PlanArea,
    PlannedMeasure,
    TransitionPlan,
    WorkshopParticipant,
)
from lom.planning.permissions import (
    PLAN_PARTIES,
    can_approve_plan,
    can_edit_plan,
    can_manage_plans,
)
from lom.planning.views._common import _locked_workshops, _measure_types, _plan_or_404


@actor_view()
def plans_view(request, actor: Actor):
    form = None
    if can_manage_plans(actor):
        form = PlanForm(
            request.POST or None,
            organisation=actor.organisation,
            workshops=_locked_workshops(actor),
        )
        if request.method == "POST" and form.is_valid():
            d = form.cleaned_data
            try:
                plan = services.plan_create(
                    actor=actor,
                    title=d["title"],
                    period_start=d["period_start"],
                    period_end=d["period_end"],
                    fund_period=d["fund_period"],
                    analyses=d["analyses"],
                    workshop=d.get("workshop"),
                )
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, _("Planen är skapad som utkast."))
                return redirect("planning:plan", pk=plan.pk)
    elif request.method == "POST":
        raise Http404
    return render(
        request,
        "planning/plans.html",
        {
            "plans": list(selectors.plans_for(actor=actor)[:100]),
            "form": form,
            "current": selectors.plan_current(
                organisation=actor.organisation, on=timezone.localdate()
            ),
        },
    )


@actor_view()
def plan_current_view(request, actor: Actor):
    plan = selectors.plan_current(organisation=actor.organisation, on=timezone.localdate())
    if plan is None:
        messages.info(request, _("Det finns ingen godkänd omställningsplan som gäller i dag."))
        return redirect("planning:plans")
    return redirect("planning:plan", pk=plan.pk)


def _approval_rows(actor: Actor, plan: TransitionPlan, approvals) -> tuple[list, str]:
    try:
        parties = selectors.plan_parties(plan=plan)
    except DomainError as exc:
        return [], str(exc.message)
    done = {a.union_id: a for a in approvals}
    rows = []
    for party_id, name in parties:
        rows.append(
            {
                "party_id": party_id,
                "name": name,
                "approval": done.get(party_id),
                "mine": plan.is_draft
                and party_id not in done
                and bool(can_approve_plan(actor, party_id)),
            }
        )
    return rows, ""


@actor_view()
def plan_view(request, actor: Actor, pk: int):
    plan = _plan_or_404(actor, pk)
    contents = selectors.plan_contents(plan=plan)
    editable = bool(can_edit_plan(actor, plan))
    approvals, approval_problem = _approval_rows(actor, plan, contents["approvals"])
    areas = contents["areas"]
    by_area = [
        {
            "area": a,
            "needs": [n for n in contents["needs"] if n.area_id == a.pk],
            "measures": [m for m in contents["measures"] if m.area_id == a.pk],
            "budget": sum(m.budget_ore for m in contents["measures"] if m.area_id == a.pk),
        }
        for a in areas
    ]
    workshops = list(plan.workshops.all())
    mine = set(
        WorkshopParticipant.objects.filter(
            workshop__in=workshops, user_id=actor.user.pk
        ).values_list("workshop_id", flat=True)
    )
    ctx = {
        "plan": plan,
        "by_area": by_area,
        "total_budget": sum(m.budget_ore for m in contents["measures"]),
        "need_count": len(contents["needs"]),
        "approvals": approvals,
        "approval_problem": approval_problem,
        "editable": editable,
        "can_manage": bool(can_manage_plans(actor)),
        "sources": [(w, w.pk in mine) for w in workshops],
        "newer": plan.next_versions.order_by("version").first(),
        "show_actual": actor.has(*PLAN_PARTIES),
    }
    if editable:
        ctx["area_form"] = PlanAreaForm(prefix="area")
        ctx["import_form"] = ImportForm(
            workshops=_locked_workshops(actor).exclude(pk__in=[w.pk for w in workshops])
        )
    return render(request, "planning/plan.html", ctx)


@actor_view("coordinator", "org_admin")
def plan_edit_view(request, actor: Actor, pk: int):
    plan = _plan_or_404(actor, pk)
    verdict = can_edit_plan(actor, plan)
    if not verdict:
        messages.error(request, verdict.reason)
        return redirect("planning:plan", pk=plan.pk)
    form = PlanForm(
        request.POST or None,
        organisation=actor.organisation,
        initial={
            "title": plan.title,
            "fund_period": plan.fund_period_id,
            "period_start": plan.period_start,
            "period_end": plan.period_end,
            "analyses": plan.analyses,
        },
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.plan_update(
                actor=actor,
                plan=plan,
                title=d["title"],
                period_start=d["period_start"],
                period_end=d["period_end"],
                fund_period=d["fund_period"],
                analyses=d["analyses"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Planen är sparad."))
            return redirect("planning:plan", pk=plan.pk)
    return render(request, "planning/plan_form.html", {"plan": plan, "form": form})


@require_POST
@actor_view("coordinator", "org_admin")
def plan_import_view(request, actor: Actor, pk: int):
    plan = _plan_or_404(actor, pk)
    form = ImportForm(request.POST, workshops=_locked_workshops(actor))
    if not form.is_valid():
        messages.error(request, _("Välj en låst workshop som du deltog i."))
        return redirect("planning:plan", pk=plan.pk)
    try:
        n = services.plan_import_workshop(
            actor=actor, plan=plan, workshop=form.cleaned_data["workshop"]
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("%(n)d behov hämtades från workshoppen.") % {"n": n})
    return redirect("planning:plan", pk=plan.pk)


@require_POST
@actor_view("coordinator", "org_admin")
def plan_area_add_view(request, actor: Actor, pk: int):
    plan = _plan_or_404(actor, pk)
    form = PlanAreaForm(request.POST, prefix="area")
    if form.is_valid():
        try:
            services.plan_area_add(actor=actor, plan=plan, name=form.cleaned_data["name"])
            messages.success(request, _("Insatsområdet är tillagt."))
        except DomainError as exc:
            messages.error(request, str(exc.message))
    else:
        messages.error(request, _("Ge insatsområdet ett namn."))
    return redirect("planning:plan", pk=plan.pk)


@require_POST
@actor_view("coordinator", "org_admin")
def plan_area_remove_view(request, actor: Actor, pk: int, area_id: int):
    plan = _plan_or_404(actor, pk)
    area = PlanArea.objects.filter(plan=plan, pk=area_id).first()
    if area is None:
        raise Http404
    try:
        services.plan_area_remove(actor=actor, plan=plan, area=area)
        messages.success(request, _("Insatsområdet är borttaget."))
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect("planning:plan", pk=plan.pk)


@actor_view("coordinator", "org_admin")
def plan_need_view(request, actor: Actor, pk: int, need_id: int | None = None):
    plan = _plan_or_404(actor, pk)
    verdict = can_edit_plan(actor, plan)
    if not verdict:
        messages.error(request, verdict.reason)
        return redirect("planning:plan", pk=plan.pk)
    need = None
    if need_id is not None:
        need = Need.objects.filter(plan=plan, pk=need_id).first()
        if need is None:
            raise Http404
    areas = list(plan.areas.all())
    initial = (
        {
            "area": need.area_id,
            "title": need.title,
            "description": need.description,
            "priority": need.priority,
            "source": need.source,
        }
        if need
        else {"source": Need.Source.COMPETENCE_SUPPLY}
    )
    form = PlanNeedForm(request.POST or None, areas=areas, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.plan_need_save(
                actor=actor,
                plan=plan,
                need=need,
                data=services.NeedInput(
                    area_id=d["area"],
                    title=d["title"],
                    description=d["description"],
                    priority=d["priority"],
                    source=d["source"],
                ),
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Behovet är sparat."))
            return redirect("planning:plan", pk=plan.pk)
    return render(
        request,
        "planning/plan_item_form.html",
        {
            "plan": plan,
            "form": form,
            "title": _("Ändra behov") if need else _("Nytt behov"),
            "item": need,
            "remove_url": reverse("planning:plan_need_remove", args=[plan.pk, need.pk])
            if need
            else "",
            "no_areas": not areas,
        },
    )


@require_POST
@actor_view("coordinator", "org_admin")
def plan_need_remove_view(request, actor: Actor, pk: int, need_id: int):
    plan = _plan_or_404(actor, pk)
    need = Need.objects.filter(plan=plan, pk=need_id).first()
    if need is None:
        raise Http404
    try:
        services.plan_need_remove(actor=actor, plan=plan, need=need)
        messages.success(request, _("Behovet är borttaget."))
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect("planning:plan", pk=plan.pk)


@actor_view("coordinator", "org_admin")
def plan_measure_view(request, actor: Actor, pk: int, measure_id: int | None = None):
    plan = _plan_or_404(actor, pk)
    verdict = can_edit_plan(actor, plan)
    if not verdict:
        messages.error(request, verdict.reason)
        return redirect("planning:plan", pk=plan.pk)
    measure = None
    if measure_id is not None:
        measure = PlannedMeasure.objects.filter(plan=plan, pk=measure_id).first()
        if measure is None:
            raise Http404
    areas = list(plan.areas.all())
    needs = list(plan.needs.select_related("area").order_by("area__order", "priority", "id"))
    initial = (
        {
            "area": measure.area_id,
            "title": measure.title,
            "description": measure.description,
            "measure_type": measure.measure_type_id,
            "budget": measure.budget_ore,
            "target_group": measure.target_group,
            "needs": [n.pk for n in measure.needs.all()],
        }
        if measure
        else {}
    )
    form = PlanMeasureForm(request.POST or None, areas=areas, needs=needs, initial=initial)
    form.fields["measure_type"].queryset = _measure_types(actor)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.plan_measure_save(
                actor=actor,
                plan=plan,
                measure=measure,
                data=services.MeasureInput(
                    area_id=d["area"],
                    title=d["title"],
                    description=d["description"],
                    measure_type_id=d["measure_type"].pk if d["measure_type"] else None,
                    budget_ore=d["budget"] or 0,
                    target_group=d["target_group"],
                    need_ids=d["needs"],
                ),
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Insatsen är sparad."))
            return redirect("planning:plan", pk=plan.pk)
    return render(
        request,
        "planning/plan_item_form.html",
        {
            "plan": plan,
            "form": form,
            "title": _("Ändra planerad insats") if measure else _("Ny planerad insats"),
            "item": measure,
            "remove_url": reverse("planning:plan_measure_remove", args=[plan.pk, measure.pk])
            if measure
            else "",
            "no_areas": not areas,
        },
    )


@require_POST
@actor_view("coordinator", "org_admin")
def plan_measure_remove_view(request, actor: Actor, pk: int, measure_id: int):
    plan = _plan_or_404(actor, pk)
    measure = PlannedMeasure.objects.filter(plan=plan, pk=measure_id).first()
    if measure is None:
        raise Http404
    try:
        services.plan_measure_remove(actor=actor, plan=plan, measure=measure)
        messages.success(request, _("Insatsen är borttagen."))
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect("planning:plan", pk=plan.pk)


@require_POST
@actor_view("coordinator", "decision_maker", "union_rep")
def plan_approve_view(request, actor: Actor, pk: int):
    plan = _plan_or_404(actor, pk)
    raw = request.POST.get("party", "")
    union = None
    if raw:
        union = (
            Union.objects.filter(organisation=actor.organisation, pk=raw).first()
            if raw.isdigit()
            else None
        )
        if union is None:
            raise Http404
    try:
        plan = services.plan_approve(actor=actor, plan=plan, union=union)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        if plan.is_draft:
            messages.success(request, _("Ert godkännande är registrerat."))
        else:
            messages.success(request, _("Alla parter har godkänt. Planen gäller nu."))
    return redirect("planning:plan", pk=plan.pk)


@require_POST
@actor_view("coordinator", "org_admin")
def plan_new_version_view(request, actor: Actor, pk: int):
    plan = _plan_or_404(actor, pk)
    try:
        new = services.plan_new_version(actor=actor, plan=plan)
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("planning:plan", pk=plan.pk)
    messages.success(
        request,
        _(
            "Ett utkast till version %(v)d är skapat. Den godkända versionen gäller tills parterna "
            "har godkänt den nya."
        )
        % {"v": new.version},
    )
    return redirect("planning:plan", pk=new.pk)


@actor_view(*PLAN_PARTIES)
def plan_actual_view(request, actor: Actor, pk: int):
    plan = _plan_or_404(actor, pk)
    return render(
        request,
        "planning/plan_actual.html",
        {"plan": plan, "actual": selectors.plan_vs_actual(plan=plan)},
    )


@actor_view(*PLAN_PARTIES)
def plan_actual_xlsx_view(request, actor: Actor, pk: int):
    from lom.planning.exports import plan_actual_xlsx

    plan = _plan_or_404(actor, pk)
    data = plan_actual_xlsx(selectors.plan_vs_actual(plan=plan, case_limit=10_000))
    response = HttpResponse(
        data,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="plan-{plan.pk}-utfall.xlsx"'
    return response
