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
from lom.followup.forms import (
    FollowUpForm,
    ParticipantSearchForm,
    ParticipantsForm,
    SurveyForm,
)
from lom.followup.models import FollowUp
from lom.followup.permissions import (
    FOLLOWUP_READERS,
    can_answer_survey,
    can_list_participants,
    can_record_followup,
    can_view_followup,
)
from lom.followup.selectors import (
    CANDIDATES_PER_PAGE,
    MAX_PARTICIPANTS,
    FollowUpCasePage,
    followup_case_page,
    followup_settings,
    followups_due,
    followups_for_case,
    followups_recent,
    is_group_case,
    is_listed,
    participant_candidates,
    participants_for_case,
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
            "can_list": bool(can_list_participants(actor, case, group=is_group_case(case))),
            "participant_total": participants_for_case(case=case).count(),
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


MAX_PAGE = 500  # the candidates' pages (20 a page: the first 10,000 employees of a search)


def _page_number(request) -> int:
    try:
        return min(max(int(request.GET.get("page", "1")), 1), MAX_PAGE)
    except ValueError:
        return 1


@api_counterpart(
    "GET /followup/cases/{case_id}/participants",
    "PUT /followup/cases/{case_id}/participants",
    "GET /followup/cases/{case_id}/candidates",
)
@actor_view("coordinator")
def participants_view(request, actor: Actor, pk: int):
    """The coordinator lists who took part in a group measure or development project, picked
    among the organisation's employees in the staff register; each is asked in the survey."""
    case = _case_for_followup(actor, pk)
    verdict = can_list_participants(actor, case, group=is_group_case(case))
    if not verdict:
        messages.error(request, verdict.reason)
        return redirect("followup:case", pk=case.pk)
    search = ParticipantSearchForm(request.GET or None)
    q = search.cleaned_data["q"].strip() if search.is_valid() else ""
    page = _page_number(request)
    current = list(participants_for_case(case=case)[:MAX_PARTICIPANTS])
    current_ids = {inv.employee_id for inv in current}
    skip = current_ids | ({case.applicant_id} if case.applicant_id else set())
    offset = (page - 1) * CANDIDATES_PER_PAGE
    found = list(
        participant_candidates(organisation=actor.organisation, q=q)
        .exclude(pk__in=skip)
        .order_by("last_name", "first_name", "id")[offset : offset + CANDIDATES_PER_PAGE + 1]
    )
    form = ParticipantsForm(request.POST or None)
    done = run_form(
        request,
        form,
        lambda d: services.survey_participants_save(
            actor=actor, case=case, employee_ids=d["employee_ids"]
        ),
        success=request.get_full_path(),
        message=lambda r: _("Deltagarlistan är sparad: %(n)d deltagare.") % {"n": r.total},
    )
    if done:
        return done
    if request.method == "POST":
        ticked = {str(v) for v in request.POST.getlist("employee_ids")}
    else:
        ticked = {str(e) for e in current_ids}
    return render(
        request,
        "followup/participants.html",
        {
            "case": case,
            "search": search if request.GET else ParticipantSearchForm(),
            "form": form,
            "q": q,
            "current": current,
            "candidates": found[:CANDIDATES_PER_PAGE],
            "ticked": ticked,
            "page": page,
            "previous_page": page - 1 if page > 1 else None,
            "next_page": page + 1 if len(found) > CANDIDATES_PER_PAGE and page < MAX_PAGE else None,
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
    listed = is_listed(case=case, employee_id=actor.employee.pk)
    verdict = can_answer_survey(actor, case, already_answered=answered, listed=listed)
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
