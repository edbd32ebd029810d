"""The units the case list can be filtered by (reads only).

An agency has thousands of units, so the list never loads them all: it offers the upper levels
of the actor's scope (the filter covers a unit's whole subtree) and finds any deeper unit by a
word of its name or its code, a bounded number at a time. The web queue and the API
(`GET /cases/filter-units`) read the same selectors."""

from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from lom.organisations.access import Actor
from lom.organisations.models import Unit

# Levels offered below the top of the actor's scope (the organisation's root, or the
# manager's own units).
FILTER_UNIT_DEPTH = 2
# At most this many upper-level units are offered (a flat organisation may have many).
FILTER_UNITS_MAX = 300
# At most this many units a name search offers; more means "type more of the name".
UNIT_MATCHES_MAX = 20


@dataclass
class FilterUnits:
    """What the unit filter offers: `upper` (the upper levels, tree order), `matches` (the
    units a name search found, at most UNIT_MATCHES_MAX, `more` when there were more),
    `selected` (the unit asked for, when the actor may filter by it) and `top` (the depth of
    the scope's top, to indent the upper levels)."""

    upper: list[Unit] = field(default_factory=list)
    matches: list[Unit] = field(default_factory=list)
    more: bool = False
    selected: Unit | None = None
    top: int = 0

    @property
    def all(self) -> list[Unit]:
        """Every unit offered, each once: the upper levels, then the matches, then the
        selected unit when it is in neither."""
        seen: set[int] = set()
        out: list[Unit] = []
        for u in [*self.upper, *self.matches, *([self.selected] if self.selected else [])]:
            if u.pk not in seen:
                seen.add(u.pk)
                out.append(u)
        return out


def _scope(actor: Actor) -> tuple[Q, int] | None:
    """The units the actor may filter the list by, and the depth of their top; None when the
    actor sees only their own cases (no unit filter)."""
    if actor.is_staff_reader or actor.is_union_rep:
        return Q(), 0
    if actor.manager_unit_paths:
        q = Q()
        for path in actor.manager_unit_paths:
            q |= Q(path__startswith=path)
        return q, min(max(p.count("/") - 2, 0) for p in actor.manager_unit_paths)
    return None


def filter_units_offered(*, actor: Actor, q: str = "") -> tuple[QuerySet[Unit], tuple[str, str]]:
    """The units the filter offers, unbounded and unordered, and the order they are listed in:
    the upper levels of the actor's scope (tree order) without `q`, else the units of the
    scope whose name or code contains `q` (by name). The API pages through them."""
    scope = _scope(actor)
    if scope is None:
        return Unit.objects.none(), ("path", "id")
    where, top = scope
    units = Unit.objects.filter(organisation=actor.organisation).filter(where)
    term = q.strip()
    if term:
        return units.filter(Q(name__icontains=term) | Q(code__icontains=term)), ("name", "id")
    # A unit's path has one "/<id>" per level: '/3/' is a root (depth 0), '/3/17/' depth 1.
    levels = top + FILTER_UNIT_DEPTH + 1
    return units.filter(path__regex=rf"^/([0-9]+/){{1,{levels}}}$"), ("path", "id")


def filter_units(*, actor: Actor, q: str = "", unit_id: int | None = None) -> FilterUnits:
    """The unit filter's offer: the upper levels of the actor's scope (one query of at most
    FILTER_UNITS_MAX rows), the units whose name or code contains `q` (one query, when `q` is
    given) and the unit `unit_id` when the actor may filter by it (one query, when it is not
    among the upper levels)."""
    scope = _scope(actor)
    if scope is None:
        return FilterUnits()
    where, top = scope
    upper, order = filter_units_offered(actor=actor)
    out = FilterUnits(upper=list(upper.order_by(*order)[:FILTER_UNITS_MAX]), top=top)
    if q.strip():
        found_qs, order = filter_units_offered(actor=actor, q=q)
        found = list(found_qs.order_by(*order)[: UNIT_MATCHES_MAX + 1])
        out.matches, out.more = found[:UNIT_MATCHES_MAX], len(found) > UNIT_MATCHES_MAX
    if unit_id is not None:
        out.selected = next((u for u in out.all if u.pk == unit_id), None)
        if out.selected is None:
            units = Unit.objects.filter(organisation=actor.organisation).filter(where)
            out.selected = units.filter(pk=unit_id).first()
    return out
