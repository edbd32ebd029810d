"""The transition plan: list, page, header, areas, needs and planned measures, the joint
approval and new versions. (Plan against actual is a report: lom.reports.plan_actual.)"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lom.common.errors import DomainError
from lom.common.web import actor_view, form_status, run_form
from lom.organisations.access import Actor
from lom.organisations.models import Union
from lom.planning import selectors, services
from lom.planning.forms import (
    ImportForm,
    PlanAreaForm,
    PlanForm,
)
from lom.planning.models import (
    PlanArea,
    TransitionPlan,
    WorkshopParticipant,
)
from lom.planning.permissions import (
    PLAN_PARTIES,
    can_approve_plan,
    can_edit_plan,
    can_manage_plans,
)
from lom.planning.views._common import _locked_workshops, _plan_or_404, run_action


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


@require_POST
@actor_view("coordinator", "org_admin")
def plan_area_remove_view(request, actor: Actor, pk: int, area_id: int):
    plan = _plan_or_404(actor, pk)
    area = PlanArea.objects.filter(plan=plan, pk=area_id).first()
    if area is None:
        raise Http404
    run_action(
        request,
        lambda: services.plan_area_remove(actor=actor, plan=plan, area=area),
        message=_("Insatsområdet är borttaget."),
    )
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
