"""The case workflow as data: states, transitions, and who may take each.

Pseudo-roles: APPLICANT (who created the case, the applicant, or the co-applying manager),
UNIT_MANAGER (a manager whose unit subtree holds the case), ENDORSER (who may endorse the case:
see `lom.cases.permissions.endorser_verdict`). The others are organisation roles.
`case_transition()` in services is the only code that changes a case's status.

Manager endorsement (tillstyrkan) is always the endorsing manager's own `endorse` step:
- a case naming a co-applying manager (kind "with manager") waits for THAT manager to confirm,
  whether or not the agreement requires endorsement (a co-application is the manager's too);
- otherwise, when the agreement requires endorsement, a manager over the case's unit endorses,
  never the applicant: a manager who applies for themselves is endorsed by the next manager up
  (any manager of a unit above), and where the organisation has no such manager, by a
  coordinator.
Submitting never endorses, and a case sent back and submitted again is endorsed again.

Reconsideration (omprövning): the applicant may ask for it once, with reasons, within the
agreement's `reconsideration_days` of the decision, when the case was rejected or approved with
less than was asked for. A decider (coordinator or decision maker) decides it with reasons,
under every decision model: it is a review of a decision already taken, so it does not go back
to a meeting even under the joint model; the unions are notified of the outcome like of any
decision. Approving commits only the difference to the amount already granted."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from lom.cases.models import Status as S
from lom.organisations.models import Role

APPLICANT = "applicant"
UNIT_MANAGER = "unit_manager"
ENDORSER = "endorser"


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
    # The target is the status the case had before (a reconsideration that is refused).
    back_to_previous: bool = False


def _t(name, label, sources, target, actors, **kw) -> Transition:
    return Transition(name, label, frozenset(sources), target, frozenset(actors), **kw)


DECIDERS = {Role.COORDINATOR, Role.DECISION_MAKER}
TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in [
        # submit goes to AWAITING_ENDORSEMENT instead when the case needs a manager's
        # endorsement (resolved in services).
        _t("submit", _("Skicka in"), {S.DRAFT, S.RETURNED}, S.SUBMITTED, {APPLICANT}),
        _t("endorse", _("Tillstyrk"), {S.AWAITING_ENDORSEMENT}, S.SUBMITTED, {ENDORSER}),
        _t(
            "manager_return",
            _("Skicka tillbaka till sökande"),
            {S.AWAITING_ENDORSEMENT},
            S.RETURNED,
            {ENDORSER},
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
        # Approved with less than asked for: only then (checked in services), and within the
        # agreement's deadline.
        _t(
            "request_reconsideration",
            _("Begär omprövning"),
            {S.REJECTED, S.APPROVED},
            S.RECONSIDERATION,
            {APPLICANT},
            needs_reason=True,
        ),
        _t(
            "reconsider_approve",
            _("Bevilja vid omprövning"),
            {S.RECONSIDERATION},
            S.APPROVED,
            DECIDERS,
            needs_reason=True,
        ),
        _t(
            "reconsider_reject",
            _("Avslå omprövningen"),
            {S.RECONSIDERATION},
            S.REJECTED,
            DECIDERS,
            needs_reason=True,
            back_to_previous=True,
        ),
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
    {
        S.AWAITING_ENDORSEMENT,
        S.SUBMITTED,
        S.IN_REVIEW,
        S.AWAITING_APPLICANT,
        S.RETURNED,
        S.RECONSIDERATION,
    }
)
FUNDED_STATES = frozenset({S.APPROVED, S.IN_PROGRESS, S.COMPLETED})
