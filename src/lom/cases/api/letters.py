"""A case's decision letters in the API: the list and the sealed PDF (the same reads and the
same check as the case page)."""

from datetime import date, datetime

from django.http.response import HttpResponseBase
from ninja import Field, Schema

from lom.cases.api.router import router
from lom.cases.letters import (
    can_read_letters,
    letter_filename,
    letter_get,
    letters_for_case,
    render_letter_pdf,
)
from lom.cases.models import Case, DecisionLetter
from lom.cases.selectors import case_get_for_actor
from lom.common.pagination import keyset_page
from lom.common.schemas import DEFAULT_LIMIT, Cursor, ErrorOut, Id, Limit, Page
from lom.common.sealed import sealed_document_response
from lom.common.validation import require
from lom.organisations.access import Actor


class CaseLetterOut(Schema):
    id: int
    decision_id: int
    outcome: str = Field(..., description="approved or rejected")
    language: str = Field(..., description="The applicant's language the letter is written in.")
    recipient: str
    register_number: str = Field(..., description="Its number in the diarium.")
    reconsideration_until: date | None = Field(
        ..., description="The last day to ask for reconsideration (none after a full approval)."
    )
    objection_until: date | None = Field(..., description="The last day a union may object.")
    issued_at: datetime
    sha256: str = Field(..., description="The SHA-256 of the sealed PDF.")


PDF_LETTER = {
    "responses": {
        "200": {
            "description": "The sealed letter as PDF.",
            "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}


def _case(request, case_id: int) -> Case:
    actor: Actor = request.api_actor
    case = case_get_for_actor(actor=actor, pk=case_id)
    require(can_read_letters(actor, case))
    return case


def _out(letter: DecisionLetter) -> CaseLetterOut:
    return CaseLetterOut(
        id=letter.pk,
        decision_id=letter.decision_id,
        outcome=letter.decision.outcome,
        language=letter.language,
        recipient=letter.recipient,
        register_number=letter.register_number,
        reconsideration_until=letter.reconsideration_until,
        objection_until=letter.objection_until,
        issued_at=letter.issued_at,
        sha256=letter.sealed_sha256,
    )


@router.get(
    "/{case_id}/letters",
    response=Page[CaseLetterOut],
    summary="List a case's decision letters, newest first",
)
def list_letters(
    request, case_id: Id, cursor: Cursor | None = None, limit: Limit = DEFAULT_LIMIT
) -> Page[CaseLetterOut]:
    rows, nxt = keyset_page(
        letters_for_case(case=_case(request, case_id)),
        cursor=cursor,
        limit=limit,
        order=("-issued_at", "-id"),
    )
    return Page[CaseLetterOut](items=[_out(r) for r in rows], next_cursor=nxt)


@router.get(
    "/{case_id}/letters/{letter_id}.pdf",
    response={409: ErrorOut},
    summary="A decision letter as the sealed PDF",
    openapi_extra=PDF_LETTER,
)
def letter_pdf(request, case_id: Id, letter_id: Id) -> HttpResponseBase:
    letter = letter_get(case=_case(request, case_id), pk=letter_id)
    return sealed_document_response(
        letter, filename=letter_filename(letter), preview=lambda: render_letter_pdf(letter)
    )
