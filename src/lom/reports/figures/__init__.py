"""Every figure of the reports is computed in this package, and only here.

The dashboard, the fairness page, the annual report (PDF and Excel workbook) and the reports
API all render the `Table`s it returns, so the same question never gets two answers. Money
comes from the fund ledger through lom.funds.selectors (the `Balance` type and its rules); the
case data adds the dimensions (measure type, purpose, unit, individual or group).

Scopes:
- a fund period (the dashboard): the period's ledger entries and the cases it funded;
- a calendar year (the annual report): the ledger entries *booked* in that year, in every
  fund period, so a period spanning two years contributes to each year what happened in it.

Modules, by sub-domain: `tables` (Table, Column, the kinds, suppression, the one breakdown
builder), `cases` (scopes and case dimensions), `money` (use of the funds, the fund over time,
the periods of a year), `outcomes` (follow-up and surveys), `fairness`, `decisions`, and
`annual` (the period and year bundles and their JSON). The names below are the public ones.
"""

from lom.reports.figures.annual import (
    AnnualFigures,
    PeriodFigures,
    annual_figures,
    annual_figures_json,
    balance_json,
    period_figures,
    period_figures_json,
    periods_in_year,
)
from lom.reports.figures.cases import (
    GROUP_KINDS,
    CaseInfo,
    CaseMoney,
    case_infos,
    case_money,
    department_path,
    month_start,
    months_between,
    next_month,
    primary_measure_types,
    year_bounds,
)
from lom.reports.figures.decisions import (
    consultation_table,
    decision_tables,
    late_objection_table,
    objection_table,
)
from lom.reports.figures.fairness import (
    AGE_BANDS,
    FAIRNESS_COLUMNS,
    FAR_MIN_STAFF_SHARE,
    FAR_POINTS,
    FAR_RATIO,
    TENURE_BANDS,
    FairnessResult,
    age_band,
    fairness,
    fairness_figures,
    full_years,
    tenure_band,
)
from lom.reports.figures.money import (
    FUNDS_COLUMNS,
    TIMELINE_COLUMNS,
    USE_COLUMNS,
    timeline_table,
    use_tables,
)
from lom.reports.figures.outcomes import outcome_tables, survey_tables
from lom.reports.figures.response_rates import measure_rate_table, response_rate_table
from lom.reports.figures.tables import (
    COUNT,
    DATE,
    DECIMAL,
    MIN_CELL,
    MONEY,
    PERCENT,
    SUPPRESSED,
    TEXT,
    ChartSpec,
    Column,
    Table,
    hide,
    pct,
    suppression_mask,
    table_json,
)

__all__ = [
    "AGE_BANDS",
    "COUNT",
    "DATE",
    "DECIMAL",
    "FAIRNESS_COLUMNS",
    "FAR_MIN_STAFF_SHARE",
    "FAR_POINTS",
    "FAR_RATIO",
    "FUNDS_COLUMNS",
    "GROUP_KINDS",
    "MIN_CELL",
    "MONEY",
    "PERCENT",
    "SUPPRESSED",
    "TENURE_BANDS",
    "TEXT",
    "TIMELINE_COLUMNS",
    "USE_COLUMNS",
    "AnnualFigures",
    "CaseInfo",
    "CaseMoney",
    "ChartSpec",
    "Column",
    "FairnessResult",
    "PeriodFigures",
    "Table",
    "age_band",
    "annual_figures",
    "annual_figures_json",
    "balance_json",
    "case_infos",
    "case_money",
    "consultation_table",
    "decision_tables",
    "department_path",
    "fairness",
    "fairness_figures",
    "full_years",
    "hide",
    "late_objection_table",
    "measure_rate_table",
    "month_start",
    "months_between",
    "next_month",
    "objection_table",
    "outcome_tables",
    "pct",
    "period_figures",
    "period_figures_json",
    "periods_in_year",
    "primary_measure_types",
    "response_rate_table",
    "suppression_mask",
    "survey_tables",
    "table_json",
    "tenure_band",
    "timeline_table",
    "use_tables",
    "year_bounds",
]
