"""Reads for reports: the organisation's report jobs, and what the dashboard, the surveys page
and the settings page show (the same answer for the page and the API)."""

from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet, Subquery

from lom.followup.models import SurveyResponse
from lom.followup.permissions import can_read_free_text, can_read_measure_rates
from lom.followup.selectors import (
    ThemeGroup,
    followup_settings,
    survey_free_text_themes,
    survey_free_texts,
    survey_response_rates,
)
from lom.funds.models import FundPeriod
from lom.funds.selectors import (
    fund_period_current,
    fund_periods_with_totals,
    unused_warning_percent,
)
from lom.organisations.access import Actor
from lom.organisations.models import Organisation
from lom.planning.selectors import plan_current, plans_in_force
from lom.reports.figures import (
    PeriodFigures,
    Table,
    measure_rate_table,
    period_figures,
    response_rate_table,
    survey_tables,
    year_bounds,
)
from lom.reports.models import AnnualReportComment, ReportJob
from lom.reports.plan_actual import PlanActual, plan_summary, plan_vs_actual

DASHBOARD_PERIODS = 20


def report_jobs_for_org(*, organisation: Organisation) -> QuerySet[ReportJob]:
    return ReportJob.objects.filter(organisation=organisation).select_related("created_by")


def report_job_get(*, organisation: Organisation, pk: int) -> ReportJob | None:
    return report_jobs_for_org(organisation=organisation).filter(pk=pk).first()


def annual_comments(*, organisation: Organisation, year: int) -> dict[str, str]:
    """{section code: comment} of a year's annual report (sections without one left out)."""
    return dict(
        AnnualReportComment.objects.filter(organisation=organisation, year=year)
        .exclude(text="")
        .values_list("section", "text")
    )


@dataclass
class Dashboard:
    periods: list[FundPeriod]
    period: FundPeriod | None
    figures: PeriodFigures | None
    plan_actual: PlanActual | None


def _dashboard_period(
    *, organisation: Organisation, periods: list[FundPeriod], period_id: int | None, today: date
) -> FundPeriod | None:
    """`period_id`'s period, or by default the current period, else the newest one; looked up
    among the periods already read (with their totals), and read apart only when not there."""
    if period_id is not None:
        found = next((p for p in periods if p.pk == period_id), None)
        if found is None:
            found = fund_periods_with_totals(organisation=organisation).filter(pk=period_id).first()
        return found
    current = next((p for p in periods if p.start <= today <= p.end), None)
    if current is None and len(periods) == DASHBOARD_PERIODS:  # an older one may be current
        current = fund_period_current(organisation=organisation, on=today)
    return current if current is not None else (periods[0] if periods else None)


def dashboard(
    *, organisation: Organisation, period_id: int | None, today: date, detail: bool = True
) -> Dashboard | None:
    """The dashboard: the latest periods, the figures of period `period_id` (by default the
    current one, else the newest), the current plan against its outcome (with `detail`, its
    gaps too: the API; without, the area rows only: the page). None when `period_id` is not
    one of the organisation's periods. The plan in force is found by the periods' query."""
    in_force = plans_in_force(organisation=organisation, on=today).values("pk")[:1]
    periods: list[FundPeriod] = list(
        fund_periods_with_totals(organisation=organisation).annotate(
            plan_in_force=Subquery(in_force)
        )[:DASHBOARD_PERIODS]
    )
    period = _dashboard_period(
        organisation=organisation, periods=periods, period_id=period_id, today=today
    )
    if period is None and period_id is not None:
        return None
    fig = None
    if period is not None:
        fig = period_figures(organisation=organisation, period=period, today=today)
    actual = _plan_actual(organisation=organisation, periods=periods, today=today, detail=detail)
    return Dashboard(periods=periods, period=period, figures=fig, plan_actual=actual)


def _plan_actual(
    *, organisation: Organisation, periods: list[FundPeriod], today: date, detail: bool
) -> PlanActual | None:
    if periods:
        plan_id = getattr(periods[0], "plan_in_force", None)
        if plan_id is None:
            return None
        summary = None if detail else plan_summary(plan_id=plan_id)
        if summary is not None:
            return summary
    plan = plan_current(organisation=organisation, on=today)
    return plan_vs_actual(plan=plan) if plan is not None else None


@dataclass
class SurveyReport:
    year: int
    tables: list[Table]
    show_free_text: bool
    free_texts: list[str] | None
    themes: list[ThemeGroup] | None


def survey_report(*, actor: Actor, year: int) -> SurveyReport:
    """The year's survey tables and response rates (per measure type; per measure for the
    roles that read follow-ups); the free texts, and the same grouped by theme, only for a
    role that may read them."""
    tables = survey_tables(
        organisation=actor.organisation, responses=SurveyResponse.objects.filter(year=year)
    )
    since, until = year_bounds(year)
    rates = survey_response_rates(organisation=actor.organisation, since=since, until=until)
    tables.append(response_rate_table(rates=rates))
    if can_read_measure_rates(actor):
        tables.append(measure_rate_table(rates=rates))
    show = can_read_free_text(actor)
    free = survey_free_texts(organisation=actor.organisation, year=year) if show else None
    themes = survey_free_text_themes(organisation=actor.organisation, year=year) if show else None
    return SurveyReport(
        year=year, tables=tables, show_free_text=show, free_texts=free, themes=themes
    )


@dataclass
class ReportSettings:
    unused_warning_percent: int
    later_months: int
    survey_reminder_days: int


def report_settings(*, organisation: Organisation) -> ReportSettings:
    conf = followup_settings(organisation=organisation)
    return ReportSettings(
        unused_warning_percent=unused_warning_percent(organisation=organisation),
        later_months=conf.later_months,
        survey_reminder_days=conf.survey_reminder_days,
    )
