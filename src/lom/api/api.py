"""JSON API v1. Thin: parse, call the same selectors and services as the HTML views."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Literal

from django.http import Http404
from django.utils import timezone
from ninja import Query, Status
from ninja.errors import HttpError

from lom.agreements.models import LocalAgreement
from lom.agreements.selectors import agreements_for_org
from lom.api.auth import SessionAuth, TokenAuth
from lom.api.contract import LomAPI, install_error_handlers
from lom.api.schemas import (
    AgreementOut,
    BalanceOut,
    CaseIn,
    CaseListOut,
    CaseOut,
    CasePageOut,
    CostLineOut,
    FundPeriodOut,
    Id,
    LedgerEntryOut,
    LedgerPageOut,
    TransitionIn,
)
from lom.api.throttling import AnonThrottle, UserThrottle
from lom.cases import services
from lom.cases.models import Case
from lom.cases.models import Status as CaseStatus
from lom.cases.permissions import can_see_private_reason, can_take
from lom.cases.reads import record_private_reason_read
from lom.cases.selectors import CaseFilter, case_get_for_actor, case_list
from lom.cases.workflow import TRANSITIONS
from lom.common.errors import DomainError, PermissionDeniedError
from lom.common.models import ReadLog
from lom.common.schemas import ErrorOut
from lom.events.api import router as events_router
from lom.fundmode.api import router as fundmode_router
from lom.funds.models import FundPeriod
from lom.funds.selectors import (
    Balance,
    balances_for_periods,
    fund_balance,
    fund_forecast,
    fund_period_get,
    fund_periods_for_org,
    ledger_page,
)
from lom.identity.api import router as identity_router
from lom.library.api import router as library_router
from lom.mail.api import router as mail_router
from lom.outreach.api import router as outreach_router
from lom.privacy.api import router as privacy_router
from lom.register.api import router as register_router
from lom.reports.api import router as reports_router
from lom.sector.api import router as sector_router
from lom.support.api import router as support_router

api = LomAPI(
    title="LOM API",
    version="1",
    urls_namespace="api",
    auth=[TokenAuth(), SessionAuth()],
    description="Local transition funds: applications, agreements, fund periods and ledger.",
    throttle=[AnonThrottle(), UserThrottle()],
)
install_error_handlers(api)
api.add_router("/reports", reports_router)
api.add_router("/fund", fundmode_router)
api.add_router("/support", support_router)
api.add_router("/library", library_router)
api.add_router("/benchmark", sector_router)
api.add_router("/events", events_router)
api.add_router("/outreach", outreach_router)
api.add_router("/identity", identity_router)
api.add_router("/register", register_router)
api.add_router("/privacy", privacy_router)
api.add_router("/mail", mail_router)


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


@contextmanager
def _named_as_in_api() -> Iterator[None]:
    """A refused input names the field as the client sent it."""
    try:
        yield
    except DomainError as exc:
        exc.field = API_FIELD_NAMES.get(exc.field or "", exc.field)
        raise


def _actor(request):
    return request.api_actor


def _case_out(actor, case: Case) -> CaseOut:
    show_private = can_see_private_reason(actor, case)
    if show_private:
        record_private_reason_read(actor=actor, case=case, channel=ReadLog.Channel.API)
    computed = {
        "private_reason": case.private_reason if show_private else None,
        "measure_type_ids": [m.pk for m in case.measure_types.all()],
        "cost_lines": [CostLineOut.model_validate(line) for line in case.cost_lines.all()],
        "allowed_transitions": [n for n in TRANSITIONS if can_take(actor, case, n)],
    }
    plain = {f: getattr(case, f) for f in CaseOut.model_fields if f not in computed}
    return CaseOut.model_validate(plain | computed)


@api.get("/cases", response=CasePageOut, tags=["cases"])
def list_cases(
    request,
    status: CaseStatus | Literal[""] = "",
    unit_id: Id | None = None,
    q: str = Query("", max_length=100),
    page: int = Query(1, ge=1, le=10000),
    mine: bool = False,
) -> CasePageOut:
    actor = _actor(request)
    rows, has_next = case_list(
        actor=actor,
        page=page,
        filters=CaseFilter(status=status, unit_id=unit_id, q=q, mine_only=mine),
    )
    return CasePageOut(
        items=[CaseListOut.model_validate(row) for row in rows], page=page, has_next=has_next
    )


@api.post("/cases", response={201: CaseOut, 400: ErrorOut, 403: ErrorOut}, tags=["cases"])
def create_case(request, payload: CaseIn) -> Status:
    actor = _actor(request)
    data = payload.dict()
    lines = [services.CostLineInput(**li) for li in data.pop("cost_lines")]
    with _named_as_in_api():
        case = services.case_create(actor=actor, data=services.CaseInput(**data), cost_lines=lines)
    case.refresh_from_db()
    return Status(201, _case_out(actor, case))


@api.get("/cases/{case_id}", response={200: CaseOut, 404: ErrorOut}, tags=["cases"])
def get_case(request, case_id: Id) -> CaseOut:
    actor = _actor(request)
    return _case_out(actor, case_get_for_actor(actor=actor, pk=case_id))


@api.post(
    "/cases/{case_id}/transitions",
    response={200: CaseOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    tags=["cases"],
)
def transition_case(request, case_id: Id, payload: TransitionIn) -> CaseOut:
    actor = _actor(request)
    case = case_get_for_actor(actor=actor, pk=case_id)
    if payload.name not in TRANSITIONS:
        raise HttpError(400, f"Unknown transition {payload.name!r}.")
    period = None
    if payload.period_id is not None:
        period = fund_period_get(organisation=actor.organisation, pk=payload.period_id)
        if period is None:
            raise Http404
    with _named_as_in_api():
        case = services.case_transition(
            actor=actor,
            case=case,
            name=payload.name,
            reason=payload.reason,
            amount_ore=payload.amount_ore,
            period=period,
        )
    return _case_out(actor, case)


def _agreement_out(a: LocalAgreement) -> AgreementOut:
    computed = {
        "application_kinds": [str(k) for k in a.application_kinds()],
        "union_ids": [u.pk for u in a.unions.all()],
        "measure_type_ids": [m.pk for m in a.measure_types.all()],
    }
    plain = {f: getattr(a, f) for f in AgreementOut.model_fields if f not in computed}
    return AgreementOut.model_validate(plain | computed)


@api.get("/agreements", response=list[AgreementOut], tags=["agreements"])
def list_agreements(request) -> list[AgreementOut]:
    return [
        _agreement_out(a) for a in agreements_for_org(organisation=_actor(request).organisation)
    ]


@api.get(
    "/agreements/{agreement_id}", response={200: AgreementOut, 404: ErrorOut}, tags=["agreements"]
)
def get_agreement(request, agreement_id: Id) -> AgreementOut:
    a = (
        agreements_for_org(organisation=_actor(request).organisation)
        .filter(pk=agreement_id)
        .first()
    )
    if a is None:
        raise Http404
    return _agreement_out(a)


FUND_READERS = ("coordinator", "decision_maker", "auditor", "org_admin", "union_rep")


def _fund_reader(request):
    actor = _actor(request)
    if not actor.has(*FUND_READERS):
        raise PermissionDeniedError("Your role may not read the fund ledger.")
    return actor


def _period_out(period: FundPeriod, balance: Balance) -> FundPeriodOut:
    forecast = fund_forecast(period=period, balance=balance, today=timezone.localdate())
    return FundPeriodOut(
        id=period.pk,
        name=period.name,
        start=period.start,
        end=period.end,
        method=period.method,
        balance=BalanceOut(
            allocated_ore=balance.allocated,
            carried_over_ore=balance.carried_over,
            committed_ore=balance.committed,
            spent_ore=balance.spent,
            remaining_ore=balance.remaining,
            projected_unused_ore=forecast.projected_unused,
        ),
    )


@api.get("/fund-periods", response={200: list[FundPeriodOut], 403: ErrorOut}, tags=["funds"])
def list_fund_periods(request) -> list[FundPeriodOut]:
    actor = _fund_reader(request)
    periods = list(fund_periods_for_org(organisation=actor.organisation)[:50])
    balances = balances_for_periods(periods=periods)
    return [_period_out(p, balances[p.pk]) for p in periods]


@api.get(
    "/fund-periods/{period_id}",
    response={200: FundPeriodOut, 403: ErrorOut, 404: ErrorOut},
    tags=["funds"],
)
def get_fund_period(request, period_id: Id) -> FundPeriodOut:
    actor = _fund_reader(request)
    period = fund_period_get(organisation=actor.organisation, pk=period_id)
    if period is None:
        raise Http404
    return _period_out(period, fund_balance(period=period))


@api.get(
    "/fund-periods/{period_id}/ledger",
    response={200: LedgerPageOut, 403: ErrorOut, 404: ErrorOut},
    tags=["funds"],
)
def get_ledger(request, period_id: Id, before_id: Id | None = None) -> LedgerPageOut:
    actor = _fund_reader(request)
    period = fund_period_get(organisation=actor.organisation, pk=period_id)
    if period is None:
        raise Http404
    rows, next_id = ledger_page(period=period, before_id=before_id)
    return LedgerPageOut(
        items=[
            LedgerEntryOut(
                id=e.id,
                kind=e.kind,
                amount_ore=e.amount_ore,
                case_id=e.case_id,
                case_number=e.case.number if e.case else None,
                memo=e.memo,
                created_at=e.created_at,
            )
            for e in rows
        ],
        next_before_id=next_id,
    )
