from dataclasses import asdict

from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lom.cases.forms import case_list_query
from lom.common.errors import DomainError
from lom.common.parity import api_counterpart
from lom.common.reauth import recent_auth_required
from lom.common.replica import reading_from_replica
from lom.common.web import actor_view, add_domain_error, form_status, run_form
from lom.followup.selectors import MIN_ANSWERS
from lom.funds.forms import LedgerFilterForm
from lom.funds.selectors import fund_period_get
from lom.organisations.access import Actor
from lom.planning.permissions import PLAN_PARTIES
from lom.planning.selectors import plan_get
from lom.reports import exports, selectors, services
from lom.reports.figures import fairness_figures
from lom.reports.forms import (
    AnnualCommentForm,
    AnnualReportForm,
    DecisionFilterForm,
    SettingsForm,
    YearForm,
)
from lom.reports.models import ReportJob, ReportSection
from lom.reports.permissions import (
    LEDGER_READERS,
    REPORT_READERS,
    can_write_annual_comments,
)
from lom.reports.plan_actual import plan_actual_xlsx_response, plan_vs_actual
from lom.reports.selectors import report_job_get, report_jobs_for_org

REFRESH_SECONDS = 3


def _year(request) -> int:
    form = YearForm(request.GET or None)
    if form.is_valid():
        return form.cleaned_data["year"]
    return timezone.localdate().year


def _dashboard(request, actor: Actor, period_id: int | None):
    today = timezone.localdate()
    with reading_from_replica():
        board = selectors.dashboard(
            organisation=actor.organisation, period_id=period_id, today=today, detail=False
        )
    if board is None:
        raise Http404
    ctx = {
        "periods": board.periods,
        "period": board.period,
        "today": today,
        "plan_actual": board.plan_actual,
    }
    if board.figures is not None:
        ctx.update(
            fig=board.figures, balance=board.figures.balance, forecast=board.figures.forecast
        )
    return render(request, "reports/dashboard.html", ctx)


@api_counterpart("GET /reports/dashboard")
@actor_view(*REPORT_READERS)
def dashboard_view(request, actor: Actor):
    return _dashboard(request, actor, None)


@api_counterpart("GET /reports/dashboard/{period_id}")
@actor_view(*REPORT_READERS)
def dashboard_period_view(request, actor: Actor, period_id: int):
    return _dashboard(request, actor, period_id)


@api_counterpart("GET /reports/fairness/{year}")
@actor_view(*REPORT_READERS)
def fairness_view(request, actor: Actor):
    year = _year(request)
    result = fairness_figures(organisation=actor.organisation, year=year)
    return render(
        request,
        "reports/fairness.html",
        {"year": year, "form": YearForm(initial={"year": year}), "result": result},
    )


@api_counterpart("GET /reports/surveys")
@actor_view(*REPORT_READERS)
def surveys_view(request, actor: Actor):
    year = _year(request)
    report = selectors.survey_report(actor=actor, year=year)
    return render(
        request,
        "reports/surveys.html",
        {
            "year": year,
            "form": YearForm(initial={"year": year}),
            "tables": report.tables,
            "show_free_text": report.show_free_text,
            "free_texts": report.free_texts,
            "themes": report.themes,
            "min_answers": MIN_ANSWERS,
        },
    )


@api_counterpart("GET /reports/annual", "POST /reports/annual")
@actor_view(*REPORT_READERS)
def annual_view(request, actor: Actor):
    form = AnnualReportForm(
        request.POST or None,
        initial={"year": timezone.localdate().year, "format": ReportJob.Format.BOTH},
    )
    if request.method == "POST" and form.is_valid():
        try:
            job = services.report_job_start(
                actor=actor, year=form.cleaned_data["year"], fmt=form.cleaned_data["format"]
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            return redirect("reports:annual_job", pk=job.pk)
    return render(
        request,
        "reports/annual.html",
        _annual_context(request, actor, form=form),
        status=form_status(request),
    )


def _annual_context(
    request,
    actor: Actor,
    *,
    form: AnnualReportForm,
    year: int | None = None,
    failed: tuple[str, AnnualCommentForm] | None = None,
) -> dict:
    """The annual page: the job form, the jobs, and the year's comments per section (a form
    each for the coordinator; `failed` is a refused one, shown with what was typed)."""
    years = YearForm(request.GET or None, initial={"year": timezone.localdate().year})
    if year is None:
        year = years.cleaned_data["year"] if years.is_valid() else timezone.localdate().year
    comments = selectors.annual_comments(organisation=actor.organisation, year=year)
    writer = can_write_annual_comments(actor)
    sections = []
    for code, label in ReportSection.choices:
        comment_form = None
        if writer:
            comment_form = (
                failed[1]
                if failed is not None and failed[0] == code
                else AnnualCommentForm(
                    initial={"text": comments.get(code, "")}, prefix=f"comment-{code}"
                )
            )
        sections.append(
            {"code": code, "label": label, "text": comments.get(code, ""), "form": comment_form}
        )
    return {
        "form": form,
        "jobs": list(report_jobs_for_org(organisation=actor.organisation)[:20]),
        "comment_year": year,
        "years": years,
        "sections": sections,
    }


@api_counterpart("PUT /reports/annual/{year}/comments/{section}")
@actor_view("coordinator", "org_admin")
def annual_comment_view(request, actor: Actor, year: int, section: str):
    if section not in ReportSection.values:
        raise Http404
    if request.method != "POST":
        return redirect(f"{reverse('reports:annual')}?year={year}#comment-{section}")
    form = AnnualCommentForm(request.POST, prefix=f"comment-{section}")
    done = run_form(
        request,
        form,
        lambda d: services.annual_comment_save(
            actor=actor, year=year, section=section, text=d["text"]
        ),
        success=f"{reverse('reports:annual')}?year={year}#comment-{section}",
        message=_("Kommentaren är sparad."),
    )
    if done is not None:
        return done
    job_form = AnnualReportForm(
        initial={"year": timezone.localdate().year, "format": ReportJob.Format.BOTH}
    )
    return render(
        request,
        "reports/annual.html",
        _annual_context(request, actor, form=job_form, year=year, failed=(section, form)),
        status=400,
    )


@api_counterpart("GET /reports/annual/{job_id}")
@actor_view(*REPORT_READERS)
def annual_job_view(request, actor: Actor, pk: int):
    job = report_job_get(organisation=actor.organisation, pk=pk)
    if job is None:
        raise Http404
    response = render(request, "reports/annual_job.html", {"job": job})
    if not job.is_finished:
        response["Refresh"] = str(REFRESH_SECONDS)
    return response


@api_counterpart("GET /reports/annual/{job_id}/pdf", "GET /reports/annual/{job_id}/xlsx")
@actor_view(*REPORT_READERS)
def annual_download_view(request, actor: Actor, pk: int, fmt: str):
    job = report_job_get(organisation=actor.organisation, pk=pk)
    response = None if job is None else exports.report_job_file_response(job, fmt)
    if response is None:
        raise Http404
    return response


@api_counterpart("GET /reports/settings", "PUT /reports/settings")
@actor_view("coordinator", "org_admin")
def settings_view(request, actor: Actor):
    conf = selectors.report_settings(organisation=actor.organisation)
    form = SettingsForm(request.POST or None, initial=asdict(conf))
    done = run_form(
        request,
        form,
        lambda d: services.settings_save(
            actor=actor,
            unused_warning_percent=d["unused_warning_percent"],
            later_months=d["later_months"],
            survey_reminder_days=d["survey_reminder_days"],
        ),
        success=reverse("reports:settings"),
        message=_("Inställningarna är sparade."),
    )
    if done is not None:
        return done
    return render(request, "reports/settings.html", {"form": form}, status=form_status(request))


DECISIONS_PAGE = 50


def _decision_filter(request) -> tuple[DecisionFilterForm, exports.DecisionFilter, int]:
    form = DecisionFilterForm(request.GET or None)
    filters, page = exports.DecisionFilter(), 1
    if form.is_valid():
        d = form.cleaned_data
        filters = exports.DecisionFilter(year=d["year"], outcome=d["outcome"], q=d["q"])
        page = d["page"] or 1
    return form, filters, page


@api_counterpart("GET /reports/decisions")
@actor_view(*REPORT_READERS)
def decisions_view(request, actor: Actor):
    form, filters, page = _decision_filter(request)
    start = (page - 1) * DECISIONS_PAGE
    rows = list(
        exports.decisions_visible(actor=actor, filters=filters)[start : start + DECISIONS_PAGE + 1]
    )
    return render(
        request,
        "reports/decisions.html",
        {
            "form": form,
            "decisions": rows[:DECISIONS_PAGE],
            "has_next": len(rows) > DECISIONS_PAGE,
            "page": page,
            "query": request.GET.urlencode(),
        },
    )


@api_counterpart("GET /reports/exports/cases.csv", "GET /reports/exports/cases.xlsx")
@recent_auth_required
@actor_view()
def export_cases_view(request, actor: Actor, fmt: str):
    _form, filters, _page, _mine = case_list_query(actor=actor, data=request.GET)
    return exports.export_response(exports.cases_export(actor=actor, filters=filters), fmt)


@api_counterpart(
    "GET /reports/exports/ledger/{period_id}.csv", "GET /reports/exports/ledger/{period_id}.xlsx"
)
@actor_view(*LEDGER_READERS)
def export_ledger_view(request, actor: Actor, period_id: int, fmt: str):
    period = fund_period_get(organisation=actor.organisation, pk=period_id)
    if period is None:
        raise Http404
    form = LedgerFilterForm(request.GET or None)
    kind = form.cleaned_data["kind"] if form.is_valid() else ""
    return exports.export_response(exports.ledger_export(period=period, kind=kind), fmt)


@api_counterpart("GET /reports/exports/decisions.csv", "GET /reports/exports/decisions.xlsx")
@recent_auth_required
@actor_view(*REPORT_READERS)
def export_decisions_view(request, actor: Actor, fmt: str):
    _form, filters, _page = _decision_filter(request)
    return exports.export_response(exports.decisions_export(actor=actor, filters=filters), fmt)


# --- Plan against actual (at the plan's address, /planning/plans/<pk>/actual/: plan_urls) ------


def _plan_or_404(actor: Actor, pk: int):
    plan = plan_get(actor=actor, pk=pk)
    if plan is None:
        raise Http404
    return plan


@api_counterpart("GET /reports/plans/{plan_id}/actual")
@actor_view(*PLAN_PARTIES)
def plan_actual_view(request, actor: Actor, pk: int):
    plan = _plan_or_404(actor, pk)
    return render(
        request,
        "planning/plan_actual.html",
        {"plan": plan, "actual": plan_vs_actual(plan=plan)},
    )


@api_counterpart("GET /reports/plans/{plan_id}/actual.xlsx")
@actor_view(*PLAN_PARTIES)
def plan_actual_xlsx_view(request, actor: Actor, pk: int):
    return plan_actual_xlsx_response(_plan_or_404(actor, pk))
