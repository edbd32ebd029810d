"""Under-reached groups: the fairness figures' groups (units, occupational groups, age bands,
genders) whose share of the money is far below their share of the workforce.

Read from the figures as the annual report shows them, so a lever never names what the
report hides: a row with a suppressed cell (fewer than five people, or hidden so that such a
group cannot be worked out) is never a lever, and neither is a group under five people."""

from typing import Any

from django.utils.translation import gettext as _

from lom.funds.models import FundPeriod
from lom.levers.effects import Conversion, expected_effect_kr
from lom.levers.selectors.campaigns import audience_count
from lom.levers.selectors.items import LeverItem
from lom.levers.selectors.links import campaign_url
from lom.organisations.models import Employee, Organisation, Unit
from lom.reports.figures.cases import department_path
from lom.reports.figures.fairness import AGE_BANDS, age_band, fairness_figures, is_far
from lom.reports.figures.tables import SUPPRESSED, Table

MIN_GROUP = 5
# The fairness tables a lever reads, and the campaign dimension each becomes.
TABLE_DIMENSIONS = {
    "fairness_unit": "unit",
    "fairness_occupation": "occupational_group",
    "fairness_age": "age_band",
    "fairness_gender": "gender",
}


def _values(organisation: Organisation, dimension: str) -> dict[str, str]:
    """A group's label in the figures -> the campaign's `value` for it."""
    if dimension == "age_band":
        bands = {str(label): str(i) for i, (_lo, _hi, label) in enumerate(AGE_BANDS)}
        return bands | {age_band(200)[1]: str(len(AGE_BANDS))}
    if dimension == "gender":
        return {str(label): code for code, label in Employee.Gender.choices}
    if dimension == "unit":
        # The figures group units by department (the level under the top unit).
        out: dict[str, str] = {}
        for pk, path, name in (
            Unit.objects.filter(organisation=organisation)
            .order_by("path")
            .values_list("pk", "path", "name")
        ):
            # Not the top unit: its subtree is everyone, not the staff placed directly in it.
            if department_path(path) == path and path.count("/") == 3 and name not in out:
                out[name] = str(pk)
        return out
    return {}


def _value_of(values: dict[str, str], dimension: str, label: str) -> str:
    if dimension == "occupational_group":
        return "" if label == _("Uppgift saknas") else label
    return values.get(label, "")


def _rows(table: Table) -> list[dict[str, Any]]:
    keys = [c.key for c in table.columns]
    return [dict(zip(keys, row, strict=True)) for row in table.rows]


def fairness_levers(
    *, organisation: Organisation, period: FundPeriod, year: int, conversion: Conversion
) -> list[LeverItem]:
    """One item per under-reached group of the year's figures. Its effect: the people of the
    group a campaign reaches × the conversion, capped by the group's shortfall (its share of
    the workforce × the money granted, less the money the group got)."""
    figures = fairness_figures(organisation=organisation, year=year)
    items = []
    for table in figures.tables:
        dimension = TABLE_DIMENSIONS.get(table.key)
        if dimension is None:
            continue
        values = _values(organisation, dimension)
        for row in _rows(table):
            cells = [row["staff"], row["staff_share"], row["granted"], row["funds_share"]]
            if any(c is SUPPRESSED or c is None for c in cells) or row["staff"] < MIN_GROUP:
                continue
            if not (
                is_far(row["staff_share"], row["funds_share"])
                and row["funds_share"] < row["staff_share"]
            ):
                continue
            value = _value_of(values, dimension, str(row["group"]))
            if not value:
                continue
            shortfall_kr = int(row["staff_share"] * figures.granted / 100 - row["granted"]) // 100
            people = audience_count(organisation=organisation, dimension=dimension, value=value)
            if people < MIN_GROUP:  # a campaign could not reach them (nor may a count show)
                continue
            effect = expected_effect_kr(people=people, conversion=conversion, cap_kr=shortfall_kr)
            items.append(
                LeverItem(
                    label=str(row["group"]),
                    dimension=dimension,
                    value=value,
                    people=people,
                    effect_kr=effect,
                    cap_kr=max(shortfall_kr, 0),
                    link=campaign_url(
                        period=period.pk,
                        lever="under_reached",
                        dimension=dimension,
                        value=value,
                        effect=effect,
                    ),
                    detail={
                        "staff": row["staff"],
                        "staff_share": row["staff_share"],
                        "funds_share": row["funds_share"],
                        "dimension_label": _dimension_label(dimension),
                    },
                )
            )
    return items


def _dimension_label(dimension: str) -> str:
    return {
        "unit": _("Enhet"),
        "occupational_group": _("Yrkesgrupp"),
        "age_band": _("Åldersgrupp"),
        "gender": _("Kön"),
    }[dimension]
