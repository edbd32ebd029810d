"""The decision letter's download on the case page (the same reads as the API)."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.http.response import HttpResponseBase

from lom.cases.letters import can_read_letters, letter_filename, letter_get, render_letter_pdf
from lom.cases.selectors import case_get_for_actor
from lom.common.parity import api_counterpart
from lom.common.sealed import sealed_document_response
from lom.common.web import actor_view
from lom.organisations.access import Actor


@api_counterpart("GET /cases/{case_id}/letters/{letter_id}.pdf", "GET /cases/{case_id}/letters")
@actor_view()
def letter_pdf_view(
    request: HttpRequest, actor: Actor, pk: int, letter_id: int
) -> HttpResponseBase:
    case = case_get_for_actor(actor=actor, pk=pk)
    verdict = can_read_letters(actor, case)
    if not verdict:
        raise PermissionDenied(verdict.reason)
    letter = letter_get(case=case, pk=letter_id)
    return sealed_document_response(
        letter, filename=letter_filename(letter), preview=lambda: render_letter_pdf(letter)
    )
