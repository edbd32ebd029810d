"""Cases: the list, an application's create and edit, its page, and its workflow."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Literal

from django.http import Http404, HttpResponse
from ninja import Query, Status

from lom.cases import services
from lom.cases.api.router import router
from lom.cases.api.schemas import (
    CaseIn,
    CaseListOut,
    CaseOut,
    CasePageOut,
    CasePatchIn,
    CaseReconsiderationOut,
    CostLineOut,
    FilterUnitOut,
    TransitionIn,
)
from lom.cases.filter_units import filter_units_offered
from lom.cases.models import Case
from lom.cases.models import Status as CaseStatus
from lom.cases.permissions import can_see_private_reason, can_take
from lom.cases.reads import record_private_reason_read
from lom.cases.rules import rules_for_case
from lom.cases.selectors import (
    CaseFilter,
    case_get_for_actor,
    case_list,
    case_reconsideration,
    cases_filtered,
    reconsideration_last_day,
    reconsideration_offer,
)
from lom.cases.workflow import TRANSITIONS
from lom.common.deprecation import deprecate
from lom.common.errors import fields_renamed
from lom.common.models import ReadLog
from lom.common.pagination import keyset_page
from lom.common.schemas import DEFAULT_LIMIT, Cursor, ErrorOut, Id, Limit, Page
from lom.funds.selectors import fund_period_get

# The services name the fields as the forms do; the API's JSON names some of them otherwise.
API_FIELD_NAMES = {
    "applicant": "applicant_id",
    "unit": "unit_id",
    "co_applicant_manager": "co_applicant_manager_id",
    "measure_types": "measure_type_ids",
    "need": "need_id",
    "amount": "amount_ore",
    "period": "period_id",
}
PAGE_DEPRECATED_SINCE = date(2026, 12, 1)
PAGE = Query(
    None,
    ge=1,
    le=10000,
    deprecated=True,
    description="Deprecated: page number (newest submitted first). Use `cursor`.",
)


@contextmanager
def named_as_in_api() -> Iterator[None]:
    """A refused input names the field as the client sent it."""
    with fields_renamed(API_FIELD_NAMES):
        yield


def case_out(actor, case: Case) -> CaseOut:
    show_private = can_see_private_reason(actor, case)
    if show_private:
        record_private_reason_read(actor=actor, case=case, channel=ReadLog.Channel.API)
    offer = reconsideration_offer(actor=actor, case=case)
    allowed = [n for n in TRANSITIONS if can_take(actor, case, n)]
    rec = case_reconsideration(case=case)
    computed = {
        "private_reason": case.private_reason if show_private else None,
        "measure_type_ids": [m.pk for m in case.measure_types.all()],
        "cost_lines": [CostLineOut.model_validate(line) for line in case.cost_lines.all()],
        "allowed_transitions": [
            n for n in allowed if n != "request_reconsideration" or offer.allowed
        ],
        "reconsideration_last_day": reconsideration_last_day(case=case, rules=rules_for_case(case)),
        "reconsideration": CaseReconsiderationOut.model_validate(rec) if rec else None,
    }
    plain = {f: getattr(case, f) for f in CaseOut.model_fields if f not in computed}
    return CaseOut.model_validate(plain | computed)


def _fields(payload: CaseIn | CasePatchIn) -> tuple[services.CaseInput, list | None]:
    """The fields the client sent (others stay as they are) and the cost lines, if sent."""
    data = payload.dict(exclude_unset=True)
    raw_lines = data.pop("cost_lines", None)
    lines = None if raw_lines is None else [services.CostLineInput(**li) for li in raw_lines]
    return services.CaseInput(**data), lines


@router.get("", response=CasePageOut, summary="List the cases the caller may see")
def list_cases(
    request,
    response: HttpResponse,
    status: CaseStatus | Literal[""] = "",
    unit_id: Id | None = None,
    q: str = Query("", max_length=100),
    mine: bool = False,
    cursor: Cursor | None = None,
    limit: Limit = DEFAULT_LIMIT,
    page: int | None = PAGE,
) -> CasePageOut:
    """Newest first. Filters: `status`, `unit_id` (the unit and the units under it), `q` (the
    case number or a word of the title), `mine` (only the caller's own applications)."""
    actor = request.api_actor
    filters = CaseFilter(status=status, unit_id=unit_id, q=q, mine_only=mine)
    if page is not None:
        rows, has_next = case_list(actor=actor, page=page, filters=filters)
        deprecate(response, since=PAGE_DEPRECATED_SINCE, successor="/api/v1/cases?cursor=")
        items = [CaseListOut.model_validate(row) for row in rows]
        return CasePageOut(items=items, next_cursor=None, page=page, has_next=has_next)
    qs = cases_filtered(actor=actor, filters=filters).select_related("applicant", "unit")
    rows, nxt = keyset_page(qs, cursor=cursor, limit=limit)
    items = [CaseListOut.model_validate(row) for row in rows]
    return CasePageOut(items=items, next_cursor=nxt, page=None, has_next=nxt is not None)


@router.get(
    "/filter-units",
    response=Page[FilterUnitOut],
    summary="The units the case list can be filtered by: the upper levels, or a name search",
)
def list_filter_units(
    request,
    q: str = Query("", max_length=100),
    cursor: Cursor | None = None,
    limit: Limit = DEFAULT_LIMIT,
) -> Page[FilterUnitOut]:
    """Without `q`: the upper levels of the caller's units (the organisation's for the
    coordinator, the own units for a manager), in tree order. With `q`: the units whose name
    or code contains it, by name. Pass a unit's `id` as `unit_id` to `GET /cases` (the unit
    and the units under it)."""
    qs, order = filter_units_offered(actor=request.api_actor, q=q)
    rows, nxt = keyset_page(qs, cursor=cursor, limit=limit, order=order)
    return Page[FilterUnitOut](
        items=[FilterUnitOut.model_validate(u) for u in rows], next_cursor=nxt
    )


@router.post("", response={201: CaseOut, 400: ErrorOut}, summary="Create a draft application")
def create_case(request, payload: CaseIn) -> Status:
    actor = request.api_actor
    data, lines = _fields(payload)
    with named_as_in_api():
        case = services.case_create(actor=actor, data=data, cost_lines=lines or [])
    case.refresh_from_db()
    return Status(201, case_out(actor, case))


@router.get("/{case_id}", response=CaseOut, summary="Read a case")
def get_case(request, case_id: Id) -> CaseOut:
    actor = request.api_actor
    return case_out(actor, case_get_for_actor(actor=actor, pk=case_id))


@router.patch(
    "/{case_id}",
    response={200: CaseOut, 400: ErrorOut, 409: ErrorOut},
    summary="Change a draft or returned application (only the fields sent)",
)
def update_case(request, case_id: Id, payload: CasePatchIn) -> CaseOut:
    """The steps of the application form in one call. `cost_lines`, when sent, replaces the
    lines. 409 when the application is no longer a draft or returned for completion."""
    actor = request.api_actor
    case = case_get_for_actor(actor=actor, pk=case_id)
    data, lines = _fields(payload)
    with named_as_in_api():
        case = services.case_update(actor=actor, case=case, data=data, cost_lines=lines)
    return case_out(actor, case_get_for_actor(actor=actor, pk=case.pk))


@router.post(
    "/{case_id}/transitions",
    response={200: CaseOut, 400: ErrorOut, 409: ErrorOut},
    summary="Take a step of the workflow (submit, approve, return…)",
)
def transition_case(request, case_id: Id, payload: TransitionIn) -> CaseOut:
    """`allowed_transitions` of the case says which the caller may take now. 409 when the
    case's status does not allow the step."""
    actor = request.api_actor
    case = case_get_for_actor(actor=actor, pk=case_id)
    period = None
    if payload.period_id is not None:
        period = fund_period_get(organisation=actor.organisation, pk=payload.period_id)
        if period is None:
            raise Http404
    with named_as_in_api():
        case = services.case_transition(
            actor=actor,
            case=case,
            name=payload.name,
            reason=payload.reason,
            amount_ore=payload.amount_ore,
            period=period,
        )
    return case_out(actor, case)
