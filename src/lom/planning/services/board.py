"""The workshop board: cards, areas, needs, proposals and closing words. Each contribution
is its own row, written under a lock on the workshop row, so two participants writing at the
same moment both keep what they wrote."""

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from lom.agreements.models import MeasureType
from lom.common.bounds import COMMENT_MAX, NAME_MAX, TEXT_MAX
from lom.common.errors import DomainError
from lom.common.validation import amount_within, optional_text
from lom.common.validation import required_text as _text
from lom.organisations.access import Actor
from lom.planning.models import (
    ClosingWord,
    FactorCard,
    Proposal,
    Step,
    Workshop,
    WorkshopArea,
    WorkshopNeed,
)
from lom.planning.permissions import (
    can_contribute,
    can_facilitate,
    can_remove_item,
)
from lom.planning.services._common import _board_audit, _locked_row, _require, _touch

# --- Workshops: the board -------------------------------------------------------------------


@transaction.atomic(durable=True)
def card_add(*, actor: Actor, workshop: Workshop, text: str) -> FactorCard:
    ws = _locked_row(workshop)
    _require(can_contribute(actor, ws, Step.FACTORS))
    text = _text(text, field="text", message=_("Skriv en omvärldsfaktor."), max_length=300)
    card = FactorCard.objects.create(workshop=ws, text=text, author=actor.user)
    _touch(ws)
    _board_audit(actor, ws, "card", card, text=text)
    return card


@transaction.atomic(durable=True)
def card_move(
    *, actor: Actor, workshop: Workshop, card: FactorCard, area: WorkshopArea | None
) -> FactorCard:
    ws = _locked_row(workshop)
    _require(can_contribute(actor, ws, Step.SORT))
    if card.workshop_id != ws.pk or (area is not None and area.workshop_id != ws.pk):
        raise DomainError(_("Kortet eller området hör inte till workshoppen."), field="area")
    before = card.area_id
    if not FactorCard.objects.filter(pk=card.pk, workshop=ws).update(area=area):
        raise DomainError(_("Kortet finns inte längre."), code="gone")
    card.area = area
    _touch(ws)
    _board_audit(actor, ws, "card_move", card, before_area=before, area=area.pk if area else None)
    return card


def _remove_item(actor: Actor, ws: Workshop, item: Any, foreign: str, **audit_after: Any) -> None:
    """Remove one item of the board (a card, an area, a need, a proposal) that belongs to the
    locked workshop, with its audit event ("<kind>_remove"), and tell the board it changed."""
    if item.workshop_id != ws.pk:
        raise DomainError(foreign)
    kind = {"factorcard": "card", "workshoparea": "area", "workshopneed": "need"}.get(
        item._meta.model_name, item._meta.model_name
    )
    _board_audit(actor, ws, f"{kind}_remove", item, **audit_after)
    item.delete()
    _touch(ws)


@transaction.atomic(durable=True)
def card_remove(*, actor: Actor, workshop: Workshop, card: FactorCard) -> None:
    ws = _locked_row(workshop)
    _require(can_remove_item(actor, ws, card.author_id, Step.FACTORS))
    _remove_item(actor, ws, card, _("Kortet hör inte till workshoppen."), text=card.text)


@transaction.atomic(durable=True)
def area_add(*, actor: Actor, workshop: Workshop, name: str) -> WorkshopArea:
    ws = _locked_row(workshop)
    _require(can_contribute(actor, ws, Step.SORT))
    name = _text(name, field="name", message=_("Ge området ett namn."), max_length=120)
    if ws.areas.filter(name__iexact=name).exists():
        raise DomainError(_("Det finns redan ett område med det namnet."), field="name")
    area = WorkshopArea.objects.create(workshop=ws, name=name, order=ws.areas.count() + 1)
    _touch(ws)
    _board_audit(actor, ws, "area", area, name=name)
    return area


@transaction.atomic(durable=True)
def area_remove(*, actor: Actor, workshop: Workshop, area: WorkshopArea) -> None:
    """The facilitator removes an area; its cards go back to 'not sorted'."""
    ws = _locked_row(workshop)
    _require(can_facilitate(actor, ws))
    if area.needs.exists():
        raise DomainError(_("Området har behov. Ta bort dem först."))
    _remove_item(actor, ws, area, _("Området hör inte till workshoppen."), name=area.name)


@transaction.atomic(durable=True)
def need_add(
    *,
    actor: Actor,
    workshop: Workshop,
    area: WorkshopArea,
    consequence: str,
    competence_need: str,
    likelihood: int,
    impact: int,
) -> WorkshopNeed:
    ws = _locked_row(workshop)
    _require(can_contribute(actor, ws, Step.IMPACT))
    if area.workshop_id != ws.pk:
        raise DomainError(_("Välj ett av workshoppens områden."), field="area")
    consequence = _text(
        consequence,
        field="consequence",
        message=_("Beskriv vad det betyder för organisationen."),
        max_length=TEXT_MAX,
    )
    competence_need = _text(
        competence_need,
        field="competence_need",
        message=_("Skriv vilket kompetensbehov som följer."),
        max_length=NAME_MAX,
    )
    for name, value in (("likelihood", likelihood), ("impact", impact)):
        if not isinstance(value, int) or not 1 <= value <= 5:
            raise DomainError(_("Ange ett värde från 1 till 5."), field=name)
    need = WorkshopNeed.objects.create(
        workshop=ws,
        area=area,
        consequence=consequence,
        competence_need=competence_need,
        likelihood=likelihood,
        impact=impact,
        author=actor.user,
    )
    _touch(ws)
    _board_audit(actor, ws, "need", need, need=competence_need, priority=need.priority)
    return need


@transaction.atomic(durable=True)
def need_remove(*, actor: Actor, workshop: Workshop, need: WorkshopNeed) -> None:
    ws = _locked_row(workshop)
    _require(can_remove_item(actor, ws, need.author_id, Step.IMPACT))
    if need.proposals.exists():
        raise DomainError(_("Förslag pekar på behovet. Ta bort eller ändra förslagen först."))
    _remove_item(
        actor, ws, need, _("Behovet hör inte till workshoppen."), need=need.competence_need
    )


@transaction.atomic(durable=True)
def proposal_add(
    *,
    actor: Actor,
    workshop: Workshop,
    title: str,
    need_ids: list[int],
    description: str = "",
    cost_ore: int | None = None,
    target_group: str = "",
    measure_type: MeasureType | None = None,
) -> Proposal:
    ws = _locked_row(workshop)
    _require(can_contribute(actor, ws, Step.PROPOSALS))
    title = _text(title, field="title", message=_("Ge förslaget en rubrik."), max_length=NAME_MAX)
    needs = list(WorkshopNeed.objects.filter(workshop=ws, pk__in=need_ids))
    if not needs or len(needs) != len(set(need_ids)):
        raise DomainError(_("Välj minst ett behov som förslaget svarar mot."), field="needs")
    if cost_ore is not None and cost_ore < 0:
        raise DomainError(_("Kostnaden kan inte vara negativ."), field="cost")
    amount_within(cost_ore, field="cost")
    description = optional_text(description, field="description", max_length=TEXT_MAX)
    target_group = optional_text(target_group, field="target_group", max_length=NAME_MAX)
    proposal = Proposal.objects.create(
        workshop=ws,
        title=title,
        description=description,
        cost_ore=cost_ore,
        target_group=target_group,
        measure_type=measure_type,
        author=actor.user,
    )
    proposal.needs.set(needs)
    _touch(ws)
    _board_audit(actor, ws, "proposal", proposal, title=title, cost_ore=cost_ore)
    return proposal


@transaction.atomic(durable=True)
def proposal_remove(*, actor: Actor, workshop: Workshop, proposal: Proposal) -> None:
    ws = _locked_row(workshop)
    _require(can_remove_item(actor, ws, proposal.author_id, Step.PROPOSALS))
    _remove_item(
        actor, ws, proposal, _("Förslaget hör inte till workshoppen."), title=proposal.title
    )


@transaction.atomic(durable=True)
def closing_word_save(*, actor: Actor, workshop: Workshop, text: str) -> ClosingWord:
    """Each participant writes what they take away; writing again replaces their own."""
    ws = _locked_row(workshop)
    _require(can_contribute(actor, ws, Step.CLOSING))
    text = _text(text, field="text", message=_("Skriv vad du tar med dig."), max_length=COMMENT_MAX)
    word, _created = ClosingWord.objects.update_or_create(
        workshop=ws, author=actor.user, defaults={"text": text}
    )
    _touch(ws)
    _board_audit(actor, ws, "closing", word, text=text)
    return word
