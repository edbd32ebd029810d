"""Claims (rekvisition) in the API: the employer claims an approved measure with its invoices;
the fund pays or returns it; a finance system reads the paid claims. The same selectors and
services as the pages."""

from typing import Annotated

from django.http import Http404
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from lom.common.pagination import keyset_page
from lom.common.schemas import DEFAULT_LIMIT, Cursor, Day, Id, Limit, Page
from lom.fundmode import services
from lom.fundmode.api.common import REFUSALS, claim_out, notification_or_404, reader
from lom.fundmode.api.schemas import ClaimForm, ClaimOut, ClaimStatus, ReturnIn
from lom.fundmode.models import Claim
from lom.fundmode.permissions import can_assess, require
from lom.fundmode.selectors import claim_get, claims_for
from lom.organisations.access import Actor

router = Router(tags=["fundmode"])
# The most invoices one claim carries.
INVOICES_MAX = 20
PREFETCH = ("cost_lines", "participants", "attachments")


class ClaimFilter(Schema):
    status: ClaimStatus = ""
    paid_from: Day | None = Field(None, description="Paid on or after this day.")
    paid_to: Day | None = Field(None, description="Paid on or before this day.")


def _claim_or_404(actor: Actor, claim_id: int) -> Claim:
    claim = claim_get(actor=actor, pk=claim_id)
    if claim is None:
        raise Http404
    return claim


@router.get(
    "/claims",
    response=Page[ClaimOut],
    summary="List the claims the caller sees, newest first (a finance system reads paid ones)",
)
def list_claims(
    request,
    filters: Query[ClaimFilter],
    cursor: Cursor | None = None,
    limit: Limit = DEFAULT_LIMIT,
):
    qs = claims_for(actor=reader(request), **filters.dict()).prefetch_related(*PREFETCH)
    rows, nxt = keyset_page(qs, cursor=cursor, limit=limit)
    return Page[ClaimOut](items=[ClaimOut(**claim_out(c)) for c in rows], next_cursor=nxt)


@router.get("/claims/{claim_id}", response=ClaimOut, summary="Read a claim")
def get_claim(request, claim_id: Id):
    return claim_out(_claim_or_404(reader(request), claim_id))


@router.post(
    "/notifications/{notification_id}/claims",
    response={201: ClaimOut, **REFUSALS},
    summary="Claim an approved measure: actual costs with invoices, the final participants",
)
def submit_claim(
    request,
    notification_id: Id,
    payload: Form[ClaimForm],
    invoices: Annotated[list[UploadedFile] | None, File(None, max_length=INVOICES_MAX)] = None,
):
    actor = reader(request)
    n = notification_or_404(actor, notification_id)
    claim = services.claim_submit(
        actor=actor,
        notification=n,
        costs=payload.costs(),
        internal_salary_ore=payload.internal_salary_ore,
        participants=payload.groups(),
        invoices=list(invoices or []),
        is_final=payload.is_final,
        term_start=payload.term_start,
        term_end=payload.term_end,
    )
    return Status(201, claim_out(_claim_or_404(actor, claim.pk)))


def _claim_to_handle(request, claim_id: int) -> tuple[Actor, Claim]:
    actor = reader(request)
    claim = _claim_or_404(actor, claim_id)
    require(can_assess(actor))
    return actor, claim


@router.post(
    "/claims/{claim_id}/payment",
    response={200: ClaimOut, **REFUSALS},
    summary="Pay a claim (the final one returns the unclaimed rest to the pot)",
)
def pay_claim(request, claim_id: Id):
    actor, claim = _claim_to_handle(request, claim_id)
    services.claim_pay(actor=actor, claim=claim)
    return claim_out(_claim_or_404(actor, claim_id))


@router.post(
    "/claims/{claim_id}/return",
    response={200: ClaimOut, **REFUSALS},
    summary="Return a claim to the employer, with the reasons",
)
def return_claim(request, claim_id: Id, payload: ReturnIn):
    actor, claim = _claim_to_handle(request, claim_id)
    services.claim_return(actor=actor, claim=claim, reason=payload.reason)
    return claim_out(_claim_or_404(actor, claim_id))
