"""Fund periods and their ledger, mounted at /api/v1/fund-periods."""

from datetime import date, datetime
from typing import Any

from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from lom.agreements.selectors import contribution_rate_get
from lom.common.bounds import MAX_AMOUNT_ORE, SHORT_TEXT_MAX
from lom.common.deprecation import deprecate
from lom.common.errors import DomainError, PermissionDeniedError
from lom.common.pagination import keyset_page
from lom.common.schemas import DEFAULT_LIMIT, Cursor, Day, ErrorOut, Id, Limit, Page
from lom.funds import services
from lom.funds.models import EntryKind, FundPeriod, PeriodStatus
from lom.funds.permissions import FUND_KEEPERS, FUND_READERS
from lom.funds.selectors import (
    Balance,
    balances_for_periods,
    fund_balance,
    fund_forecast,
    fund_period_get,
    fund_periods_for_org,
    ledger_entries,
    ledger_page,
    unused_warning_percent_for,
)

router = Router(tags=["funds"])
BEFORE_ID_DEPRECATED_SINCE = date(2026, 12, 1)
BEFORE_ID = Query(
    None, deprecated=True, description="Deprecated: the id to continue before. Use `cursor`."
)


class BalanceOut(Schema):
    allocated_ore: int
    carried_over_ore: int
    committed_ore: int
    spent_ore: int
    remaining_ore: int
    projected_unused_ore: int | None


class FundPeriodOut(Schema):
    id: int
    name: str
    start: date
    end: date
    method: str
    status: PeriodStatus
    carry_over_from_previous: bool
    closed_at: datetime | None
    carried_to_id: int | None
    reopened_at: datetime | None
    reopen_reason: str
    balance: BalanceOut


class FundPeriodClosingOut(Schema):
    """The closed period, and what was carried over (or why nothing was)."""

    period: FundPeriodOut
    carried_ore: int
    carried_to_id: int | None
    note: str


class FundPeriodReopenIn(Schema):
    reason: str = Field(min_length=1, max_length=SHORT_TEXT_MAX)


class FundPeriodIn(Schema):
    """As the form that sets up a period: a payroll and a rate, or a fixed amount."""

    name: str = Field(min_length=1, max_length=100)
    start: Day
    end: Day
    method: FundPeriod.Method
    payroll_ore: int | None = Field(None, ge=1, le=MAX_AMOUNT_ORE)
    rate_id: Id | None = None
    fixed_amount_ore: int | None = Field(None, ge=1, le=MAX_AMOUNT_ORE)
    previous_id: Id | None = None
    carry_over: bool = False


class LedgerEntryOut(Schema):
    id: int
    kind: str
    amount_ore: int
    case_id: int | None
    case_number: str | None
    memo: str = Field(
        description="The memo in the request's language when LOM wrote it, else as typed"
    )
    memo_code: str = Field(
        description="The system message's code; empty for a memo a person typed (or one stored "
        "as text by an older release)"
    )
    memo_params: dict[str, Any] = Field(
        description="The message's parameters; a translated one as {msgid: source text}"
    )
    created_at: datetime


class LedgerPageOut(Page[LedgerEntryOut]):
    """A page of the ledger, newest first. `next_before_id` belongs to the deprecated
    `before_id` parameter."""

    next_before_id: int | None


def _actor_with(request, roles: tuple[str, ...]):
    actor = request.api_actor
    if not actor.has(*roles):
        raise PermissionDeniedError(_("Din roll får inte göra detta."))
    return actor


def _period(actor, period_id: int) -> FundPeriod:
    period = fund_period_get(organisation=actor.organisation, pk=period_id)
    if period is None:
        raise Http404
    return period


def _period_out(period: FundPeriod, balance: Balance, warning_percent: int) -> FundPeriodOut:
    today = timezone.localdate()
    forecast = fund_forecast(
        period=period, balance=balance, today=today, warning_percent=warning_percent
    )
    return FundPeriodOut(
        id=period.pk,
        name=period.name,
        start=period.start,
        end=period.end,
        method=period.method,
        status=period.status(today=today),
        carry_over_from_previous=period.carry_over_from_previous,
        closed_at=period.closed_at,
        carried_to_id=period.carried_to_id,
        reopened_at=period.reopened_at,
        reopen_reason=period.reopen_reason,
        balance=BalanceOut(
            allocated_ore=balance.allocated,
            carried_over_ore=balance.carried_over,
            committed_ore=balance.committed,
            spent_ore=balance.spent,
            remaining_ore=balance.remaining,
            projected_unused_ore=forecast.projected_unused,
        ),
    )


@router.get("", response=Page[FundPeriodOut], summary="List the fund periods with their balances")
def list_fund_periods(
    request, cursor: Cursor | None = None, limit: Limit = DEFAULT_LIMIT
) -> Page[FundPeriodOut]:
    """Newest first."""
    actor = _actor_with(request, FUND_READERS)
    qs = fund_periods_for_org(organisation=actor.organisation)
    periods, nxt = keyset_page(qs, cursor=cursor, limit=limit, order=("-start", "-id"))
    balances = balances_for_periods(periods=periods)
    threshold = unused_warning_percent_for(organisation=actor.organisation)
    return Page[FundPeriodOut](
        items=[_period_out(p, balances[p.pk], threshold) for p in periods], next_cursor=nxt
    )


@router.post("", response={201: FundPeriodOut, 400: ErrorOut}, summary="Set up a fund period")
def create_fund_period(request, payload: FundPeriodIn) -> Status:
    """Its allocation is booked at once. With `previous_id` and `carry_over` what is left of
    the previous period is carried over when that period is closed (at once if it already
    is), when the agreement allows it. The contribution rate must be valid for the dates."""
    actor = _actor_with(request, FUND_KEEPERS)
    rate = None
    if payload.rate_id is not None:
        rate = contribution_rate_get(pk=payload.rate_id)
        if rate is None:
            raise DomainError(_("Välj avsättningsnivå."), field="rate_id")
    previous = None
    if payload.previous_id is not None:
        previous = fund_period_get(organisation=actor.organisation, pk=payload.previous_id)
        if previous is None:
            raise DomainError(_("Välj en föregående period."), field="previous_id")
    try:
        period = services.fund_period_create(
            actor=actor.user,
            organisation=actor.organisation,
            name=payload.name,
            start=payload.start,
            end=payload.end,
            method=payload.method,
            payroll_ore=payload.payroll_ore,
            rate=rate,
            fixed_amount_ore=payload.fixed_amount_ore,
            previous=previous,
            carry_over=payload.carry_over,
        )
    except DomainError as exc:
        exc.field = {"previous": "previous_id", "rate": "rate_id"}.get(exc.field or "", exc.field)
        raise
    return Status(201, _out(actor, period))


def _out(actor, period: FundPeriod) -> FundPeriodOut:
    threshold = unused_warning_percent_for(organisation=actor.organisation)
    return _period_out(period, fund_balance(period=period), threshold)


@router.get("/{period_id}", response=FundPeriodOut, summary="Read a fund period")
def get_fund_period(request, period_id: Id) -> FundPeriodOut:
    actor = _actor_with(request, FUND_READERS)
    period = _period(actor, period_id)
    return _out(actor, period)


@router.post(
    "/{period_id}/close",
    response={200: FundPeriodClosingOut, 400: ErrorOut, 409: ErrorOut},
    summary="Close a fund period and book its carry-over",
)
def close_fund_period(request, period_id: Id) -> FundPeriodClosingOut:
    """No new approvals against the period afterwards. What is left is carried over into the
    successor set up with carry-over, when the agreement allows it; money released in the
    period later follows it. 409 when the period is already closed."""
    actor = _actor_with(request, FUND_KEEPERS)
    closing = services.fund_period_close(actor=actor.user, period=_period(actor, period_id))
    return FundPeriodClosingOut(
        period=_out(actor, closing.period),
        carried_ore=closing.carried_ore,
        carried_to_id=closing.carried_to.pk if closing.carried_to else None,
        note=closing.note,
    )


@router.post(
    "/{period_id}/reopen",
    response={200: FundPeriodOut, 400: ErrorOut, 409: ErrorOut},
    summary="Reopen an ended or closed fund period for a reason",
)
def reopen_fund_period(request, period_id: Id, payload: FundPeriodReopenIn) -> FundPeriodOut:
    """Approvals are accepted again until the period is closed. A booked carry-over is booked
    back; 409 when the successor has already used it, is closed, or the period is open."""
    actor = _actor_with(request, FUND_KEEPERS)
    period = services.fund_period_reopen(
        actor=actor.user, period=_period(actor, period_id), reason=payload.reason
    )
    return _out(actor, period)


@router.get("/{period_id}/ledger", response=LedgerPageOut, summary="The ledger of a fund period")
def get_ledger(
    request,
    response: HttpResponse,
    period_id: Id,
    kind: EntryKind | None = None,
    cursor: Cursor | None = None,
    limit: Limit = DEFAULT_LIMIT,
    before_id: Id | None = BEFORE_ID,
) -> LedgerPageOut:
    """Newest first; `kind` limits it to one kind of entry."""
    actor = _actor_with(request, FUND_READERS)
    period = _period(actor, period_id)
    if before_id is not None:
        rows, next_id = ledger_page(period=period, before_id=before_id, kind=kind or "")
        deprecate(
            response,
            since=BEFORE_ID_DEPRECATED_SINCE,
            successor=f"/api/v1/fund-periods/{period.pk}/ledger?cursor=",
        )
        nxt = None
    else:
        qs = ledger_entries(period=period, kind=kind or "")
        rows, nxt = keyset_page(qs, cursor=cursor, limit=limit)
        next_id = rows[-1].id if nxt is not None else None
    return LedgerPageOut(
        items=[
            LedgerEntryOut(
                id=e.id,
                kind=e.kind,
                amount_ore=e.amount_ore,
                case_id=e.case_id,
                case_number=e.case.number if e.case else None,
                memo=e.memo_shown,
                memo_code=e.memo_code,
                memo_params=e.memo_params,
                created_at=e.created_at,
            )
            for e in rows
        ],
        next_cursor=nxt,
        next_before_id=next_id,
    )
