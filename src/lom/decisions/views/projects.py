"""Projects report back: the coordinator follows a round's projects on one page (late reports,
overspend, done) and opens a project's history; the owner reports at the round's dates."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lom.cases.selectors import case_get_for_actor
from lom.common.parity import api_counterpart
from lom.common.web import actor_view, form_status, run_form
from lom.decisions import selectors, services
from lom.decisions.forms import ProjectReportForm, ReportDatesForm
from lom.decisions.models import ApplicationRound
from lom.decisions.permissions import READERS, can_manage_meetings
from lom.organisations.access import Actor


def _round_or_404(actor: Actor, pk: int) -> ApplicationRound:
    rnd = selectors.round_get(actor=actor, pk=pk)
    if rnd is None:
        raise Http404
    return rnd


def _dates_text(rnd: ApplicationRound) -> str:
    return "\n".join(f"{d.due_on:%Y-%m-%d} {d.label}" for d in rnd.report_dates.all())


@api_counterpart(
    "GET /decisions/rounds/{round_id}/projects",
    "PUT /decisions/rounds/{round_id}/report-dates",
)
@actor_view(*READERS)
def round_projects_view(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    rnd = _round_or_404(actor, pk)
    show = request.GET.get("show", "all")
    if show not in selectors.SHOWS:
        show = "all"
    form = None
    if can_manage_meetings(actor):
        form = ReportDatesForm(request.POST or None, initial={"dates": _dates_text(rnd)})
        done = run_form(
            request,
            form,
            lambda d: services.report_dates_set(actor=actor, rnd=rnd, dates=d["dates"]),
            success=reverse("decisions:round_projects", args=[rnd.pk]),
            message=_("Rapportdatumen är sparade."),
        )
        if done is not None:
            return done
    elif request.method == "POST":
        raise Http404
    overview = selectors.round_projects(rnd=rnd, today=timezone.localdate(), show=show)
    return render(
        request,
        "decisions/round_projects.html",
        {
            "round": rnd,
            "overview": overview,
            "all": selectors.round_projects(rnd=rnd, today=timezone.localdate())
            if show != "all"
            else overview,
            "show": show,
            "form": form,
        },
        status=form_status(request),
    )


@api_counterpart("GET /decisions/rounds/{round_id}/projects/{case_id}")
@actor_view(*READERS)
def project_history_view(request: HttpRequest, actor: Actor, pk: int, case_id: int) -> HttpResponse:
    rnd = _round_or_404(actor, pk)
    overview = selectors.round_projects(rnd=rnd, today=timezone.localdate(), case_id=case_id)
    if not overview.rows:
        raise Http404
    return render(
        request,
        "decisions/project_history.html",
        {"round": rnd, "row": overview.rows[0], "dates": overview.dates},
    )


@api_counterpart(
    "GET /decisions/projects/{case_id}/reports",
    "POST /decisions/projects/{case_id}/reports",
)
@actor_view()
def project_report_view(request: HttpRequest, actor: Actor, case_id: int) -> HttpResponse:
    """The owner's page: the reports given, and the form for the next date."""
    case = case_get_for_actor(actor=actor, pk=case_id)
    rnd = selectors.project_round_for_owner(actor=actor, case=case)
    if rnd is None:
        raise Http404
    overview = selectors.round_projects(rnd=rnd, today=timezone.localdate(), case_id=case.pk)
    row = overview.rows[0]
    reported = {r.due_id for r in row.reports}
    open_dates = [d for d in overview.dates if d.pk not in reported]
    form = ProjectReportForm(
        request.POST or None,
        dates=open_dates,
        initial={
            "due": open_dates[0].pk if open_dates else None,
            "spent": row.spent_ore,
        },
    )
    done = run_form(
        request,
        form,
        lambda d: services.project_report_submit(
            actor=actor,
            case=case,
            due=next(x for x in open_dates if x.pk == d["due"]),
            status=d["status"],
            milestones=d["milestones"],
            spent_ore=d["spent"],
            obstacles=d["obstacles"],
        ),
        success=reverse("decisions:project_report", args=[case.pk]),
        message=_("Rapporten är lämnad. Samordnaren har fått den."),
    )
    if done is not None:
        return done
    return render(
        request,
        "decisions/project_report.html",
        {"case": case, "round": rnd, "row": row, "form": form, "open_dates": open_dates},
        status=form_status(request),
    )
