"""The levers as the panel of the fund overview and the dashboard shows them: computed once and
kept for PANEL_SECONDS, so those pages stay within their fixed number of queries however long
the history (the levers' own page always computes afresh). Opening a round from the unplanned
money forgets them at once."""

from dataclasses import dataclass
from datetime import datetime

from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from lom.funds.models import FundPeriod
from lom.levers.selectors.items import Lever
from lom.levers.selectors.levers import nudge_all_link, period_levers

PANEL_SECONDS = 10 * 60


@dataclass(frozen=True)
class PanelLevers:
    computed_at: datetime
    levers: list[Lever]
    nudge_all: str = ""  # the link nudging every silent unit's managers, "" below 5 of them


def _key(period: FundPeriod) -> str:
    # The period's creation time as well: a test database reuses ids.
    return f"levers:panel:{period.pk}:{period.created_at.timestamp():.6f}"


def panel_levers(*, period: FundPeriod) -> PanelLevers:
    """The period's levers without the managers' names (the panel never shows them)."""
    found = cache.get(_key(period))
    if not isinstance(found, PanelLevers):
        computed = period_levers(
            period=period, round_link=reverse("levers:round", args=[period.pk])
        )
        found = PanelLevers(timezone.now(), computed.levers, nudge_all_link(computed))
        cache.set(_key(period), found, PANEL_SECONDS)
    return found


def forget_panel_levers(*, period: FundPeriod) -> None:
    cache.delete(_key(period))
