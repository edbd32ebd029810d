"""The decision letter to the applicant: issued when a case is decided (approved or rejected,
also after a reconsideration), sealed as a PDF and registered in the diarium."""

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from lom.accounts.models import User
from lom.cases.letters import letter_filename, letter_language, letter_recipient, render_letter_pdf
from lom.cases.models import Case, Decision, DecisionLetter
from lom.cases.rules import rules_for_case
from lom.common.audit import audit
from lom.common.sealed import seal_document
from lom.diarium.models import Direction, DocumentKind, Secrecy
from lom.diarium.services import document_register


def _register_title(case: Case, decision: Decision) -> str:
    with override("sv"):  # the register is kept in Swedish whoever is signed in
        return _("Beslutsbrev %(n)s: %(o)s") % {
            "n": case.number,
            "o": str(decision.get_outcome_display()).lower(),
        }


def decision_letter_issue(*, case: Case, decision: Decision, by: User) -> DecisionLetter:
    # step: inside the transaction that decides the case: the letter, its registration in the
    # diarium (its number is printed on it) and the sealed PDF are one with the decision.
    rules = rules_for_case(case)
    decided_on = timezone.localdate(decision.decided_at)
    # A decision can be reconsidered once: the letter after a reconsideration offers no second.
    lower = decision.kind != Decision.Kind.RECONSIDERATION and (
        decision.outcome == Decision.Outcome.REJECTED
        or (decision.amount_ore or 0) < case.requested_ore
    )
    letter = DecisionLetter.objects.create(
        case=case,
        decision=decision,
        language=letter_language(case),
        recipient=letter_recipient(case),
        reconsideration_until=(
            decided_on + timedelta(days=rules.reconsideration_days) if rules and lower else None
        ),
        objection_until=decided_on + timedelta(days=rules.objection_days) if rules else None,
        issued_at=timezone.now(),
    )
    registered = document_register(
        organisation_id=case.organisation_id,
        kind=DocumentKind.DECISION_LETTER,
        title=_register_title(case, decision),
        target=letter,
        party=letter.recipient,
        direction=Direction.OUTGOING,
        secrecy=Secrecy.REVIEW,
        case_id=case.pk,
        case_number=case.number,
        by=by,
        at=letter.issued_at,
    )
    letter.register_number = registered.number
    sha = seal_document(
        letter, by=by, render=lambda: render_letter_pdf(letter), filename=letter_filename(letter)
    )
    audit(
        organisation_id=case.organisation_id,
        actor=by,
        action="case.letter",
        target=letter,
        case=case,
        after={
            "decision": decision.outcome,
            "language": letter.language,
            "register_number": letter.register_number,
            "sha256": sha,
        },
    )
    return letter
