"""Objections raised by a union and the answers to them."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lom.cases.selectors import case_get_for_actor
from lom.common.errors import DomainError
from lom.common.parity import api_counterpart
from lom.common.validation import id_or_none
from lom.common.web import actor_view, form_status, run_form
from lom.decisions import selectors, services
from lom.decisions.forms import (
    ObjectionAnswerForm,
    ObjectionCloseForm,
    ObjectionForm,
)
from lom.decisions.models import Objection
from lom.decisions.views._common import READERS, _error
from lom.organisations.access import Actor


@api_counterpart("GET /decisions/objections")
@actor_view(*READERS)
def objections_view(request, actor: Actor):
    status = request.GET.get("status", "")
    if status not in Objection.Status.values:
        status = ""
    form = ObjectionForm() if actor.union_ids else None
    return _objections_page(request, actor, status, form)


def _objections_page(request, actor: Actor, status: str, form: ObjectionForm | None):
    rows = list(selectors.objections_for(actor=actor, status=status)[:200])
    return render(
        request,
        "decisions/objections.html",
        {"objections": rows, "status": status, "statuses": Objection.Status.choices, "form": form},
        status=form_status(request),
    )


@api_counterpart("POST /decisions/objections")
@require_POST
@actor_view("union_rep")
def objection_raise_view(request, actor: Actor):
    form = ObjectionForm(request.POST)
    if not form.is_valid():
        # On the case's page: its objection form shows the error summary and ties the error to
        # the field; on the list: the form again, with what was typed and the errors.
        case_id = id_or_none(request.POST.get("case", ""))
        if case_id is not None:
            url = reverse("cases:detail", kwargs={"pk": case_id})
            return redirect(f"{url}?objection=missing#objection-errors")
        return _objections_page(request, actor, "", form)
    d = form.cleaned_data
    case = decision = None
    if d["decision"]:
        decision = selectors.decision_get(actor=actor, pk=d["decision"])
        if decision is None:
            raise Http404
        case_get_for_actor(actor=actor, pk=decision.case_id)
    elif d["case"]:
        case = case_get_for_actor(actor=actor, pk=d["case"])
    try:
        objection = services.objection_raise(
            actor=actor, reasons=d["reasons"], subject=d["subject"], case=case, decision=decision
        )
    except DomainError as exc:
        _error(request, exc)
        concerned = decision.case if decision is not None else case
        if concerned is not None:
            return redirect("cases:detail", pk=concerned.pk)
        return redirect("decisions:objections")
    messages.success(request, _("Invändningen är registrerad. Arbetsgivaren ska svara."))
    return redirect("decisions:objection", pk=objection.pk)


@api_counterpart(
    "GET /decisions/objections/{objection_id}",
    "POST /decisions/objections/{objection_id}/answer",
    "POST /decisions/objections/{objection_id}/close",
)
@actor_view(*READERS)
def objection_view(request, actor: Actor, pk: int):  # one action per branch
    objection = selectors.objection_get(actor=actor, pk=pk)
    if objection is None:
        raise Http404
    answer_form = close_form = None
    done = None
    if objection.status == Objection.Status.RAISED and actor.has("coordinator", "decision_maker"):
        answer_form = ObjectionAnswerForm(request.POST or None)
        done = run_form(
            request,
            answer_form,
            lambda d: services.objection_answer(
                actor=actor, objection=objection, answer=d["answer"]
            ),
            success=reverse("decisions:objection", args=[pk]),
            message=_("Svaret är registrerat."),
        )
    elif objection.status == Objection.Status.ANSWERED and objection.union_id in actor.union_ids:
        close_form = ObjectionCloseForm(request.POST or None)
        done = run_form(
            request,
            close_form,
            lambda d: services.objection_close(
                actor=actor, objection=objection, outcome=d["outcome"], note=d["note"]
            ),
            success=reverse("decisions:objection", args=[pk]),
            message=_("Invändningen är avslutad."),
        )
    if done is not None:
        return done
    events = selectors.objection_events(actor=actor, pk=pk)
    return render(
        request,
        "decisions/objection.html",
        {
            "objection": objection,
            "answer_form": answer_form,
            "close_form": close_form,
            "events": events,
        },
        status=form_status(request),
    )
