"""Survey response rates: of the people each completed measure's survey asks (its named
applicant and the participants the coordinator listed from the staff register), how many
answered. Counts of people 1-4 are hidden (`tables`), and a rate is shown only from five
answers: below that it would say too much about the few who did (or did not) answer."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext as _

from lom.followup.selectors import MIN_ANSWERS, MeasureRate
from lom.reports.figures.cases import measure_type_names
from lom.reports.figures.tables import (
    COUNT,
    PERCENT,
    Column,
    Table,
    breakdown_table,
    hide,
    hide_few,
    pct,
    suppression_mask,
)


def _value_columns() -> list[Column]:
    return [
        Column("measures", _("Avslutade insatser"), COUNT),
        Column("invited", _("Tillfrågade"), COUNT),
        Column("answered", _("Svarade"), COUNT),
        Column("rate", _("Svarsfrekvens (%)"), PERCENT),
    ]


def _rate(answered: int, invited: int, hidden: bool) -> object:
    return None if hidden or answered < MIN_ANSWERS else pct(answered, invited)


def response_rate_table(*, rates: Sequence[MeasureRate]) -> Table:
    """Response rates per measure type (each measure under its first type), with a total."""
    names = measure_type_names()
    groups: dict[str, list[int]] = {}
    for r in rates:
        g = groups.setdefault(names.get(r.measure_type_id, "") or "–", [0, 0, 0])
        g[0] += 1
        g[1] += r.invited
        g[2] += r.answered
    labels = sorted(groups)
    invited = [groups[k][1] for k in labels]
    answered = [groups[k][2] for k in labels]
    hide_invited = suppression_mask(invited)
    hide_answered = suppression_mask(answered, hide_invited)
    rows = [
        [
            label,
            groups[label][0],
            hide(groups[label][1], hide_invited[i]),
            hide(groups[label][2], hide_answered[i]),
            hide(_rate(groups[label][2], groups[label][1], hide_answered[i]), hide_answered[i]),
        ]
        for i, label in enumerate(labels)
    ]
    total_invited = sum(invited)
    total_answered = sum(answered)
    few = hide_few(total_answered) or hide_few(total_invited)
    return breakdown_table(
        key="survey_response_rates",
        title=_("Svarsfrekvens i enkäten"),
        group=Column("measure_type", _("Insatstyp")),
        values=_value_columns(),
        rows=rows,
        total=[
            len(rates),
            hide(total_invited, hide_few(total_invited)),
            hide(total_answered, few),
            hide(_rate(total_answered, total_invited, few), few),
        ],
        note=_(
            "Insatser avslutade under året. Tillfrågade = den sökande och de deltagare "
            "samordnaren listat. dolt = färre än 5 personer; svarsfrekvensen visas från 5 svar."
        ),
    )


def measure_rate_table(*, rates: Sequence[MeasureRate]) -> Table:
    """Response rates per measure (case) that asked at least five people; the measures that
    asked fewer are summed in one row."""
    big = [r for r in rates if r.invited >= MIN_ANSWERS]
    small = [r for r in rates if r.invited < MIN_ANSWERS]
    rows = []
    for r in big:
        hidden = hide_few(r.answered)
        rows.append(
            [
                f"{r.number} {r.title}".strip(),
                1,
                r.invited,
                hide(r.answered, hidden),
                hide(_rate(r.answered, r.invited, hidden), hidden),
            ]
        )
    if small:
        invited = sum(r.invited for r in small)
        answered = sum(r.answered for r in small)
        hidden = hide_few(answered)
        rows.append(
            [
                _("Insatser med färre än 5 tillfrågade"),
                len(small),
                hide(invited, hide_few(invited)),
                hide(answered, hidden),
                hide(_rate(answered, invited, hidden), hidden),
            ]
        )
    return breakdown_table(
        key="survey_response_rates_by_measure",
        title=_("Svarsfrekvens per insats"),
        group=Column("measure", _("Insats")),
        values=_value_columns(),
        rows=rows,
        note=_(
            "Insatser avslutade under året som frågade minst 5 personer; övriga summeras. "
            "dolt = färre än 5 svar."
        ),
    )
