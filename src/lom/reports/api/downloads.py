"""Exports of lists (cases, a period's ledger, decisions) and the plan against its outcome:
the same files as the pages give (texts that a spreadsheet would run as a formula are
neutralised by the one writer, lom.common.files)."""

from typing import Literal

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Query, Router

from lom.accounts.api_reauth import ensure_recent_auth
from lom.cases.selectors import CaseFilter
from lom.common.errors import PermissionDeniedError
from lom.common.schemas import ErrorOut, Id
from lom.funds.models import EntryKind
from lom.funds.selectors import fund_period_get
from lom.organisations.access import Actor
from lom.planning.models import TransitionPlan
from lom.planning.permissions import PLAN_PARTIES
from lom.planning.selectors import plan_get
from lom.reports import exports
from lom.reports.api.annual import CSV, XLSX, binary
from lom.reports.api.figures import decision_filter, reader
from lom.reports.api.schemas import CaseFilterIn, DecisionFilterIn, PlanActualOut
from lom.reports.permissions import LEDGER_READERS
from lom.reports.plan_actual import plan_actual_json, plan_actual_xlsx_response, plan_vs_actual

router = Router(tags=["reports"])

Fmt = Literal["csv", "xlsx"]


def _cases(request, params: CaseFilterIn, fmt: Fmt):
    ensure_recent_auth(request)
    actor = request.api_actor
    filters = CaseFilter(
        status=params.status, unit_id=params.unit_id, q=params.q, mine_only=params.mine
    )
    return exports.export_response(exports.cases_export(actor=actor, filters=filters), fmt)


CASES_DOC = "The cases the caller may see (filters as the case list)."


@router.get(
    "/exports/cases.csv", summary="The case list as CSV", openapi_extra=binary(CSV, CASES_DOC)
)
def cases_csv(request, params: Query[CaseFilterIn]):
    return _cases(request, params, "csv")


@router.get(
    "/exports/cases.xlsx", summary="The case list as Excel", openapi_extra=binary(XLSX, CASES_DOC)
)
def cases_xlsx(request, params: Query[CaseFilterIn]):
    return _cases(request, params, "xlsx")


def _ledger(request, period_id: int, kind: str, fmt: Fmt):
    actor: Actor = request.api_actor
    if not actor.has(*LEDGER_READERS):
        raise PermissionDeniedError(_("Din roll får inte läsa huvudboken."))
    period = fund_period_get(organisation=actor.organisation, pk=period_id)
    if period is None:
        raise Http404
    return exports.export_response(exports.ledger_export(period=period, kind=kind), fmt)


LEDGER_DOC = "The period's ledger entries, oldest first (`kind` filters as the ledger page)."


@router.get(
    "/exports/ledger/{period_id}.csv",
    summary="A fund period's ledger as CSV",
    openapi_extra=binary(CSV, LEDGER_DOC),
)
def ledger_csv(request, period_id: Id, kind: EntryKind | Literal[""] = ""):
    return _ledger(request, period_id, kind, "csv")


@router.get(
    "/exports/ledger/{period_id}.xlsx",
    summary="A fund period's ledger as Excel",
    openapi_extra=binary(XLSX, LEDGER_DOC),
)
def ledger_xlsx(request, period_id: Id, kind: EntryKind | Literal[""] = ""):
    return _ledger(request, period_id, kind, "xlsx")


def _decisions(request, params: DecisionFilterIn, fmt: Fmt):
    ensure_recent_auth(request)
    actor = reader(request)
    filters = decision_filter(params)
    return exports.export_response(exports.decisions_export(actor=actor, filters=filters), fmt)


DECISIONS_DOC = "The decisions of the cases the caller may see (filters as the report)."


@router.get(
    "/exports/decisions.csv",
    summary="The decisions as CSV",
    openapi_extra=binary(CSV, DECISIONS_DOC),
)
def decisions_csv(request, params: Query[DecisionFilterIn]):
    return _decisions(request, params, "csv")


@router.get(
    "/exports/decisions.xlsx",
    summary="The decisions as Excel",
    openapi_extra=binary(XLSX, DECISIONS_DOC),
)
def decisions_xlsx(request, params: Query[DecisionFilterIn]):
    return _decisions(request, params, "xlsx")


def _plan(request, plan_id: int) -> TransitionPlan:
    actor: Actor = request.api_actor
    if not actor.has(*PLAN_PARTIES):
        raise PermissionDeniedError(_("Din roll får inte läsa planen."))
    plan = plan_get(actor=actor, pk=plan_id)
    if plan is None:
        raise Http404
    return plan


@router.get(
    "/plans/{plan_id}/actual",
    response={200: PlanActualOut, 403: ErrorOut, 404: ErrorOut},
    summary="A transition plan against its outcome, per area of measures",
)
def plan_actual(request, plan_id: Id):
    return plan_actual_json(plan_vs_actual(plan=_plan(request, plan_id)))


@router.get(
    "/plans/{plan_id}/actual.xlsx",
    summary="A transition plan against its outcome as Excel",
    openapi_extra=binary(XLSX, "The workbook, with every application of the plan period."),
)
def plan_actual_xlsx(request, plan_id: Id):
    return plan_actual_xlsx_response(_plan(request, plan_id))
