"""The case workflow as data: states, transitions, and who may take each.

Pseudo-roles: APPLICANT (who created the case, the applicant, or the co-applying manager),
UNIT_MANAGER (a manager whose unit subtree holds the case). The others are organisation roles.
`case_transition()` in services is the only code that changes a case's status."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from lom.cases.models import Status as S
from lom.organisations.models import Role

APPLICANT = "applicant"
UNIT_MANAGER = "unit_manager"


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: frozenset[str]
    target: str
    actors: frozenset[str]
    needs_reason: bool = False
    # Only offered when the agreement requires the manager's endorsement.
    when_endorsement_required: bool = False


def _t(name, label, sources, target, actors, **kw) -> Transition:
    return Transition(name, label, frozenset(sources), target, frozenset(actors), **kw)


DECIDERS = {Role.COORDINATOR, Role.DECISION_MAKER}
TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in [
        # submit goes to AWAITING_ENDORSEMENT instead when the agreement asks for it and the
        # manager is not already a co-applicant (resolved in services).
        _t("submit", _("Skicka in"), {S.DRAFT, S.RETURNED}, S.SUBMITTED, {APPLICANT}),
        _t("endorse", _("Tillstyrk"), {S.AWAITING_ENDORSEMENT}, S.SUBMITTED, {UNIT_MANAGER}),
        _t(
            "manager_return",
            _("Skicka tillbaka till sökande"),
            {S.AWAITING_ENDORSEMENT},
            S.RETURNED,
            {UNIT_MANAGER},
            needs_reason=True,
        ),
        _t(
            "start_review",
            _("Påbörja handläggning"),
            {S.SUBMITTED},
            S.IN_REVIEW,
            {Role.COORDINATOR},
        ),
        _t(
            "return",
            _("Begär komplettering"),
            {S.SUBMITTED, S.IN_REVIEW},
            S.RETURNED,
            {Role.COORDINATOR},
            needs_reason=True,
        ),
        # Applicant participation (sökandemedverkan): the applicant sees the assessment and
        # responds before the decision, when the agreement says so.
        _t(
            "share_assessment",
            _("Skicka bedömningen till sökande"),
            {S.IN_REVIEW},
            S.AWAITING_APPLICANT,
            {Role.COORDINATOR},
            needs_reason=True,
        ),
        _t(
            "applicant_respond",
            _("Lämna synpunkter på bedömningen"),
            {S.AWAITING_APPLICANT},
            S.IN_REVIEW,
            {APPLICANT},
            needs_reason=True,
        ),
        _t("approve", _("Bevilja"), {S.IN_REVIEW}, S.APPROVED, DECIDERS, needs_reason=True),
        _t("reject", _("Avslå"), {S.IN_REVIEW}, S.REJECTED, DECIDERS, needs_reason=True),
        _t(
            "start",
            _("Markera som påbörjad"),
            {S.APPROVED},
            S.IN_PROGRESS,
            {Role.COORDINATOR, APPLICANT},
        ),
        _t(
            "complete",
            _("Markera som avslutad"),
            {S.APPROVED, S.IN_PROGRESS},
            S.COMPLETED,
            {Role.COORDINATOR},
        ),
        _t(
            "withdraw",
            _("Återta ansökan"),
            {
                S.DRAFT,
                S.AWAITING_ENDORSEMENT,
                S.SUBMITTED,
                S.IN_REVIEW,
                S.RETURNED,
                S.APPROVED,
                S.IN_PROGRESS,
            },
            S.WITHDRAWN,
            {APPLICANT},
            needs_reason=False,
        ),
    ]
}

EDITABLE_STATES = frozenset({S.DRAFT, S.RETURNED})
OPEN_STATES = frozenset(
    {S.AWAITING_ENDORSEMENT, S.SUBMITTED, S.IN_REVIEW, S.AWAITING_APPLICANT, S.RETURNED}
)
FUNDED_STATES = frozenset({S.APPROVED, S.IN_PROGRESS, S.COMPLETED})
