"""The status of an application for individual support as data: its transitions and who may
take each.

Who (resolved against the application by `lom.support.selectors.application_parties`):
- EMPLOYEE: the employee who applied;
- COACH: a counsellor (role `coach`) of the employee's organisation or of a fund it is a
  member of.

`support_application_transition()` in `lom.support.services.applications` is the only code that
changes the status: it checks the transition against this table, sets the status and writes the
audit event."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lom.common.verdict import YES, Verdict
from lom.support.models import SupportApplication

EMPLOYEE = "employee"
COACH = "coach"

S = SupportApplication.Status


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: frozenset[str]
    target: str
    actor: str


def _t(name: str, label: str, sources: set[str], target: str, actor: str) -> Transition:
    return Transition(name, label, frozenset(sources), target, actor)


TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in [
        _t("take", gettext_lazy("Ta ansökan"), {S.SUBMITTED}, S.TAKEN, COACH),
        _t("close", gettext_lazy("Avsluta"), {S.TAKEN}, S.CLOSED, COACH),
        _t(
            "withdraw",
            gettext_lazy("Återkalla ansökan"),
            {S.SUBMITTED, S.TAKEN},
            S.WITHDRAWN,
            EMPLOYEE,
        ),
    ]
}
TRANSITION_NAMES = tuple(TRANSITIONS)


def state_allows(application: SupportApplication, name: str) -> Verdict:
    """Whether the application's status is a source of the transition `name`."""
    t = TRANSITIONS[name]
    if application.status in t.sources:
        return YES
    return Verdict(
        False,
        _("”%(t)s” går inte när statusen är ”%(s)s”.")
        % {"t": t.label, "s": application.get_status_display()},
    )


def available(application: SupportApplication, parties: frozenset[str]) -> list[Transition]:
    """The transitions the parties may take now, in the table's order."""
    return [
        t for t in TRANSITIONS.values() if t.actor in parties and application.status in t.sources
    ]
