"""The two bundles: a fund period (the dashboard) and a calendar year (the annual report), and
their JSON for the reports API."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.apps import apps
from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _

from lom.cases.models import Case
from lom.followup.models import SurveyResponse
from lom.followup.selectors import survey_response_rates
from lom.funds.models import FundPeriod, LedgerEntry
from lom.funds.selectors import (
    Balance,
    Forecast,
    fund_forecast,
    fund_movements_by_month,
    joined_balance,
    joined_warning_percent,
    unused_warning_percent,
)
from lom.organisations.models import Organisation
from lom.reports.figures.cases import funded_cases, month_start, names_read_once, year_bounds
from lom.reports.figures.decisions import (
    consultation_table,
    decision_tables,
    late_objection_table,
    objection_table,
)
from lom.reports.figures.fairness import FairnessResult, fairness
from lom.reports.figures.money import forecast_table, funds_table, timeline_table, use_tables
from lom.reports.figures.outcomes import outcome_tables, survey_tables
from lom.reports.figures.response_rates import response_rate_table
from lom.reports.figures.tables import (
    COUNT,
    MONEY,
    PERCENT,
    Column,
    Table,
    hide,
    hide_few,
    pct,
    table_json,
)


@dataclass
class PeriodFigures:
    organisation: Organisation
    period: FundPeriod
    today: date
    balance: Balance
    forecast: Forecast
    warning_percent: int
    timeline: Table
    use: list[Table]
    outcomes: list[Table]
    survey: list[Table]

    def tables(self) -> list[Table]:
        return [self.timeline, *self.use, *self.outcomes, *self.survey]


def period_figures(*, organisation: Organisation, period: FundPeriod, today: date) -> PeriodFigures:
    """A period's figures. The balance comes with the period when it was read by
    `fund_periods_with_totals`; names shared by the tables are read once."""
    if period.organisation_id != organisation.pk:
        raise ValueError("period of another organisation")
    with names_read_once(organisation):
        return _period_figures(organisation=organisation, period=period, today=today)


def _period_figures(
    *, organisation: Organisation, period: FundPeriod, today: date
) -> PeriodFigures:
    balance = joined_balance(period)
    threshold = joined_warning_percent(period)
    movements = fund_movements_by_month(periods=[period])[period.pk]
    first = min([period.start, *movements]) if movements else period.start
    last = max([min(period.end, today), *movements]) if movements else min(period.end, today)
    timeline, _closing = timeline_table(
        movements=[movements],
        first=first,
        last=max(last, first),
        title=_("Fonden över tid: %(name)s") % {"name": period.name},
    )
    responses = apps.get_model("followup", "SurveyResponse").objects.filter(period=period)
    return PeriodFigures(
        organisation=organisation,
        period=period,
        today=today,
        balance=balance,
        forecast=fund_forecast(
            period=period, balance=balance, today=today, warning_percent=threshold
        ),
        warning_percent=threshold,
        timeline=timeline,
        use=use_tables(organisation=organisation, cases=funded_cases(organisation, period=period)),
        outcomes=outcome_tables(organisation=organisation, followup_scope=Q(case__period=period)),
        survey=survey_tables(organisation=organisation, responses=responses),
    )


@dataclass
class AnnualFigures:
    organisation: Organisation
    year: int
    today: date
    key_figures: Table
    funds: Table
    forecasts: Table
    timeline: Table
    use: list[Table]
    decisions: list[Table]
    consultation: Table
    objections: Table
    late_objections: Table
    outcomes: list[Table]
    survey: list[Table]
    fairness: FairnessResult

    def tables(self) -> list[Table]:
        return [
            self.key_figures,
            self.funds,
            self.forecasts,
            self.timeline,
            *self.use,
            *self.decisions,
            self.consultation,
            self.objections,
            self.late_objections,
            *self.outcomes,
            *self.survey,
            *self.fairness.tables,
        ]


def periods_in_year(*, organisation: Organisation, year: int) -> list[FundPeriod]:
    """Periods that overlap the year, or had ledger movements booked in it."""
    since, until = year_bounds(year)
    booked = LedgerEntry.objects.filter(
        organisation=organisation, created_at__gte=since, created_at__lt=until
    ).values("period_id")
    return list(
        FundPeriod.objects.filter(organisation=organisation)
        .filter(Q(start__lte=date(year, 12, 31), end__gte=date(year, 1, 1)) | Q(pk__in=booked))
        .order_by("start", "pk")
    )


def annual_figures(
    *,
    organisation: Organisation,
    year: int,
    today: date,
    progress: Callable[[int, str], None] | None = None,
) -> AnnualFigures:
    """A calendar year's figures; names shared by the tables are read once."""
    with names_read_once(organisation):
        return _annual_figures(organisation=organisation, year=year, today=today, progress=progress)


def _annual_figures(
    *,
    organisation: Organisation,
    year: int,
    today: date,
    progress: Callable[[int, str], None] | None,
) -> AnnualFigures:
    def step(percent: int, text: str) -> None:
        if progress is not None:
            progress(percent, text)

    since, until = year_bounds(year)
    first_month, last_month = date(year, 1, 1), date(year, 12, 1)
    if today.year == year:
        last_month = month_start(today)
    step(5, _("Fondens ställning"))
    periods = periods_in_year(organisation=organisation, year=year)
    movements = fund_movements_by_month(periods=periods)
    funds, year_total = funds_table(year=year, periods=periods, movements=movements)
    forecasts = forecast_table(
        periods=periods, today=today, threshold=unused_warning_percent(organisation=organisation)
    )
    timeline, _closing = timeline_table(
        movements=movements.values(),
        first=first_month,
        last=max(last_month, first_month),
        title=_("Fonden över året"),
    )
    step(20, _("Användning"))
    # the year's ledger, read once for use and fairness
    cases = funded_cases(organisation, created_at__gte=since, created_at__lt=until)
    use = use_tables(organisation=organisation, cases=cases)
    step(35, _("Beslut och invändningar"))
    decisions = decision_tables(organisation=organisation, since=since, until=until)
    consultation = consultation_table(organisation=organisation, since=since, until=until)
    objections = objection_table(organisation=organisation, since=since, until=until)
    late_objections = late_objection_table(
        organisation=organisation, since=since, until=until, today=today
    )
    step(45, _("Uppföljning och enkäter"))
    outcomes = outcome_tables(
        organisation=organisation, followup_scope=Q(recorded_at__gte=since, recorded_at__lt=until)
    )
    survey = survey_tables(
        organisation=organisation, responses=SurveyResponse.objects.filter(year=year)
    )
    rates = survey_response_rates(organisation=organisation, since=since, until=until)
    survey.append(response_rate_table(rates=rates))
    step(55, _("Jämlikhet"))
    fair = fairness(organisation=organisation, year=year, cases=cases)
    submitted = Case.objects.filter(
        organisation=organisation, submitted_at__gte=since, submitted_at__lt=until
    ).aggregate(n=Count("id"), s=Sum("requested_ore"))
    monthly_total = decisions[0].total or [None, 0, 0, 0]
    use_total = use[0].total or [None, 0, 0, 0, 0, None]
    followups_done = outcomes[1].total or [None, 0, 0]
    few = hide_few(fair.recipients) or not fair.recipients_shown
    staff_hidden = few or not fair.staff_shown
    key_figures = Table(
        key="key_figures",
        title=_("Nyckeltal %(year)d") % {"year": year},
        columns=[
            Column("figure", _("Nyckeltal")),
            Column("count", _("Antal"), COUNT),
            Column("amount", _("Belopp"), MONEY),
            Column("share", _("Andel"), PERCENT),
        ],
        rows=[
            [_("Inskickade ansökningar (sökt belopp)"), submitted["n"], submitted["s"] or 0, None],
            [_("Beviljade ansökningar"), monthly_total[1], monthly_total[2], None],
            [_("Avslagna ansökningar"), monthly_total[3], None, None],
            [
                _("Beviljat netto (reserverat minus frigjort)"),
                None,
                year_total.commitments - year_total.releases,
                None,
            ],
            [_("Förbrukat"), None, year_total.spent, None],
            [_("Deltagare i insatser som fått medel"), use_total[2], None, None],
            [
                _("Anställda som fått medel (enskilt eller som deltagare)"),
                hide(fair.recipients, few),
                hide(fair.granted, few),
                hide(pct(fair.recipients, fair.staff), staff_hidden),
            ],
            [
                _("Gruppinsatser utan deltagarlista"),
                fair.group_cases,
                fair.group_granted,
                None,
            ],
            [_("Uppföljningar vid avslut"), followups_done[1], None, None],
            [_("Uppföljningar efter en tid"), followups_done[2], None, None],
            [_("Enkätsvar"), survey[0].rows[0][1], None, None],
            [_("Beslut efter samråd"), consultation.total_dict()["consulted"], None, None],
            [
                _("Beslut efter samråd med reservation"),
                consultation.total_dict()["reservations"],
                None,
                None,
            ],
            [_("Fackliga invändningar"), len(objections.rows), None, None],
            [
                _("Invändningar besvarade för sent eller inte alls"),
                len(late_objections.rows),
                None,
                None,
            ],
        ],
    )
    step(60, _("Nyckeltal klara"))
    return AnnualFigures(
        organisation=organisation,
        year=year,
        today=today,
        key_figures=key_figures,
        funds=funds,
        forecasts=forecasts,
        timeline=timeline,
        use=use,
        decisions=decisions,
        consultation=consultation,
        objections=objections,
        late_objections=late_objections,
        outcomes=outcomes,
        survey=survey,
        fairness=fair,
    )


# --- JSON (the reports API) ----------------------------------------------------------------


def balance_json(b: Balance) -> dict[str, int]:
    return {
        "allocated_ore": b.allocated,
        "carried_over_ore": b.carried_over,
        "committed_ore": b.committed,
        "spent_ore": b.spent,
        "remaining_ore": b.remaining,
    }


def period_figures_json(f: PeriodFigures) -> dict[str, Any]:
    return {
        "period": {
            "id": f.period.pk,
            "name": f.period.name,
            "start": f.period.start.isoformat(),
            "end": f.period.end.isoformat(),
        },
        "balance": balance_json(f.balance),
        "forecast": {
            "projected_unused_ore": f.forecast.projected_unused,
            "unused_percent": f.forecast.unused_percent,
            "warning": f.forecast.warning,
            "warning_percent": f.warning_percent,
            "runs_out_on": f.forecast.runs_out_on.isoformat() if f.forecast.runs_out_on else None,
        },
        "tables": [table_json(t) for t in f.tables()],
    }


def annual_figures_json(f: AnnualFigures) -> dict[str, Any]:
    return {"year": f.year, "tables": [table_json(t) for t in f.tables()]}
