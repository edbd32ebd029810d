"""Reads for reports: the organisation's report jobs, and what the dashboard, the surveys page
and the settings page show (the same answer for the page and the API)."""

from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet

from lom.followup.models import SurveyResponse
from lom.followup.permissions import can_read_free_text
from lom.followup.selectors import followup_settings, survey_free_texts
from lom.funds.models import FundPeriod
from lom.funds.selectors import fund_period_current, fund_periods_for_org, unused_warning_percent
from lom.organisations.access import Actor
from lom.organisations.models import Organisation
from lom.planning.selectors import plan_current
from lom.reports.figures import PeriodFigures, Table, period_figures, survey_tables
from lom.reports.models import ReportJob
from lom.reports.plan_actual import PlanActual, plan_vs_actual

DASHBOARD_PERIODS = 20


def report_jobs_for_org(*, organisation: Organisation) -> QuerySet[ReportJob]:
    return ReportJob.objects.filter(organisation=organisation).select_related("created_by")


def report_job_get(*, organisation: Organisation, pk: int) -> ReportJob | None:
    return report_jobs_for_org(organisation=organisation).filter(pk=pk).first()


@dataclass
class Dashboard:
    periods: list[FundPeriod]
    period: FundPeriod | None
    figures: PeriodFigures | None
    plan_actual: PlanActual | None


def dashboard_period_default(*, organisation: Organisation, today: date) -> FundPeriod | None:
    """The current period, else the newest one."""
    period = fund_period_current(organisation=organisation, on=today)
    if period is None:
        period = fund_periods_for_org(organisation=organisation).first()
    return period


def dashboard(*, organisation: Organisation, period: FundPeriod | None, today: date) -> Dashboard:
    """The dashboard: the latest periods, the figures of `period`, the current plan against
    its outcome."""
    periods = list(fund_periods_for_org(organisation=organisation)[:DASHBOARD_PERIODS])
    fig = None
    if period is not None:
        fig = period_figures(organisation=organisation, period=period, today=today)
    plan = plan_current(organisation=organisation, on=today)
    actual = plan_vs_actual(plan=plan) if plan is not None else None
    return Dashboard(periods=periods, period=period, figures=fig, plan_actual=actual)


@dataclass
class SurveyReport:
    year: int
    tables: list[Table]
    show_free_text: bool
    free_texts: list[str] | None


def survey_report(*, actor: Actor, year: int) -> SurveyReport:
    """The year's survey tables; the free texts only for a role that may read them."""
    tables = survey_tables(
        organisation=actor.organisation, responses=SurveyResponse.objects.filter(year=year)
    )
    show = can_read_free_text(actor)
    free = survey_free_texts(organisation=actor.organisation, year=year) if show else None
    return SurveyReport(year=year, tables=tables, show_free_text=show, free_texts=free)


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
