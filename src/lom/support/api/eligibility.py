"""Eligibility for individual support in the API: the thresholds per year, the employee's own
check, the coordinator's recorded checks, and importing employment data. The same selectors
and services as the pages."""

from datetime import date
from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import File, Router, Status
from ninja.files import UploadedFile

from lom.common.errors import DomainError
from lom.common.pagination import keyset_page
from lom.common.schemas import (
    DEFAULT_LIMIT,
    Cursor,
    ErrorOut,
    FieldErrorOut,
    Id,
    Limit,
    Page,
)
from lom.common.validation import require as _require
from lom.organisations.access import Actor
from lom.organisations.models import Employee
from lom.support import selectors, services
from lom.support.api.schemas import (
    REFUSALS,
    CheckDetailOut,
    CheckIn,
    CheckOut,
    EmploymentMonthOut,
    MonthIn,
    RecordedCheckOut,
    RuleIn,
    RuleOut,
    SelfCheckIn,
    SelfCheckOut,
    SupportImportedOut,
    Year,
)
from lom.support.eligibility import MonthRecord
from lom.support.imports import read_upload
from lom.support.models import EligibilityCheck
from lom.support.permissions import can_check_employees, can_read_checks, can_self_check

router = Router(tags=["support"])


@router.get(
    "/eligibility/rules",
    response=Page[RuleOut],
    summary="List the thresholds of the basic condition per year, the latest first",
)
def list_rules(request, cursor: Cursor | None = None, limit: Limit = DEFAULT_LIMIT):
    rows, nxt = keyset_page(selectors.rules_all(), cursor=cursor, limit=limit, order=("-year",))
    return Page[RuleOut](items=[RuleOut.from_orm(r) for r in rows], next_cursor=nxt)


@router.put(
    "/eligibility/rules/{year}",
    response={200: RuleOut, **REFUSALS},
    summary="Set the thresholds of the basic condition of a year",
)
def save_rule(request, year: Year, payload: RuleIn):
    rule = services.rule_save(actor=request.api_actor, year=year, **payload.dict())
    return RuleOut.from_orm(rule)


@router.post(
    "/eligibility/self-check",
    response={200: SelfCheckOut, **REFUSALS},
    summary="The employee's own check on months they send (nothing is stored)",
)
def self_check(request, payload: SelfCheckIn):
    actor = request.api_actor
    _require(can_self_check(actor))
    records = month_records(payload.months)
    try:
        result = selectors.self_check(actor=actor, as_of=payload.as_of, records=records)
    except ValueError as exc:
        raise DomainError(_("Samma månad finns två gånger i tabellen."), field="months") from exc
    return {**result.as_json(), "stored": False}


def month_records(months: list[MonthIn]) -> list[MonthRecord]:
    """The months sent to the API as the records the eligibility check takes."""
    records = []
    for m in months:
        year, month = (int(x) for x in m.month.split("-"))
        if not (1 <= month <= 12 and 1900 <= year <= 2200):
            raise DomainError(_("Ange månaden som ÅÅÅÅ-MM."), field="months")
        records.append(
            MonthRecord(
                month=date(year, month, 1),
                hours_per_week=m.hours_per_week,
                income_ore=m.income_ore,
            )
        )
    return records


def _employee(actor: Actor, employee_id: int) -> Employee:
    employee = selectors.employee_get(organisation=actor.organisation, pk=employee_id)
    if employee is None:
        raise Http404
    return employee


@router.get(
    "/employees/{employee_id}/employment-months",
    response=Page[EmploymentMonthOut],
    summary="The employment months of an employee, the latest first",
)
def employment_months(
    request, employee_id: Id, cursor: Cursor | None = None, limit: Limit = DEFAULT_LIMIT
):
    actor = request.api_actor
    _require(can_check_employees(actor))
    employee = _employee(actor, employee_id)
    qs = selectors.employment_months(organisation=actor.organisation, employee=employee)
    rows, nxt = keyset_page(qs, cursor=cursor, limit=limit, order=("-month", "-id"))
    return Page[EmploymentMonthOut](
        items=[
            EmploymentMonthOut(
                month=m.month.strftime("%Y-%m"),
                hours_per_week=m.hours_per_week,
                income_ore=m.income_ore,
            )
            for m in rows
        ],
        next_cursor=nxt,
    )


@router.post(
    "/employees/{employee_id}/eligibility-checks",
    response={201: RecordedCheckOut, **REFUSALS},
    summary="Check an employee from the employment data; the check is recorded",
)
def record_check(request, employee_id: Id, payload: CheckIn):
    actor = request.api_actor
    _require(can_check_employees(actor))
    employee = _employee(actor, employee_id)
    check, result = services.eligibility_check_record(
        actor=actor, employee=employee, as_of=payload.as_of
    )
    return Status(201, {"id": check.pk, **result.as_json()})


@router.post(
    "/eligibility/imports",
    response={200: SupportImportedOut, **REFUSALS},
    summary="Import employment months from a CSV or XLSX file (all rows or none)",
)
def import_employment(request, file: File[UploadedFile]):
    """A file with refused rows imports nothing: the 400 lists each row in `errors`."""
    actor = request.api_actor
    result = services.employment_import(actor=actor, rows=read_upload(file))
    if not result.imported:
        rows = [
            FieldErrorOut(field=f"file.row{e.number}", detail=str(e.message), code="row")
            for e in result.errors
        ]
        body = ErrorOut(
            detail=_("Ingenting lästes in: %(n)d rader behöver rättas.") % {"n": len(rows)},
            field="file",
            code="rows",
            errors=rows,
        )
        return Status(400, body)
    return {"created": result.created, "updated": result.updated}


def _check_out(c: EligibilityCheck) -> dict[str, Any]:
    return {
        "id": c.pk,
        "employee_id": c.employee_id,
        "checked_by": c.checked_by.get_full_name() or c.checked_by.username,
        "checked_at": c.checked_at,
        "as_of": c.as_of,
        "rule_year": c.rule_year,
        "eligible": c.eligible,
        "counted_months": c.counted_months,
        "months_required": c.months_required,
    }


@router.get(
    "/eligibility-checks",
    response=Page[CheckOut],
    summary="List the recorded eligibility checks, the latest first",
)
def list_checks(
    request,
    employee_id: Id | None = None,
    cursor: Cursor | None = None,
    limit: Limit = DEFAULT_LIMIT,
):
    actor = request.api_actor
    _require(can_read_checks(actor))
    employee = _employee(actor, employee_id) if employee_id is not None else None
    qs = selectors.checks_for_org(organisation=actor.organisation, employee=employee)
    rows, nxt = keyset_page(qs, cursor=cursor, limit=limit)
    return Page[CheckOut](items=[CheckOut(**_check_out(c)) for c in rows], next_cursor=nxt)


@router.get(
    "/eligibility-checks/{check_id}",
    response=CheckDetailOut,
    summary="Read a recorded check with its reasoning month by month",
)
def get_check(request, check_id: Id):
    actor = request.api_actor
    _require(can_read_checks(actor))
    check = selectors.check_get(organisation=actor.organisation, pk=check_id)
    if check is None:
        raise Http404
    return {**_check_out(check), "reasoning": check.reasoning}
