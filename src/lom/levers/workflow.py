"""The campaign workflow as data: states, transitions and who takes each.
`campaign_transition()` in `lom.levers.services.campaigns` is the only code that changes a
campaign's status.

- draft → scheduled ("send"): a coordinator or administrator sends it; the task queue
  delivers it on its send date.
- scheduled → sent ("deliver"): the task queue, once every recipient has had it.
- draft | scheduled → cancelled ("cancel"): a coordinator or administrator stops it before it
  has gone out (a delivery already under way finishes the batch it is in).
- scheduled → cancelled ("withhold"): the task queue, when on the send date the group has
  fewer than 5 people it can reach (opt-outs and leavers since it was sent)."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from lom.levers.models import Status as S
from lom.organisations.models import Role

SYSTEM = "system"
SENDERS = frozenset({Role.COORDINATOR, Role.ORG_ADMIN})


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: frozenset[str]
    target: str
    actors: frozenset[str]


def _t(name, label, sources, target, actors) -> Transition:
    return Transition(name, label, frozenset(sources), target, frozenset(actors))


TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in [
        _t("send", _("Skicka"), {S.DRAFT}, S.SCHEDULED, SENDERS),
        _t("deliver", _("Levererad"), {S.SCHEDULED}, S.SENT, {SYSTEM}),
        _t("cancel", _("Stoppa"), {S.DRAFT, S.SCHEDULED}, S.CANCELLED, SENDERS),
        _t(
            "withhold",
            _("Stoppad: färre än 5 mottagare på utskicksdagen"),
            {S.SCHEDULED},
            S.CANCELLED,
            {SYSTEM},
        ),
    ]
}


def allowed(name: str, *, status: str, roles: frozenset[str] | set[str]) -> bool:  # pure
    t = TRANSITIONS.get(name)
    return t is not None and status in t.sources and bool(t.actors & set(roles))
