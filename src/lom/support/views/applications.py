"""Applications for individual support: the employee applies from an eligible self-check and
follows their applications; counsellors list, take and close them. Thin views: parse, check,
call one service or selector, render."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lom.common.errors import DomainError
from lom.common.parity import api_counterpart
from lom.common.web import actor_view, post_action, run_form
from lom.organisations.access import Actor
from lom.support import selectors
from lom.support.forms import AsOfForm, MonthFormSet, SupportApplicationForm, month_records
from lom.support.permissions import can_self_check, is_coach
from lom.support.services.applications import (
    support_application_submit,
    support_application_transition,
)
from lom.support.workflow import TRANSITIONS, available


@api_counterpart("POST /support/applications")
@actor_view()
def application_new_view(request, actor: Actor):
    """The application form, reached by the button on an eligible self-check result. The
    check's inputs travel with the form (hidden) and the server checks them again; nothing of
    the check is stored unless the application is sent."""
    verdict = can_self_check(actor)
    if not verdict:
        raise PermissionDenied(verdict.reason)
    if request.method != "POST":
        return redirect("support:self_check")
    start = "start" in request.POST
    as_of_form = AsOfForm(request.POST)
    formset = MonthFormSet(request.POST, prefix="m")
    form = SupportApplicationForm(None if start else request.POST)
    result = None
    problem = ""
    if as_of_form.is_valid() and formset.is_valid():
        try:
            result = selectors.self_check(
                actor=actor, as_of=as_of_form.cleaned_data["as_of"], records=month_records(formset)
            )
        except DomainError as exc:
            problem = str(exc.message)
        except ValueError:
            problem = _("Samma månad finns två gånger i tabellen.")
    else:
        problem = _("Prövningen kunde inte läsas. Gör om prövningen och försök igen.")
    if result is not None and result.eligible and not start:
        done = run_form(
            request,
            form,
            lambda d: support_application_submit(
                actor=actor,
                as_of=as_of_form.cleaned_data["as_of"],
                records=month_records(formset),
                wish=d["wish"],
                contact=d["contact"],
                consent=d["consent"],
                description=d["description"],
            ),
            success=lambda a: reverse("support:application", args=[a.pk]),
            message=_("Ansökan är skickad. En vägledare hör av sig."),
        )
        if done:
            return done
    eligible = result is not None and result.eligible
    return render(
        request,
        "support/application_form.html",
        {
            "form": form,
            "as_of_form": as_of_form,
            "formset": formset,
            "result": result,
            "eligible": eligible,
            "problem": problem,
        },
        status=200 if start and eligible else 400,
    )


@api_counterpart("GET /support/applications")
@actor_view()
def applications_view(request, actor: Actor):
    """The employee's own applications; for a counsellor, the applications they serve, new
    ones first."""
    coach = is_coach(actor)
    if not coach and actor.employee is None:
        raise PermissionDenied
    served = []
    if coach:
        served = sorted(
            selectors.applications_for_coach(actor=actor)[:200],
            key=lambda a: (a.status != a.Status.SUBMITTED, -a.created_at.timestamp()),
        )
    return render(
        request,
        "support/applications.html",
        {
            "is_coach": coach,
            "mine": selectors.applications_for_employee(actor=actor)[:50],
            "served": served,
        },
    )


def _application_or_404(actor: Actor, pk: int):
    application = selectors.application_get(actor=actor, pk=pk)
    if application is None:
        raise Http404
    return application


@api_counterpart("GET /support/applications/{application_id}")
@actor_view()
def application_view(request, actor: Actor, pk: int):
    application = _application_or_404(actor, pk)
    parties = selectors.application_parties(actor=actor, application=application)
    return render(
        request,
        "support/application.html",
        {
            "a": application,
            "as_coach": "coach" in parties,
            "actions": available(application, parties),
        },
    )


@api_counterpart("POST /support/applications/{application_id}/transition")
@require_POST
@actor_view()
def application_transition_view(request, actor: Actor, pk: int):
    application = _application_or_404(actor, pk)
    name = request.POST.get("name", "")[:20]
    if name not in TRANSITIONS:
        raise Http404
    messages_done = {
        "take": _("Du har tagit ansökan."),
        "close": _("Ansökan är avslutad."),
        "withdraw": _("Ansökan är återkallad."),
    }
    return post_action(
        request,
        lambda: support_application_transition(actor=actor, application=application, name=name),
        success=reverse("support:application", args=[application.pk]),
        message=messages_done[name],
    )
