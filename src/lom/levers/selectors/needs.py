"""Group measures from the library that answer the plan's needs, for the units that have them.

- A *group measure* is a published library entry carried out with a group: its participants
  band is 5–9, 10–24 or 25 or more (an entry of fewer than five is a measure for one person
  or a few).
- An entry *answers* a need when the library's search ranks it among the best matches for the
  need's title and description (the same search as "Organisations that faced this").
- A unit *has* a need when an application from the unit points to the need, or when the need
  (or a planned measure answering it) names the unit in its text or target group."""

from django.db.models import Q

from lom.funds.models import FundPeriod
from lom.levers.effects import Conversion, expected_effect_kr
from lom.levers.selectors.campaigns import audience_count
from lom.levers.selectors.items import LeverItem
from lom.levers.selectors.links import campaign_url
from lom.levers.selectors.money import AreaMoney, plan_needs
from lom.library.models import LibraryEntry, ParticipantsBand
from lom.library.selectors import library_similar
from lom.organisations.models import Organisation, Unit
from lom.planning.models import Need, TransitionPlan

MIN_GROUP = 5
GROUP_BANDS = (ParticipantsBand.SMALL, ParticipantsBand.MEDIUM, ParticipantsBand.LARGE)
# Matches searched per need, and entries named per item.
SEARCHED = 10
ENTRIES = 3
# Units named per need (a need named by the whole organisation is for a campaign to all).
UNITS_PER_NEED = 10


def group_entries_for(*, need: Need) -> list[LibraryEntry]:
    text = f"{need.title} {need.description}".strip()
    found = library_similar(text=text, limit=SEARCHED)
    return [e for e in found if e.participants_band in GROUP_BANDS][:ENTRIES]


def units_with_need(*, organisation: Organisation, need: Need) -> list[Unit]:
    applied = organisation.cases.filter(
        Q(need=need) | Q(need__key=need.key), unit__isnull=False
    ).values("unit_id")
    texts = " ".join(
        [need.title, need.description, *need.measures.values_list("target_group", flat=True)]
    ).casefold()
    units = Unit.objects.filter(organisation=organisation).order_by("path")
    named = [
        u.pk for u in units.only("pk", "name") if len(u.name) > 2 and u.name.casefold() in texts
    ]
    return list(units.filter(Q(pk__in=applied) | Q(pk__in=named))[:UNITS_PER_NEED])


def need_levers(
    *,
    organisation: Organisation,
    period: FundPeriod,
    plan: TransitionPlan | None,
    areas: list[AreaMoney],
    conversion: Conversion,
) -> list[LeverItem]:
    """One item per need and unit: the unit's people × the conversion, capped by what the
    plan still earmarks for the need's area of measures (when it plans a budget for it)."""
    left = {a.area_id: a for a in areas}
    items = []
    for need in plan_needs(plan=plan):
        entries = group_entries_for(need=need)
        if not entries:
            continue
        area = left.get(need.area_id)
        cap = area.left_kr if area is not None and area.planned_kr > 0 else None
        for unit in units_with_need(organisation=organisation, need=need):
            people = audience_count(organisation=organisation, dimension="unit", value=str(unit.pk))
            if people < MIN_GROUP:
                continue  # no campaign goes to fewer than five
            effect = expected_effect_kr(people=people, conversion=conversion, cap_kr=cap)
            items.append(
                LeverItem(
                    label=f"{need.title}: {unit.name}",
                    dimension="unit",
                    value=str(unit.pk),
                    people=people,
                    effect_kr=effect,
                    cap_kr=cap,
                    link=campaign_url(
                        period=period.pk,
                        lever="group_measures",
                        dimension="unit",
                        value=unit.pk,
                        effect=effect,
                        measure=entries[0].pk,
                    ),
                    detail={
                        "need": need.title,
                        "need_id": need.pk,
                        "unit": unit.name,
                        "area": need.area.name,
                        "entries": [(e.pk, e.title) for e in entries],
                    },
                )
            )
    return items
