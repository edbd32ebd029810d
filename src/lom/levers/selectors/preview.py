"""The preview before a campaign is sent: who it reaches (counts only) and the what-if: the
fund's forecast of unused money now against the forecast with the campaign's expected effect
(`lom.levers.effects.expected_effect_kr` with the organisation's conversion rates)."""

from dataclasses import dataclass

from lom.funds.models import FundPeriod
from lom.levers.effects import Conversion, expected_effect_kr
from lom.levers.models import MIN_AUDIENCE
from lom.levers.selectors.campaigns import (
    AudienceCounts,
    audience_counts,
    conversion_for,
    forecast_unused_kr,
)
from lom.organisations.models import Organisation


@dataclass(frozen=True)
class WhatIf:
    unused_now_kr: int
    effect_kr: int
    unused_after_kr: int

    @property
    def bars(self) -> list[tuple[str, int, int]]:
        """(key, kronor, width in percent of the larger) for the chart."""
        top = max(self.unused_now_kr, 1)
        return [
            ("now", self.unused_now_kr, 100 if self.unused_now_kr else 0),
            ("after", self.unused_after_kr, round(100 * self.unused_after_kr / top)),
        ]


@dataclass(frozen=True)
class Preview:
    counts: AudienceCounts
    conversion: Conversion
    effect_kr: int
    what_if: WhatIf | None

    @property
    def too_small(self) -> bool:
        return self.counts.reachable < MIN_AUDIENCE

    @property
    def shown(self) -> dict[str, int | None]:
        """The counts as the page may show them (`AudienceCounts.shown`)."""
        return self.counts.shown()


def campaign_preview(
    *, organisation: Organisation, period: FundPeriod | None, dimension: str, value: str
) -> Preview:
    counts = audience_counts(organisation=organisation, dimension=dimension, value=value)
    conversion = conversion_for(organisation=organisation)
    effect = expected_effect_kr(people=counts.reachable, conversion=conversion)
    now = forecast_unused_kr(organisation=organisation, period=period)
    what_if = (
        None
        if now is None
        else WhatIf(unused_now_kr=now, effect_kr=effect, unused_after_kr=max(now - effect, 0))
    )
    return Preview(counts=counts, conversion=conversion, effect_kr=effect, what_if=what_if)
