"""How a lever's expected effect in kronor is computed (README, "Levers against unused
money"). One formula for every lever and for the what-if before a campaign is sent:

    expected use = people reached × apply rate × approval rate × average grant

capped by the money the lever is about (a group's shortfall, the unplanned amount).

- *people reached*: the campaign's audience from the staff register (employees with an
  address, minus those who opted out).
- *apply rate*: of the people earlier campaigns reached, the share that submitted an
  application through the campaign's link; the documented default when the organisation has
  sent no campaign yet (DEFAULT_APPLY_RATE).
- *approval rate* and *average grant*: the organisation's own decisions of the last 24
  months; the defaults below when it has fewer than MIN_HISTORY_CASES decided cases.
"""

from dataclasses import dataclass

# Defaults used until the organisation has history of its own. The apply rate is deliberately
# modest: of a mailed group, about 3 in 100 go on to submit an application. The approval rate
# and average grant follow the demo agencies' and the seeds' order of magnitude (most
# applications that reach a decision are approved; a course or coaching costs some 20,000 kr).
DEFAULT_APPLY_RATE = 0.03
DEFAULT_APPROVAL_RATE = 0.8
DEFAULT_AVERAGE_GRANT_KR = 20_000
MIN_HISTORY_CASES = 5


@dataclass(frozen=True)
class Conversion:
    """The rates a lever's effect is computed with, and where they come from."""

    apply_rate: float
    approval_rate: float
    average_grant_kr: int
    # "default" or "history": what the apply rate came from, and from how many campaigns.
    apply_source: str = "default"
    campaigns: int = 0
    # "default" or "history": what the approval rate and average grant came from.
    grant_source: str = "default"
    decided_cases: int = 0


DEFAULT_CONVERSION = Conversion(DEFAULT_APPLY_RATE, DEFAULT_APPROVAL_RATE, DEFAULT_AVERAGE_GRANT_KR)


def expected_effect_kr(  # pure: the formula above
    *, people: int, conversion: Conversion, cap_kr: int | None = None
) -> int:
    value = round(
        max(people, 0)
        * conversion.apply_rate
        * conversion.approval_rate
        * conversion.average_grant_kr
    )
    if cap_kr is not None:
        value = min(value, max(cap_kr, 0))
    return value
