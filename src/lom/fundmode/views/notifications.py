"""Fund-mode pages of a notification: pre-notify, fill in, attach, submit, assess."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lom.common.parity import api_counterpart
from lom.common.web import actor_view, form_status, post_action, run_form
from lom.fundmode import services
from lom.fundmode.exports import attachment_response
from lom.fundmode.forms import (
    DecisionForm,
    EmployeePickForm,
    FundAttachmentForm,
    NotificationForm,
    PrenotifyForm,
    costs_from,
    groups_from,
)
from lom.fundmode.models import CostKind, FundRound, MeasureNotification
from lom.fundmode.permissions import can_act_for_employer, can_assess, can_edit_notification
from lom.fundmode.selectors import (
    attachment_get,
    criteria_for,
    decision_standing,
    measure_types_for,
    rounds_for,
)
from lom.fundmode.views.common import (
    notification_ctx,
    notification_or_404,
    participant_formset,
    run_form_with_rows,
)
from lom.organisations.access import Actor
from lom.organisations.selectors import employees_for_org

S = MeasureNotification.Status


@api_counterpart("GET /fund/periods", "POST /fund/notifications")
@actor_view()
def prenotify_view(request, actor: Actor):
    rounds = [r for r in rounds_for(actor=actor) if can_act_for_employer(actor, r)]
    if not rounds:
        raise Http404
    qs = rounds_for(actor=actor).filter(
        pk__in=[r.pk for r in rounds], status=FundRound.Status.ALLOCATED
    )
    form = PrenotifyForm(
        request.POST or None,
        rounds=qs,
        measure_types=measure_types_for(kind=actor.organisation.kind),
    )
    done = run_form(
        request,
        form,
        lambda d: services.notification_prenotify(
            actor=actor,
            fund_round=d["round"],
            title=d["title"],
            estimated_ore=d["estimated_ore"],
            planned_start=d["planned_start"],
            planned_end=d["planned_end"],
            measure_type=d["measure_type"],
        ),
        success=lambda n: reverse("fundmode:notification", args=[n.pk]),
        message=_("Föranmälan är registrerad. Fyll i anmälan när insatsen är planerad."),
    )
    return done or render(
        request, "fundmode/prenotify.html", {"form": form}, status=form_status(request)
    )


@api_counterpart("GET /fund/notifications/{notification_id}", "GET /fund/claims")
@actor_view()
def notification_view(request, actor: Actor, pk: int):
    n = notification_or_404(actor, pk)
    return render(request, "fundmode/notification.html", notification_ctx(actor, n))


@api_counterpart("PATCH /fund/notifications/{notification_id}")
@actor_view()
def notification_edit_view(request, actor: Actor, pk: int):
    n = notification_or_404(actor, pk)
    verdict = can_edit_notification(actor, n)
    if not verdict:
        messages.error(request, verdict.reason)
        return redirect("fundmode:notification", pk=n.pk)
    initial = {
        "title": n.title,
        "background": n.background,
        "need": n.need,
        "description": n.description,
        "measure_type": n.measure_type_id,
        "provider_kind": n.provider_kind,
        "provider_name": n.provider_name,
        "planned_start": n.planned_start,
        "planned_end": n.planned_end,
    }
    for line in n.cost_lines.all():
        initial[f"cost_{line.kind}"] = line.amount_ore
        initial[f"costdesc_{line.kind}"] = line.description
    form = NotificationForm(
        request.POST or None,
        initial=initial,
        measure_types=measure_types_for(kind=n.member.kind),
    )
    formset = participant_formset(request, n)
    done = run_form_with_rows(
        request,
        form,
        formset,
        lambda d: services.notification_update(
            actor=actor,
            notification=n,
            data=services.NotificationInput(
                title=d["title"],
                background=d["background"],
                need=d["need"],
                description=d["description"],
                measure_type=d["measure_type"],
                provider_kind=d["provider_kind"],
                provider_name=d["provider_name"],
                planned_start=d["planned_start"],
                planned_end=d["planned_end"],
                costs=costs_from(d),
            ),
            participants=groups_from(formset),
        ),
        success=reverse("fundmode:notification", args=[n.pk]),
        message=_("Anmälan är sparad."),
    )
    return done or render(
        request,
        "fundmode/notification_form.html",
        {"n": n, "form": form, "formset": formset, "cost_kinds": CostKind.values},
        status=form_status(request),
    )


@api_counterpart("PUT /fund/notifications/{notification_id}/employees")
@actor_view()
def pick_employees_view(request, actor: Actor, pk: int):
    n = notification_or_404(actor, pk)
    if not can_edit_notification(actor, n):
        raise Http404
    employees = employees_for_org(organisation=actor.organisation).filter(active=True)[:500]
    form = EmployeePickForm(request.POST or None, employees=employees)
    done = run_form(
        request,
        form,
        lambda d: services.notification_add_employees(
            actor=actor,
            notification=n,
            employee_ids=[int(x) for x in d["employees"]],
            occupation_code=d["occupation_code"],
        ),
        success=reverse("fundmode:notification", args=[n.pk]),
        message=lambda count: _("%(n)d deltagare är tillagda som antal.") % {"n": count},
    )
    return done or render(
        request, "fundmode/pick_employees.html", {"n": n, "form": form}, status=form_status(request)
    )


@api_counterpart("POST /fund/notifications/{notification_id}/attachments")
@require_POST
@actor_view()
def attach_view(request, actor: Actor, pk: int):
    n = notification_or_404(actor, pk)
    form = FundAttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Välj en fil att ladda upp."))
        return redirect("fundmode:notification", pk=n.pk)
    return post_action(
        request,
        lambda: services.notification_attach(
            actor=actor,
            notification=n,
            upload=form.cleaned_data["file"],
            kind=form.cleaned_data["kind"],
        ),
        success=reverse("fundmode:notification", args=[n.pk]),
        message=_("Bilagan är sparad."),
    )


@api_counterpart("GET /fund/attachments/{attachment_id}")
@actor_view()
def attachment_download_view(request, actor: Actor, pk: int):
    att = attachment_get(actor=actor, pk=pk)
    if att is None:
        raise Http404
    return attachment_response(att)


def _notification_button(request, actor: Actor, pk: int, service, message: str):
    """A button on the notification page that posts one service of the notification."""
    n = notification_or_404(actor, pk)
    return post_action(
        request,
        lambda: service(actor=actor, notification=n),
        success=reverse("fundmode:notification", args=[n.pk]),
        message=message,
    )


@api_counterpart("POST /fund/notifications/{notification_id}/submit")
@require_POST
@actor_view()
def submit_view(request, actor: Actor, pk: int):
    return _notification_button(
        request, actor, pk, services.notification_submit, _("Anmälan är skickad till fonden.")
    )


@api_counterpart("POST /fund/notifications/{notification_id}/withdraw")
@require_POST
@actor_view()
def withdraw_view(request, actor: Actor, pk: int):
    return _notification_button(
        request, actor, pk, services.notification_withdraw, _("Anmälan är återkallad.")
    )


@api_counterpart(
    "GET /fund/periods/{round_id}/criteria", "POST /fund/notifications/{notification_id}/decisions"
)
@actor_view()
def assess_view(request, actor: Actor, pk: int):
    n = notification_or_404(actor, pk)
    if not can_assess(actor):
        raise Http404
    criteria = list(criteria_for(fund_round=n.round, active_only=True))
    standing = decision_standing(notification=n) if n.status in (S.APPROVED, S.CLAIMED) else None
    form = DecisionForm(
        request.POST or None,
        criteria=criteria,
        initial={"supersedes": standing.pk if standing else None},
    )
    done = run_form(
        request,
        form,
        lambda d: services.fund_decide(
            actor=actor,
            notification=n,
            outcome=d["outcome"],
            answers=form.answers(),
            costs_reasonable=d["costs_reasonable"],
            cost_comment=d["cost_comment"],
            amount_ore=d["amount_ore"],
            reason=d["reason"],
            partial_claims_allowed=d["partial_claims_allowed"],
            supersedes_id=d["supersedes"],
        ),
        success=reverse("fundmode:notification", args=[n.pk]),
        message=_("Beslutet är registrerat och arbetsgivaren meddelad."),
    )
    if done is not None:
        return done
    ctx = notification_ctx(actor, n)
    ctx["form"] = form
    ctx["standing"] = standing
    ctx["criterion_rows"] = [(c, form[f"met_{c.pk}"], form[f"comment_{c.pk}"]) for c in criteria]
    ctx["rest_fields"] = [
        form[k]
        for k in (
            "costs_reasonable",
            "cost_comment",
            "outcome",
            "amount_ore",
            "partial_claims_allowed",
            "reason",
        )
    ]
    return render(request, "fundmode/assess.html", ctx, status=form_status(request))
