"""The manager's kit of a nudge: what the funds pay for (the local agreement's own texts and
measure types), two or three library examples that fit the unit's occupational groups, and a
one-page PDF for the workplace meeting. Only the unit's manager and the coordinators see it."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count
from django.urls import reverse

from lom.agreements.selectors import agreement_current
from lom.levers.models import Campaign, Dimension, Kind
from lom.levers.selectors.campaigns import unit_ids
from lom.library.selectors import library_examples, library_similar
from lom.mail.services.queue import absolute_url
from lom.organisations.access import Actor
from lom.organisations.models import Employee, Unit

KIT_READERS = ("coordinator", "org_admin")
PAYS_FOR_MAX = 900  # what fits one page
MAX_GROUPS = 5
MAX_EXAMPLES = 3


@dataclass(frozen=True)
class KitExample:
    title: str
    summary: str
    url: str


@dataclass(frozen=True)
class Kit:
    organisation_name: str
    unit_name: str
    manager_name: str
    pays_for: str
    exclusions: str
    measure_types: list[str]
    groups: list[str]
    examples: list[KitExample]
    public_url: str


def kit_unit_for(*, actor: Actor, campaign: Campaign, unit_id: int) -> Unit | None:
    """The unit of a nudge's kit, when the actor may see it: the unit's manager, or a
    coordinator or administrator of the organisation."""
    if (
        campaign.organisation_id != actor.organisation.pk
        or campaign.kind != Kind.NUDGE
        or campaign.dimension != Dimension.MANAGERS
        or unit_id not in unit_ids(campaign.value)
    ):
        return None
    unit = (
        Unit.objects.filter(organisation=actor.organisation, pk=unit_id)
        .select_related("manager")
        .first()
    )
    if unit is None:
        return None
    if actor.has(*KIT_READERS):
        return unit
    if actor.employee_id and unit.manager_id == actor.employee_id:
        return unit
    return None


def _groups(unit: Unit) -> list[str]:
    rows = (
        Employee.objects.filter(
            organisation_id=unit.organisation_id, active=True, unit__path__startswith=unit.path
        )
        .exclude(occupational_group="")
        .values("occupational_group")
        .annotate(n=Count("pk"))
        .order_by("-n", "occupational_group")[:MAX_GROUPS]
    )
    return [r["occupational_group"] for r in rows]


def _short(text: str, limit: int) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def nudge_kit(*, unit: Unit, today: date) -> Kit:
    org = unit.organisation
    agreement = agreement_current(organisation=org, on=today)
    groups = _groups(unit)
    entries = library_similar(text=" ".join(groups), limit=MAX_EXAMPLES) if groups else []
    if len(entries) < 2:
        seen = {e.pk for e in entries}
        entries += [e for e in library_examples(limit=MAX_EXAMPLES) if e.pk not in seen]
    return Kit(
        organisation_name=org.name,
        unit_name=unit.name,
        manager_name=f"{unit.manager.first_name} {unit.manager.last_name}" if unit.manager else "",
        pays_for=_short(agreement.purpose_text, PAYS_FOR_MAX) if agreement else "",
        exclusions=_short(agreement.exclusions, 300) if agreement else "",
        measure_types=[str(m.name) for m in agreement.measure_types.all()] if agreement else [],
        groups=groups,
        examples=[
            KitExample(
                title=str(e.title),
                summary=_short(str(e.summary), 240),
                url=absolute_url(e.get_absolute_url()),
            )
            for e in entries[:MAX_EXAMPLES]
        ],
        public_url=absolute_url(reverse("public:page", args=[org.slug])),
    )
