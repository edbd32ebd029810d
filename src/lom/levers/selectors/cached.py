"""The levers as the panel of the fund overview and the dashboard shows them: computed once and
kept for PANEL_SECONDS, so those pages stay within their fixed number of queries however long
the history (the levers' own page always computes afresh). Opening a round from the unplanned
money, and a campaign's delivery, forget them at once. They are kept per language, since their
titles and labels are text in the reader's language."""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language

from lom.funds.models import FundPeriod
from lom.levers.selectors.charts import campaigns_forecast_table
from lom.levers.selectors.items import Lever
from lom.levers.selectors.levers import nudge_all_link, period_levers
from lom.reports.figures.tables import Table

PANEL_SECONDS = 10 * 60


@dataclass(frozen=True)
class PanelLevers:
    computed_at: datetime
    levers: list[Lever]
    nudge_all: str = ""  # the link nudging every silent unit's managers, "" below 5 of them
    # The forecast of unused money before and after each sent campaign (a chart and its table).
    campaigns_table: Table | None = None


def _key(period: FundPeriod, language: str) -> str:
    # The period's creation time as well: a test database reuses ids.
    return f"levers:panel:{period.pk}:{period.created_at.timestamp():.6f}:{language}"


def panel_levers(*, period: FundPeriod) -> PanelLevers:
    """The period's levers without the managers' names (the panel never shows them)."""
    key = _key(period, get_language() or settings.LANGUAGE_CODE)
    found = cache.get(key)
    if not isinstance(found, PanelLevers):
        computed = period_levers(
            period=period, round_link=reverse("levers:round", args=[period.pk])
        )
        found = PanelLevers(
            timezone.now(),
            computed.levers,
            nudge_all_link(computed),
            campaigns_forecast_table(computed.campaigns),
        )
        cache.set(key, found, PANEL_SECONDS)
    return found


def forget_panel_levers(*, period: FundPeriod) -> None:
    cache.delete_many([_key(period, code) for code, _name in settings.LANGUAGES])
