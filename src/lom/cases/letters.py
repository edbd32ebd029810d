"""The decision letter: its wording in each language an applicant may have, the PDF, and who
reads it.

The wording is a fixed text per language kept here (not in the translation catalogue), so a
letter is always complete in the applicant's language: it is an official document, and a
missing translation must never leave half of it in another language."""

from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet
from django.http import Http404
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from lom.cases.models import Case, Decision, DecisionLetter
from lom.cases.permissions import is_applicant_side
from lom.common.money import format_ore
from lom.common.pdf import html_to_pdf
from lom.common.verdict import YES, Verdict
from lom.organisations.access import Actor

LANGUAGES = ("sv", "en")

WORDING: dict[str, dict[str, str]] = {
    "sv": {
        "title": "Beslut om omställningsmedel",
        "to": "Till",
        "case": "Ärende",
        "register_number": "Diarienummer",
        "date": "Beslutsdatum",
        "application": "Ansökan",
        "approved": "Din ansökan är beviljad.",
        "rejected": "Din ansökan är avslagen.",
        "requested": "Sökt belopp",
        "granted": "Beviljat belopp",
        "reasons": "Motivering",
        "reconsideration_heading": "Om du vill att beslutet omprövas",
        "reconsideration": (
            "Du kan begära omprövning av beslutet. Begäran ska ha kommit in senast {until}, "
            "{days} dagar efter beslutet enligt det lokala avtalet. Begär omprövning på "
            "ärendets sida i LOM och skriv varför beslutet bör ändras."
        ),
        "objection_heading": "Fackliga parters invändning",
        "objection": (
            "En facklig part i det lokala avtalet kan invända mot beslutet inom {days} dagar, "
            "senast {until}."
        ),
        "signature": "Beslutet är fattat av {organisation} enligt det lokala avtalet om "
        "omställningsmedel.",
    },
    "en": {
        "title": "Decision on transition funds",
        "to": "To",
        "case": "Case",
        "register_number": "Registration number",
        "date": "Date of decision",
        "application": "Application",
        "approved": "Your application has been approved.",
        "rejected": "Your application has been rejected.",
        "requested": "Amount requested",
        "granted": "Amount granted",
        "reasons": "Reasons",
        "reconsideration_heading": "If you want the decision reconsidered",
        "reconsideration": (
            "You may ask for the decision to be reconsidered. Your request must arrive by "
            "{until}, {days} days after the decision under the local agreement. Ask for "
            "reconsideration on the case's page in LOM and explain why the decision should "
            "be changed."
        ),
        "objection_heading": "Objection by a union party",
        "objection": (
            "A union party to the local agreement may object to the decision within {days} "
            "days, by {until}."
        ),
        "signature": "The decision was made by {organisation} under the local agreement on "
        "transition funds.",
    },
}


def letter_language(case: Case) -> str:
    """The applicant's language ("sv" or "en"); the person who applied when no employee record
    has an account, Swedish when neither says."""
    user = case.applicant.user if case.applicant and case.applicant.user_id else case.created_by
    language = (getattr(user, "language", "") or "sv")[:2]
    return language if language in LANGUAGES else "sv"


def letter_recipient(case: Case) -> str:
    return case.applicant.full_name if case.applicant else str(case.created_by)


def amount_text(ore: int | None, language: str) -> str:
    if language == "sv" or ore is None:
        return format_ore(ore)
    kronor, rest = divmod(abs(int(ore)), 100)
    return f"SEK {kronor:,}.{rest:02d}"


@dataclass(frozen=True)
class LetterText:
    """What the letter says, in its language (the template lays it out)."""

    language: str
    heading: dict[str, str]
    facts: list[tuple[str, str]]
    outcome: str
    reasons: str
    reconsideration: str
    objection: str
    signature: str


def letter_text(letter: DecisionLetter) -> LetterText:
    w = WORDING[letter.language if letter.language in WORDING else "sv"]
    lang = letter.language
    case, decision = letter.case, letter.decision
    decided_on = timezone.localdate(decision.decided_at)
    facts = [
        (w["to"], letter.recipient),
        (w["case"], case.number),
        (w["register_number"], letter.register_number),
        (w["date"], decided_on.isoformat()),
        (w["application"], case.title),
        (w["requested"], amount_text(case.requested_ore, lang)),
    ]
    approved = decision.outcome == Decision.Outcome.APPROVED
    if approved:
        facts.append((w["granted"], amount_text(decision.amount_ore, lang)))
    return LetterText(
        language=lang,
        heading=w,
        facts=facts,
        outcome=w["approved"] if approved else w["rejected"],
        reasons=decision.reasoning,
        reconsideration=_deadline(w["reconsideration"], decided_on, letter.reconsideration_until),
        objection=_deadline(w["objection"], decided_on, letter.objection_until),
        signature=w["signature"].format(organisation=case.organisation.name),
    )


def _deadline(text: str, decided_on: date, until: date | None) -> str:
    if until is None:
        return ""
    return text.format(until=until.isoformat(), days=(until - decided_on).days)


def render_letter_pdf(letter: DecisionLetter) -> bytes:
    text = letter_text(letter)
    with override(text.language):
        html = render_to_string("cases/decision_letter_pdf.html", {"letter": letter, "text": text})
    return html_to_pdf(html)


# --- reading ----------------------------------------------------------------------------------


def can_read_letters(actor: Actor, case: Case) -> Verdict:
    """The applicant's side and the organisation's staff (coordinators, decision makers,
    auditors, administrators) read a case's decision letters."""
    if case.organisation_id != actor.organisation.pk:
        return Verdict(False, _("Ärendet finns inte."))
    if is_applicant_side(actor, case) or actor.is_staff_reader:
        return YES
    return Verdict(False, _("Beslutsbrevet läses av sökande och organisationens handläggare."))


def letters_for_case(*, case: Case) -> QuerySet[DecisionLetter]:
    return (
        DecisionLetter.objects.filter(case=case)
        .select_related("decision")
        .order_by("-issued_at", "-id")
    )


def letter_get(*, case: Case, pk: int) -> DecisionLetter:
    found = letters_for_case(case=case).select_related("case__organisation").filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def letter_filename(letter: DecisionLetter) -> str:
    number = (letter.case.number or str(letter.case_id)).replace("/", "-").replace(" ", "-")
    return f"beslutsbrev-{number}-{letter.decision_id}.pdf"
