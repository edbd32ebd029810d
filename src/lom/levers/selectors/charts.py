"""The panel's charts as report tables (drawn by `lom.reports.charts`, server-side SVG, the
table beside each as its text alternative): the forecast of unused money before and after
each campaign, and the carry-over over the years."""

from django.utils.translation import gettext as _

from lom.levers.selectors.campaigns import CampaignSummary
from lom.levers.selectors.money import CarryOver
from lom.reports.figures.tables import MONEY, ChartSpec, Column, Table, breakdown_table


def campaigns_forecast_table(campaigns: list[CampaignSummary]) -> Table | None:
    """Per sent campaign: the forecast unused at period end before it and after it."""
    rows = [
        [
            f"{c.title} ({c.sent_on.isoformat()})" if c.sent_on else c.title,
            None if c.forecast_unused_before_kr is None else c.forecast_unused_before_kr * 100,
            None if c.forecast_unused_after_kr is None else c.forecast_unused_after_kr * 100,
        ]
        for c in campaigns
        if c.sent_on is not None
    ]
    if not rows:
        return None
    return breakdown_table(
        key="levers_campaigns",
        title=_("Prognos för outnyttjade medel före och efter varje kampanj"),
        group=Column("campaign", _("Kampanj")),
        values=[
            ("before", _("Prognos före"), MONEY),
            ("after", _("Prognos efter"), MONEY),
        ],
        rows=rows,
        chart=ChartSpec("bar", "campaign", ("before", "after")),
    )


def carry_over_table(trend: list[CarryOver]) -> Table | None:
    if not trend:
        return None
    return breakdown_table(
        key="levers_carry_over",
        title=_("Överförda medel år för år"),
        group=Column("period", _("Period")),
        values=[
            ("received", _("Överfört till perioden"), MONEY),
            ("passed_on", _("Överfört från perioden"), MONEY),
        ],
        rows=[[c.name, c.received_kr * 100, c.passed_on_kr * 100] for c in trend],
        chart=ChartSpec("bar", "period", ("received", "passed_on")),
    )
