"""The minutes (protokoll) of a meeting: one template for the page and the PDF, and what the
page, the API and the PDF show alike: who adjusts the minutes (and who has), and the amount
granted on each item."""

from dataclasses import dataclass
from datetime import datetime

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from lom.common.pdf import html_to_pdf
from lom.decisions.models import AgendaItem, Meeting
from lom.decisions.selectors import item_positions_for_minutes


@dataclass(frozen=True)
class AdjusterRow:
    """One adjuster of the minutes: the chair (`union_id` None) or a union party's."""

    union_id: int | None
    role: str
    user_id: int | None
    name: str
    adjusted_at: datetime | None


def adjusters_of(meeting: Meeting) -> dict[int | None, int | None]:
    """Who adjusts the minutes: the chair, the coordinator who planned the meeting (key None),
    and, per union party present, its adjuster (key: the union)."""
    named: dict[int | None, int | None] = {None: meeting.created_by_id}
    for party in meeting.parties.all():
        if party.union_id is not None and party.present:
            named[party.union_id] = party.adjuster_user_id
    return named


def adjusting_rows(meeting: Meeting) -> list[AdjusterRow]:
    """Every adjuster with the time they adjusted (None: not yet), chair first."""
    done = {a.union_id: a for a in meeting.adjusted_by.all()}
    rows = [
        AdjusterRow(
            union_id=None,
            role=_("Ordförande"),
            user_id=meeting.created_by_id,
            name=str(meeting.created_by),
            adjusted_at=done[None].adjusted_at if None in done else None,
        )
    ]
    for party in meeting.parties.all():
        uid = party.adjuster_user_id
        if party.union_id is None or uid is None:
            continue
        user = party.adjuster if party.adjuster_id else party.representative
        adjusted = done.get(party.union_id)
        rows.append(
            AdjusterRow(
                union_id=party.union_id,
                role=_("Justerare för %(party)s") % {"party": party.name},
                user_id=uid,
                name=str(user),
                adjusted_at=adjusted.adjusted_at if adjusted else None,
            )
        )
    return rows


def granted_ore(item: AgendaItem) -> int | None:
    """The amount granted by the item's decision (None unless it approved one)."""
    if item.outcome != AgendaItem.Outcome.APPROVED:
        return None
    for d in item.decisions.all():
        if d.outcome == AgendaItem.Outcome.APPROVED and d.amount_ore is not None:
            return int(d.amount_ore)
    return item.case.approved_ore


def minutes_context(meeting: Meeting) -> dict:
    items = list(
        meeting.items.select_related("case", "case__unit")
        .prefetch_related("positions__union", "decisions")
        .order_by("order", "id")
    )
    attendees = list(meeting.attendees.select_related("user", "union"))
    parties = list(meeting.parties.select_related("union", "representative", "adjuster"))
    return {
        "meeting": meeting,
        "items": [
            {
                "item": i,
                "granted_ore": granted_ore(i),
                "positions": item_positions_for_minutes(item=i),
            }
            for i in items
        ],
        "attendees": attendees,
        "parties": parties,
        "adjusters": adjusting_rows(meeting),
    }


def render_minutes_html(meeting: Meeting) -> str:
    return render_to_string("decisions/minutes_pdf.html", minutes_context(meeting))


def render_minutes_pdf(meeting: Meeting) -> bytes:
    with translation.override("sv"):
        html = render_minutes_html(meeting)
    return html_to_pdf(html)
