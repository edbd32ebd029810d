"""The transition plan: list, page, header, areas, needs and planned measures, the joint
approval and new versions. (Plan against actual is a report: lom.reports.plan_actual.)"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lom.common.parity import api_counterpart
from lom.common.validation import id_or_none
from lom.common.web import actor_view, form_status, run_form
from lom.organisations.access import Actor
from lom.planning import selectors, services
from lom.planning.forms import (
    ImportForm,
    PlanAreaForm,
    PlanForm,
)
from lom.planning.models import (
    PlanArea,
)
from lom.planning.permissions import (
    PLAN_PARTIES,
    can_edit_plan,
    can_manage_plans,
)
from lom.planning.views._common import _locked_workshops, _plan_or_404, run_action


@api_counterpart("GET /planning/plans", "POST /planning/plans")
@actor_view()
def plans_view(request, actor: Actor):
    form = None
    if can_manage_plans(actor):
        form = PlanForm(
            request.POST or None,
            organisation=actor.organisation,
            workshops=_locked_workshops(actor),
        )
        done = run_form(
            request,
            form,
            lambda d: services.plan_create(
                actor=actor,
                title=d["title"],
                period_start=d["period_start"],
                period_end=d["period_end"],
                fund_period=d["fund_period"],
                analyses=d["analyses"],
                workshop=d.get("workshop"),
            ),
            success=lambda plan: reverse("planning:plan", args=[plan.pk]),
            message=_("Planen är skapad som utkast."),
        )
        if done is not None:
            return done
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
        status=form_status(request),
    )


@api_counterpart("GET /planning/plans/current")
@actor_view()
def plan_current_view(request, actor: Actor):
    plan = selectors.plan_current(organisation=actor.organisation, on=timezone.localdate())
    if plan is None:
        messages.info(request, _("Det finns ingen godkänd omställningsplan som gäller i dag."))
        return redirect("planning:plans")
    return redirect("planning:plan", pk=plan.pk)


@api_counterpart("GET /planning/plans/{plan_id}")
@actor_view()
def plan_view(request, actor: Actor, pk: int):
    plan = _plan_or_404(actor, pk)
    contents = selectors.plan_contents(plan=plan)
    editable = bool(can_edit_plan(actor, plan))
    approvals, approval_problem = selectors.plan_approval_rows(
        actor=actor, plan=plan, approvals=contents["approvals"]
    )
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
    sources = selectors.plan_source_workshops(actor=actor, plan=plan)
    ctx = {
        "plan": plan,
        "by_area": by_area,
        "total_budget": sum(m.budget_ore for m in contents["measures"]),
        "need_count": len(contents["needs"]),
        "approvals": approvals,
        "approval_problem": approval_problem,
        "editable": editable,
        "can_manage": bool(can_manage_plans(actor)),
        "sources": sources,
        "newer": plan.next_versions.order_by("version").first(),
        "show_actual": actor.has(*PLAN_PARTIES),
    }
    if editable:
        ctx["area_form"] = PlanAreaForm(prefix="area")
        ctx["import_form"] = ImportForm(
            workshops=_locked_workshops(actor).exclude(pk__in=[w.pk for w, _mine in sources])
        )
    return render(request, "planning/plan.html", ctx)


@api_counterpart("GET /planning/plans/{plan_id}", "PUT /planning/plans/{plan_id}")
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
    done = run_form(
        request,
        form,
        lambda d: services.plan_update(
            actor=actor,
            plan=plan,
            title=d["title"],
            period_start=d["period_start"],
            period_end=d["period_end"],
            fund_period=d["fund_period"],
            analyses=d["analyses"],
        ),
        success=reverse("planning:plan", args=[plan.pk]),
        message=_("Planen är sparad."),
    )
    if done is not None:
        return done
    return render(
        request,
        "planning/plan_form.html",
        {"plan": plan, "form": form},
        status=form_status(request),
    )


@api_counterpart("POST /planning/plans/{plan_id}/import")
@require_POST
@actor_view("coordinator", "org_admin")
def plan_import_view(request, actor: Actor, pk: int):
    plan = _plan_or_404(actor, pk)
    form = ImportForm(request.POST, workshops=_locked_workshops(actor))
    if not form.is_valid():
        messages.error(request, _("Välj en låst workshop som du deltog i."))
        return redirect("planning:plan", pk=plan.pk)
    run_action(
        request,
        lambda: services.plan_import_workshop(
            actor=actor, plan=plan, workshop=form.cleaned_data["workshop"]
        ),
        message=lambda n: _("%(n)d behov hämtades från workshoppen.") % {"n": n},
    )
    return redirect("planning:plan", pk=plan.pk)


@api_counterpart("POST /planning/plans/{plan_id}/areas")
@require_POST
@actor_view("coordinator", "org_admin")
def plan_area_add_view(request, actor: Actor, pk: int):
    plan = _plan_or_404(actor, pk)
    form = PlanAreaForm(request.POST, prefix="area")
    if form.is_valid():
        run_action(
            request,
            lambda: services.plan_area_add(actor=actor, plan=plan, name=form.cleaned_data["name"]),
            message=_("Insatsområdet är tillagt."),
        )
    else:
        messages.error(request, _("Ge insatsområdet ett namn."))
    return redirect("planning:plan", pk=plan.pk)


@api_counterpart("DELETE /planning/plans/{plan_id}/areas/{area_id}")
@require_POST
@actor_view("coordinator", "org_admin")
def plan_area_remove_view(request, actor: Actor, pk: int, area_id: int):
    plan = _plan_or_404(actor, pk)
    area = selectors.plan_item(plan=plan, model=PlanArea, pk=area_id)
    if area is None:
        raise Http404
    run_action(
        request,
        lambda: services.plan_area_remove(actor=actor, plan=plan, area=area),
        message=_("Insatsområdet är borttaget."),
    )
    return redirect("planning:plan", pk=plan.pk)


@api_counterpart("POST /planning/plans/{plan_id}/approve")
@require_POST
@actor_view("coordinator", "decision_maker", "union_rep")
def plan_approve_view(request, actor: Actor, pk: int):
    plan = _plan_or_404(actor, pk)
    raw = request.POST.get("party", "")
    union = None
    if raw:
        union_pk = id_or_none(raw)
        union = (
            selectors.plan_union(organisation=actor.organisation, pk=union_pk)
            if union_pk is not None
            else None
        )
        if union is None:
            raise Http404
    run_action(
        request,
        lambda: services.plan_approve(actor=actor, plan=plan, union=union),
        message=lambda approved: (
            _("Ert godkännande är registrerat.")
            if approved.is_draft
            else _("Alla parter har godkänt. Planen gäller nu.")
        ),
    )
    return redirect("planning:plan", pk=plan.pk)


@api_counterpart("POST /planning/plans/{plan_id}/new-version")
@require_POST
@actor_view("coordinator", "org_admin")
def plan_new_version_view(request, actor: Actor, pk: int):
    plan = _plan_or_404(actor, pk)
    new = run_action(
        request,
        lambda: services.plan_new_version(actor=actor, plan=plan),
        message=lambda new: (
            _(
                "Ett utkast till version %(v)d är skapat. Den godkända versionen gäller "
                "tills parterna har godkänt den nya."
            )
            % {"v": new.version}
        ),
    )
    return redirect("planning:plan", pk=new.pk if new else plan.pk)
