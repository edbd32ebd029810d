"""What the agreement's decision model allows at a joint meeting, as pure functions of the
rules and the parties' final positions (no database access).

- JOINT (unanimity): an approval needs a final position of every party present and no
  disagreement; a rejection or a deferral is always possible.
- CONSULTATION: the employer decides once the unions have been consulted. Every union present
  must have given its final position and the employer its own; the decision follows the
  employer's position, and a union's disagreement does not stop it (the union may enter a
  reservation or a protocol note).
- HR_DECIDES: the meeting's decision follows the employer's final position.

A deferral is always possible."""

from django.utils.translation import gettext as _

from lom.agreements.models import DecisionModel
from lom.agreements.rules import AgreementRules
from lom.decisions.models import AgendaItem, Position

OUTCOMES = (
    AgendaItem.Outcome.APPROVED,
    AgendaItem.Outcome.REJECTED,
    AgendaItem.Outcome.DEFERRED,
)


def decision_model_of(rules: AgreementRules | None) -> str:
    """The decision model of the rules (unanimity when no agreement says otherwise)."""
    return rules.decision_model if rules else DecisionModel.JOINT


def outcome_problem(
    *,
    rules: AgreementRules | None,
    outcome: str,
    finals: list[Position],
    parties_present: set[int | None],
) -> str | None:
    """Why the meeting may not take `outcome` on an item, or None."""
    if outcome not in (AgendaItem.Outcome.APPROVED, AgendaItem.Outcome.REJECTED):
        return None
    model = decision_model_of(rules)
    by_party = {p.union_id: p for p in finals}
    if model == DecisionModel.JOINT:
        return _joint_problem(outcome=outcome, by_party=by_party, present=parties_present)
    if model == DecisionModel.CONSULTATION:
        missing = {u for u in parties_present if u is not None} - set(by_party)
        if missing:
            return _(
                "Alla närvarande fackliga parter ska ha hörts (lämnat sitt slutliga "
                "ställningstagande) innan arbetsgivaren beslutar efter samråd enligt avtalet."
            )
    return _employer_problem(outcome=outcome, employer=by_party.get(None), model=model)


def _joint_problem(
    *, outcome: str, by_party: dict[int | None, Position], present: set[int | None]
) -> str | None:
    if outcome != AgendaItem.Outcome.APPROVED:
        return None
    if present - set(by_party):
        return _("Alla närvarande parter ska ha tagit ställning innan beslut.")
    if any(p.stance == Position.Stance.DISAGREE for p in by_party.values()):
        return _(
            "Parterna är oense. Ärendet kan inte beviljas gemensamt; avslå eller bordlägg det."
        )
    return None


def _employer_problem(*, outcome: str, employer: Position | None, model: str) -> str | None:
    """The decision follows the employer's final position (consultation, HR decides)."""
    rule = (
        _("arbetsgivaren beslutar efter samråd enligt avtalet")
        if model == DecisionModel.CONSULTATION
        else _("arbetsgivaren beslutar i varje ärende enligt avtalet")
    )
    if employer is None:
        return _("Arbetsgivarens slutliga ställningstagande saknas; %(rule)s.") % {"rule": rule}
    if outcome == AgendaItem.Outcome.APPROVED and employer.stance != Position.Stance.AGREE:
        return _("Arbetsgivaren avstyrker; ärendet kan inte beviljas när %(rule)s.") % {
            "rule": rule
        }
    if outcome == AgendaItem.Outcome.REJECTED and employer.stance != Position.Stance.DISAGREE:
        return _("Arbetsgivaren tillstyrker; ärendet kan inte avslås när %(rule)s.") % {
            "rule": rule
        }
    return None


def allowed_outcomes(
    *,
    rules: AgreementRules | None,
    finals: list[Position],
    parties_present: set[int | None],
) -> list[str]:
    """The outcomes the meeting page offers on an item under the agreement's decision model,
    given the item's final positions and the parties present (buttons a model does not allow
    are not shown). The same check as `outcome_problem`, so a button shown is never refused."""
    return [
        str(o)
        for o in OUTCOMES
        if outcome_problem(rules=rules, outcome=o, finals=finals, parties_present=parties_present)
        is None
    ]


def note_kind_problem(
    *, rules: AgreementRules | None, note_kind: str, stance: str, final: bool, union_id: int | None
) -> str | None:
    """Why a reservation or protocol note may not go with a position, or None. Only a union's
    final position that disagrees, and only under the consultation model, carries one."""
    if not note_kind:
        return None
    if decision_model_of(rules) != DecisionModel.CONSULTATION:
        return _(
            "Reservation och protokollsanteckning finns bara när arbetsgivaren beslutar efter "
            "samråd; avtalet kräver gemensamt beslut eller att arbetsgivaren beslutar i varje "
            "ärende."
        )
    if union_id is None:
        return _("Bara en facklig part kan reservera sig eller lämna en protokollsanteckning.")
    if not final or stance != Position.Stance.DISAGREE:
        return _(
            "En reservation eller protokollsanteckning hör till en facklig parts slutliga "
            "ställningstagande som avstyrker."
        )
    return None
