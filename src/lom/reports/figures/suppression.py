"""Which cells of a set of breakdowns to hide, and why.

A *line* is one column of counts of people over the groups of one breakdown (the staff per
age band, the recipients per gender, ...). The lines of one *family* partition the same people,
so they all sum to the same *margin* (all staff, all recipients), which is published once.

- Primary: a count of 1 to 4 people is hidden (`PRIMARY`), and so is a cell the caller forces
  (e.g. the recipients of a group that has fewer than five staff). 0 is shown.
- Secondary: a hidden cell must not be computable from the margin. That is only possible when a
  line has exactly one hidden cell and its total is known. Two ways out, whichever hides the
  smaller group (never a large group when a smaller one would do):
  a) hide the smallest other non-zero cell of that line (`SECONDARY`), or
  b) withhold the margin, and hide the smallest non-zero cell of every line that has no hidden
     cell yet (otherwise that line's sum would give the margin back).
  With every line holding at least one hidden cell and the margin withheld, each line's hidden
  cells have one free sum, so no single hidden cell follows from what is published.

`suppress_family` returns the reasons per cell (None: shown) and whether the margin is shown.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

MIN_CELL = 5
PRIMARY = "primary"  # fewer than five people
SECONDARY = "secondary"  # hidden so that another hidden cell cannot be worked out

Reason = str | None


@dataclass(frozen=True)
class FamilySuppression:
    reasons: list[list[Reason]]  # per line, per cell
    margin_shown: bool

    def hidden(self, line: int) -> list[bool]:
        return [r is not None for r in self.reasons[line]]


def is_small(count: int) -> bool:
    """A count of people that is never shown: 1 to 4."""
    return 0 < count < MIN_CELL


def _smallest_shown(values: Sequence[int], reasons: Sequence[Reason]) -> int | None:
    """The index of the smallest non-zero shown cell (ties: the first), or None."""
    candidates = [(v, i) for i, v in enumerate(values) if reasons[i] is None and v > 0]
    return min(candidates)[1] if candidates else None


def suppress_family(
    lines: Sequence[Sequence[int]],
    *,
    forced: Sequence[Sequence[bool]] | None = None,
    margin_published: bool = True,
) -> FamilySuppression:
    """The hidden cells of lines that all sum to one margin (see the module docstring).
    `margin_published=False`: the margin is not shown anyway (then only lines holding exactly
    one hidden cell with a known sum matter, and there are none)."""
    reasons: list[list[Reason]] = []
    for n, values in enumerate(lines):
        force = forced[n] if forced is not None else [False] * len(values)
        reasons.append(
            [PRIMARY if f or is_small(v) else None for v, f in zip(values, force, strict=True)]
        )
    hidden_per_line = [sum(r is not None for r in line) for line in reasons]
    needy = [n for n, h in enumerate(hidden_per_line) if h == 1]
    if not needy or not margin_published:
        return FamilySuppression(reasons, margin_published)
    # a) a complement inside each needy line
    picks_a = {n: _smallest_shown(lines[n], reasons[n]) for n in needy}
    cost_a = (
        max(lines[n][i] for n, i in picks_a.items() if i is not None)
        if all(i is not None for i in picks_a.values())
        else None
    )
    # b) withhold the margin; one cell in each line with none hidden
    complete = [n for n, h in enumerate(hidden_per_line) if h == 0]
    picks_b = {n: _smallest_shown(lines[n], reasons[n]) for n in complete}
    cost_b: int | None = max((lines[n][i] for n, i in picks_b.items() if i is not None), default=0)
    if any(i is None for i in picks_b.values()):
        cost_b = None  # a line of zeros only: its sum, 0, is the margin (then nothing is hidden)
    use_a = cost_a is not None and (cost_b is None or cost_a <= cost_b)
    if use_a:
        for n, i in picks_a.items():
            assert i is not None
            reasons[n][i] = SECONDARY
        return FamilySuppression(reasons, True)
    if cost_b is None:
        # Neither way exists (a needy line has no other non-zero cell and another line is all
        # zero): cannot happen for partitions of the same people; withhold everything.
        return FamilySuppression(
            [
                [r or (SECONDARY if v else None) for v, r in zip(lines[n], reasons[n], strict=True)]
                for n in range(len(lines))
            ],
            False,
        )
    for n, i in picks_b.items():
        assert i is not None
        reasons[n][i] = SECONDARY
    return FamilySuppression(reasons, False)
