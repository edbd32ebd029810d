"""What a lever is made of: its items, each with an audience and an expected effect."""

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class LeverItem:
    """One thing to do, its audience and its expected effect."""

    label: str
    dimension: str  # the campaign's audience: all | unit | occupational_group | ...
    value: str
    people: int
    effect_kr: int
    cap_kr: int | None
    link: str  # where to act: a new campaign (or a nudge), or the round form
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Lever:
    key: str
    title: str
    explanation: str
    items: list[LeverItem]

    @property
    def effect_kr(self) -> int:
        """The best item's effect: items of one lever may reach the same people (a woman of
        40 is in a gender and an age band), so their effects do not add up."""
        return max((i.effect_kr for i in self.items), default=0)


def ore_to_kr(ore: int) -> int:  # pure: the ledger's öre as whole kronor (rounded down)
    return int(ore) // 100


def ranked(items: list[LeverItem]) -> list[LeverItem]:  # pure: the strongest first
    return sorted(items, key=lambda i: (-i.effect_kr, i.label))
