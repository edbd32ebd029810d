"""What the agreement's decision model allows at a joint meeting, as pure functions of the
rules and the parties' final positions (no database access)."""

from django.utils.translation import gettext as _

from lom.agreements.models import DecisionModel
from lom.agreements.rules import AgreementRules
from lom.decisions.models import AgendaItem, Position


def outcome_problem(
    *,
    rules: AgreementRules | None,
    outcome: str,
    finals: list[Position],
    parties_present: set[int | None],
) -> str | None:
    """Why the meeting may not take `outcome` on an item, or None. Under unanimity (and when no
    agreement says otherwise) an approval needs a final position of every party present and
    no disagreement."""
    if outcome != AgendaItem.Outcome.APPROVED:
        return None
    parties_with_position = {p.union_id for p in finals}
    if parties_present - parties_with_position:
        return _("Alla närvarande parter ska ha tagit ställning innan beslut.")
    model = rules.decision_model if rules else DecisionModel.JOINT
    if model != DecisionModel.CONSULTATION and any(
        p.stance == Position.Stance.DISAGREE for p in finals
    ):
        return _(
            "Parterna är oense. Ärendet kan inte beviljas gemensamt; avslå eller bordlägg det."
        )
    return None


def allowed_outcomes(rules: AgreementRules | None) -> list[str]:
    """The outcomes the meeting page offers on an item under the agreement's decision model
    (buttons a model does not allow are not shown)."""
    return [
        AgendaItem.Outcome.APPROVED,
        AgendaItem.Outcome.REJECTED,
        AgendaItem.Outcome.DEFERRED,
    ]
