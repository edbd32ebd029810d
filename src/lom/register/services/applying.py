"""Writing a plan to the register, inside the caller's transaction: set-based (bulk inserts
and updates in batches, a fixed number of queries per kind), never a query per row.

Order: units (so employees have them), employees, the units' parents and managers, the unit
paths (and the copies cases keep), leavers and those coming back, the register's manager roles,
monthly employment rows, payroll per year."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from decimal import Decimal
from typing import Any, TypeVar

import psycopg
from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection
from django.urls import reverse
from django.utils.translation import gettext

from lom.accounts.models import User
from lom.cases.models import Case
from lom.cases.models import Status as CaseStatus
from lom.cases.workflow import FUNDED_STATES, OPEN_STATES
from lom.common.errors import DomainError
from lom.funds.models import AnnualPayroll
from lom.mail.notify import notify
from lom.organisations.models import Employee, Membership, Organisation, Role, Unit
from lom.organisations.services import unit_paths_recompute
from lom.register.messages import REGISTER_LEFT_WITH_OPEN_CASE
from lom.register.services.plan import Plan
from lom.support.models import EmploymentMonth

BATCH = 1_000
# bulk_update writes CASE WHEN pk = … per row: its cost grows with the batch squared.
UPDATE_BATCH = 200
REGISTER_SOURCE = "register"
# A leaver's cases the coordinators should hear about: submitted, under way or funded and
# not yet completed.
FLAGGED_STATES = (OPEN_STATES | FUNDED_STATES) - {CaseStatus.COMPLETED}

T = TypeVar("T")


def chunks(items: Iterable[T], size: int = BATCH) -> Iterator[list[T]]:  # pure: batches of a list
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _unit_pks(org: Organisation) -> dict[str, int]:
    out: dict[str, int] = {}
    for pk, code in Unit.objects.filter(organisation=org).order_by("pk").values_list("pk", "code"):
        if code:
            out.setdefault(code, pk)
    return out


def _employee_pks(org: Organisation) -> dict[str, int]:
    out: dict[str, int] = {}
    rows = Employee.objects.filter(organisation=org).exclude(employee_number="")
    for pk, number in rows.order_by("-active", "pk").values_list("pk", "employee_number"):
        out.setdefault(number, pk)
    return out


def _write_units(org: Organisation, plan: Plan) -> None:
    new = [
        Unit(organisation=org, code=code, name=values["name"])
        for code, (pk, values) in plan.unit_writes.items()
        if pk is None
    ]
    Unit.objects.bulk_create(new, batch_size=BATCH)


def _link_units(org: Organisation, plan: Plan, units: dict[str, int], people: dict[str, int]):
    """Name, parent and manager of every new or changed unit (after the employees exist)."""
    rows, fields = [], {"name"}
    for code, (_pk, values) in plan.unit_writes.items():
        unit = Unit(pk=units[code], name=values["name"])
        if "parent_code" in values:
            fields.add("parent")
            unit.parent_id = units.get(values["parent_code"]) if values["parent_code"] else None
        if "manager_number" in values:
            fields.add("manager")
            number = values["manager_number"]
            unit.manager_id = people.get(number) if number else None
        rows.append(unit)
    Unit.objects.bulk_update(rows, sorted(fields), batch_size=UPDATE_BATCH)


def _repath(org: Organisation) -> int:
    """Every unit's path from its parents (moved subtrees included), in bulk; the paths cases
    copy follow. Returns the number of units whose path changed."""
    return len(unit_paths_recompute(organisation=org))


def _write_employees(org: Organisation, plan: Plan, units: dict[str, int]) -> None:
    new, changed, fields = [], [], {"unit"}
    for number, (pk, model, unit_code) in plan.employee_writes.items():
        if pk is None:
            unit_id = units[unit_code]
            new.append(
                Employee(organisation_id=org.pk, employee_number=number, unit_id=unit_id, **model)
            )
        else:
            fields |= set(model)
            changed.append(Employee(pk=pk, unit_id=units[unit_code], **model))
    Employee.objects.bulk_create(new, batch_size=BATCH)
    Employee.objects.bulk_update(changed, sorted(fields), batch_size=UPDATE_BATCH)


def _user_ids(employee_pks: list[int]) -> list[int]:
    out: list[int] = []
    for batch in chunks(employee_pks):
        out += Employee.objects.filter(pk__in=batch, user__isnull=False).values_list(
            "user_id", flat=True
        )
    return out


def _leave_and_return(org: Organisation, plan: Plan, now: datetime) -> dict[str, int]:
    user_model = get_user_model()
    for batch in chunks(plan.returning):
        Employee.objects.filter(pk__in=batch).update(active=True, left_at=None)
    back = _user_ids(plan.returning)
    for batch in chunks(back):
        user_model.objects.filter(pk__in=batch, is_active=False).update(is_active=True)
    for batch in chunks(plan.leaving):
        Employee.objects.filter(pk__in=batch).update(active=False, left_at=now)
    gone = _user_ids(plan.leaving)
    for batch in chunks(gone):
        # The session backend refuses an inactive user, and API tokens belong to the user.
        user_model.objects.filter(pk__in=batch).update(is_active=False)
    flagged = _flag_open_cases(org, plan.leaving)
    return {"users_deactivated": len(gone), "users_reactivated": len(back), "cases": flagged}


def _flag_open_cases(org: Organisation, leaving: list[int]) -> int:
    """One notification per open case of a leaver, to the organisation's coordinators."""
    if not leaving:
        return 0
    coordinators = list(
        get_user_model()
        .objects.filter(
            memberships__organisation=org,
            memberships__role=Role.COORDINATOR,
            is_active=True,
        )
        .distinct()
    )
    cases = []
    for batch in chunks(leaving):
        cases += list(
            Case.objects.filter(
                organisation=org, applicant_id__in=batch, status__in=FLAGGED_STATES
            ).select_related("applicant")
        )
    for case in cases:
        assert case.applicant is not None  # filtered on the applicant
        notify(
            users=coordinators,
            organisation_id=org.pk,
            kind="register",
            text=REGISTER_LEFT_WITH_OPEN_CASE,
            params={"name": case.applicant.full_name, "case": case.display_number},
            case_id=case.pk,
            reference=case.number,
            url=reverse("cases:detail", args=[case.pk]),
        )
    return len(cases)


def sync_manager_roles(*, organisation: Organisation) -> dict[str, int]:  # step: inside the apply
    """The register's manager roles: the user of each unit's (active) manager holds the manager
    role for that unit (source "register"); register-given roles that no longer match go.
    Roles given by hand or by the identity provider are never touched. Inside the caller's
    transaction."""
    wanted = set(
        Unit.objects.filter(
            organisation=organisation,
            manager__active=True,
            manager__user__isnull=False,
            manager__user__is_active=True,
        ).values_list("manager__user_id", "pk")
    )
    ours = {
        (user, unit): pk
        for pk, user, unit in Membership.objects.filter(
            organisation=organisation, role=Role.MANAGER, source=REGISTER_SOURCE
        ).values_list("pk", "user_id", "unit_id")
    }
    others = set(
        Membership.objects.filter(organisation=organisation, role=Role.MANAGER)
        .exclude(source=REGISTER_SOURCE)
        .values_list("user_id", "unit_id")
    )
    stale = [pk for key, pk in ours.items() if key not in wanted]
    for batch in chunks(stale):
        Membership.objects.filter(pk__in=batch).delete()
    new = [
        Membership(
            organisation=organisation,
            user_id=user,
            unit_id=unit,
            role=Role.MANAGER,
            source=REGISTER_SOURCE,
        )
        for user, unit in sorted(wanted - set(ours) - others)
    ]
    Membership.objects.bulk_create(new, batch_size=BATCH)
    return {"manager_roles_added": len(new), "manager_roles_removed": len(stale)}


MONTH_COLUMNS = (
    "organisation",
    "employee",
    "month",
    "hours_per_week",
    "income_ore",
    "imported_by",
    "imported_at",
)


def _upsert_months_sql(source: str) -> str:
    """INSERT … VALUES (…), (…) … ON CONFLICT (employee, month) DO UPDATE: one statement for
    many rows, the same text on PostgreSQL and SQLite, without a model instance per row (the
    ORM's per-object work dominated the apply at 25 000 employees)."""
    meta, q = EmploymentMonth._meta, connection.ops.quote_name
    column = {f.name: str(f.column) for f in meta.concrete_fields}
    cols = [column[name] for name in MONTH_COLUMNS]
    return (
        f"INSERT INTO {q(meta.db_table)} ({', '.join(q(c) for c in cols)}) "
        f"{source} "
        f"ON CONFLICT ({q(cols[1])}, {q(cols[2])}) DO UPDATE SET "
        + ", ".join(f"{q(c)} = excluded.{q(c)}" for c in cols[3:])
    )


def _copy_new_months(cursor, org: Organisation, plan: Plan, people, by, now) -> None:
    """The months the register does not have yet, streamed with COPY (PostgreSQL): a fraction
    of an INSERT's time at 300 000 rows. Another writer adding the same month since the plan
    was read makes the apply stop with the stale-preview message (nothing is written)."""
    meta, q = EmploymentMonth._meta, connection.ops.quote_name
    column = {f.name: str(f.column) for f in meta.concrete_fields}
    cols = ", ".join(q(column[name]) for name in MONTH_COLUMNS)
    try:
        with cursor.cursor.copy(f"COPY {q(meta.db_table)} ({cols}) FROM STDIN") as copy:
            for (number, month), (pk, hours, income) in plan.month_writes.items():
                if pk is None:
                    copy.write_row((org.pk, people[number], month, Decimal(hours), income, by, now))
    except (IntegrityError, psycopg.IntegrityError) as exc:
        raise DomainError(
            gettext("Registret har ändrats sedan förhandsgranskningen. Granska igen."),
            code="stale",
        ) from exc


def _write_months(org: Organisation, plan: Plan, people: dict[str, int], actor, now) -> None:
    """New and changed months upserted by (employee, month), many rows per statement."""
    ops = connection.ops
    at = ops.adapt_datetimefield_value(now)
    by = actor.pk if actor is not None else None
    rows = (
        (
            org.pk,
            people[number],
            ops.adapt_datefield_value(month),
            ops.adapt_decimalfield_value(Decimal(hours), 4, 1),
            income,
            by,
            at,
        )
        for (number, month), (_pk, hours, income) in plan.month_writes.items()
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            _copy_new_months(cursor, org, plan, people, by, now)
            changed = (
                (org.pk, people[number], month, Decimal(hours), income, by, now)
                for (number, month), (pk, hours, income) in plan.month_writes.items()
                if pk is not None
            )
            # One array per column (unnest): seven parameters for 20 000 rows.
            sql = _upsert_months_sql(
                "SELECT * FROM unnest(%s::int[], %s::int[], %s::date[], %s::numeric[], "
                "%s::bigint[], %s::int[], %s::timestamptz[])"
            )
            for part in chunks(changed, 20_000):
                cursor.execute(sql, [list(col) for col in zip(*part, strict=True)])
            return
        limit = connection.features.max_query_params
        size = min(2_000, limit // len(MONTH_COLUMNS)) if limit else 2_000
        one = f"({', '.join(['%s'] * len(MONTH_COLUMNS))})"
        for batch in chunks(rows, size):
            sql = _upsert_months_sql("VALUES " + ", ".join([one] * len(batch)))
            cursor.execute(sql, [v for row in batch for v in row])


def _write_payroll(org: Organisation, plan: Plan) -> None:
    rows = [
        AnnualPayroll(organisation=org, year=year, payroll_ore=ore)
        for year, (_pk, ore) in plan.payroll_writes.items()
    ]
    AnnualPayroll.objects.bulk_create(
        rows,
        batch_size=BATCH,
        update_conflicts=True,
        unique_fields=["organisation", "year"],
        update_fields=["payroll_ore", "updated_at"],
    )


def apply_plan(
    *, organisation: Organisation, plan: Plan, actor: User | None, now: datetime
) -> dict[str, Any]:  # step: inside the apply
    """Write the plan (inside the caller's transaction). Returns what else changed (roles,
    users, paths, flagged cases) for the audit trail."""
    _write_units(organisation, plan)
    units = _unit_pks(organisation)
    _write_employees(organisation, plan, units)
    people = _employee_pks(organisation)
    if plan.unit_writes:
        _link_units(organisation, plan, units, people)
    moved = _repath(organisation) if plan.unit_writes else 0
    extra = _leave_and_return(organisation, plan, now)
    extra |= sync_manager_roles(organisation=organisation)
    if plan.month_writes:
        _write_months(organisation, plan, people, actor, now)
    if plan.payroll_writes:
        _write_payroll(organisation, plan)
    return extra | {"units_moved": moved}
