from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lom.cases.models import Case
from lom.cases.selectors import case_get_for_actor
from lom.common.errors import DomainError, PermissionDeniedError
from lom.common.parity import api_counterpart
from lom.common.web import actor_view, add_domain_error, run_form
from lom.followup import services
from lom.followup.forms import FollowUpForm, SurveyForm
from lom.followup.models import FollowUp
from lom.followup.permissions import (
    FOLLOWUP_READERS,
    can_answer_survey,
    can_record_followup,
    can_view_followup,
)
from lom.followup.selectors import (
    FollowUpCasePage,
    followup_case_page,
    followup_settings,
    followups_due,
    followups_for_case,
    followups_recent,
    is_group_case,
    survey_answered,
    survey_case_for,
    surveys_open_for,
)
from lom.organisations.access import Actor


@api_counterpart("GET /followup/cases")
@actor_view(*FOLLOWUP_READERS)
def followup_list_view(request, actor: Actor):
    today = timezone.localdate()
    return render(
        request,
        "followup/list.html",
        {
            "due": followups_due(organisation=actor.organisation, today=today),
            "recent": followups_recent(organisation=actor.organisation),
            "settings": followup_settings(organisation=actor.organisation),
            "can_record": actor.is_coordinator,
            "today": today,
        },
    )


def _case_for_followup(actor: Actor, pk: int) -> Case:
    case = case_get_for_actor(actor=actor, pk=pk)
    if not can_view_followup(actor, case):
        raise PermissionDenied
    return case


def _cost_figures(page: FollowUpCasePage) -> dict:
    return {
        "requested_ore": page.requested_ore,
        "approved_ore": page.approved_ore,
        "spent_ore": page.spent_ore,
        "difference_ore": page.difference_ore,
    }


@api_counterpart("GET /followup/cases/{case_id}")
@actor_view()
def followup_case_view(request, actor: Actor, pk: int):
    case = _case_for_followup(actor, pk)
    page = followup_case_page(case=case)
    return render(
        request,
        "followup/case.html",
        {
            "case": case,
            "end": page.records.get(FollowUp.Kind.END),
            "later": page.records.get(FollowUp.Kind.LATER),
            "completed_on": page.completed_on,
            "later_due": page.later_due,
            "can_record": bool(can_record_followup(actor, case)),
            **_cost_figures(page),
        },
    )


@api_counterpart(
    "GET /followup/cases/{case_id}",
    "POST /followup/cases/{case_id}/end",
    "POST /followup/cases/{case_id}/later",
)
@actor_view("coordinator")
def followup_record_view(request, actor: Actor, pk: int, kind: str):
    case = _case_for_followup(actor, pk)
    verdict = can_record_followup(actor, case)
    if not verdict:
        messages.error(request, verdict.reason)
        return redirect("followup:case", pk=case.pk)
    group = is_group_case(case)
    existing = followups_for_case(case=case).get(kind)
    initial: dict[str, object] = {}
    if existing is not None:
        initial = {
            "need_met": existing.need_met,
            "comment": existing.comment,
            "cost_comment": existing.cost_comment,
        }
        for o in existing.outcomes.all():
            initial["outcome"] = o.outcome
            initial[f"count_{o.outcome}"] = o.count
    form = FollowUpForm(
        request.POST or None,
        group=group,
        participant_label=case.applicant.full_name if case.applicant else "",
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        data = services.FollowUpInput(
            kind=kind,
            need_met=d["need_met"],
            outcome=d.get("outcome", ""),
            outcome_counts=form.outcome_counts() if group else None,
            comment=d["comment"],
            cost_comment=d["cost_comment"],
        )
        try:
            services.followup_record(actor=actor, case=case, data=data)
        except PermissionDeniedError as exc:
            form.add_error(None, str(exc.message))
        except DomainError as exc:
            if exc.field == "outcome_counts":
                form.add_error(None, str(exc.message))
            else:
                add_domain_error(form, exc)
        else:
            messages.success(request, _("Uppföljningen är sparad."))
            return redirect("followup:case", pk=case.pk)
    return render(
        request,
        "followup/record.html",
        {
            "case": case,
            "kind": kind,
            "kind_label": FollowUp.Kind(kind).label,
            "form": form,
            "group": group,
            **_cost_figures(followup_case_page(case=case)),
        },
        status=400 if request.method == "POST" else 200,
    )


@api_counterpart("GET /followup/surveys")
@actor_view()
def survey_list_view(request, actor: Actor):
    return render(request, "followup/surveys.html", {"cases": surveys_open_for(actor=actor)})


@api_counterpart("GET /followup/surveys/{survey_id}", "POST /followup/surveys/{survey_id}/answers")
@actor_view()
def survey_answer_view(request, actor: Actor, pk: int):
    # Only the participant's own case exists here: anything else is 404.
    case = survey_case_for(actor=actor, pk=pk)
    if case is None or actor.employee is None:
        raise Http404
    answered = survey_answered(case=case, employee_id=actor.employee.pk)
    verdict = can_answer_survey(actor, case, already_answered=answered)
    form = SurveyForm(request.POST or None)
    done = None
    if verdict:
        done = run_form(
            request,
            form,
            lambda d: services.survey_answer(
                actor=actor,
                case=case,
                answers=services.SurveyAnswers(
                    satisfaction=d["satisfaction"],
                    usefulness=d["usefulness"],
                    heard_from=d["heard_from"],
                    recommend=d["recommend"],
                    free_text=d["free_text"],
                ),
            ),
            success=reverse("followup:my_surveys"),
            message=_("Tack för dina svar!"),
        )
    if done:
        return done
    return render(
        request,
        "followup/survey.html",
        {"case": case, "form": form, "verdict": verdict},
        status=400 if request.method == "POST" else 200,
    )
