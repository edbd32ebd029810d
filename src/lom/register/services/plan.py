"""The files of a run compared with the register as it is now: what is new, what changes
(each field before -> after), who leaves, what stays, and the errors only the files together and
the register can show (duplicates, a unit under itself, a parent, unit or manager nowhere).

A few set-based reads of the register; no query per row. The same plan is built for the
preview and again inside the apply's transaction (so a stale preview is noticed)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from lom.funds.models import AnnualPayroll
from lom.organisations.models import Employee, Organisation, Unit
from lom.register.services.reading import STORED_MAX, FileRows, Issues
from lom.support.models import EmploymentMonth

# Register fields of an employee as the file names them (file key -> model field).
EMPLOYEE_FIELDS = {
    "first_name": "first_name",
    "last_name": "last_name",
    "email": "email",
    "ssyk": "ssyk",
    "occupation": "occupational_group",
    "employment_start": "employment_start",
    "employment_end": "employment_end",
    "employment_rate": "employment_rate",
    "birth_year": "birth_year",
    "gender": "gender",
    "employment_form": "employment_form",
}
EMPTY = {"email": "", "ssyk": "", "occupation": "", "employment_form": "permanent"}
UNIT_FIELDS = ("name", "parent_code", "manager_number")
COUNT_KEYS = ("new", "changed", "leaving", "unchanged")


def jsonable(value: Any) -> Any:  # pure: a value for JSON
    if isinstance(value, date):
        return value.isoformat()
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)


@dataclass
class Plan:
    counts: dict[str, dict[str, Any]] = field(default_factory=dict)
    changes: list[dict[str, Any]] = field(default_factory=list)
    # Units: code -> (register pk or None, {field: value}) for the new and changed ones.
    unit_writes: dict[str, tuple[int | None, dict[str, Any]]] = field(default_factory=dict)
    # Employees: number -> (register pk or None, {model field: value}, unit code), every
    # mapped field (one file maps the same fields for everyone).
    employee_writes: dict[str, tuple[int | None, dict[str, Any], str]] = field(default_factory=dict)
    leaving: list[int] = field(default_factory=list)  # employee pks
    returning: list[int] = field(default_factory=list)
    # (number, month) -> (EmploymentMonth pk or None, hours, income_ore)
    month_writes: dict[tuple[str, date], tuple[int | None, Any, Any]] = field(default_factory=dict)
    payroll_writes: dict[int, tuple[int | None, int]] = field(default_factory=dict)

    def count(self, kind: str, what: str) -> None:
        c = self.counts.setdefault(kind, dict.fromkeys(COUNT_KEYS, 0))
        c[what] += 1

    def change(self, kind: str, what: str, key: str, label: str, fields: dict) -> None:
        self.count(kind, what)
        if len(self.changes) < STORED_MAX:
            self.changes.append(
                {
                    "kind": kind,
                    "change": what,
                    "key": key,
                    "label": label,
                    "fields": {k: [jsonable(b), jsonable(a)] for k, (b, a) in fields.items()},
                }
            )

    def totals(self) -> dict[str, dict[str, int]]:
        return {k: {n: c.get(n, 0) for n in COUNT_KEYS} for k, c in self.counts.items()}


class Register:
    """The organisation's register as the plan needs it, read once."""

    def __init__(self, organisation: Organisation) -> None:
        self.org = organisation
        units = list(
            Unit.objects.filter(organisation=organisation)
            .order_by("pk")
            .values_list("pk", "code", "name", "parent_id", "manager_id")
        )
        self.unit_by_pk = {u[0]: u for u in units}
        self.unit_by_code: dict[str, tuple] = {}
        for u in units:
            if u[1]:
                self.unit_by_code.setdefault(u[1], u)
        rows = list(
            Employee.objects.filter(organisation=organisation)
            .order_by("-active", "pk")
            .values("pk", "employee_number", "unit_id", "active", *EMPLOYEE_FIELDS.values())
        )
        self.number_of = {e["pk"]: e["employee_number"] for e in rows}
        self.employee_by_number: dict[str, dict[str, Any]] = {}
        for e in rows:
            if e["employee_number"]:
                self.employee_by_number.setdefault(e["employee_number"], e)

    def unit_code(self, pk: int | None) -> str:
        return self.unit_by_pk[pk][1] if pk in self.unit_by_pk else ""


def _duplicates(f: FileRows, key: str, issues: Issues, message: str) -> dict[Any, tuple]:
    """{key value: (line, values)}; a later row with the same key is an error naming both
    lines."""
    seen: dict[Any, tuple[int, dict[str, Any]]] = {}
    for line, values in f.rows:
        k = values[key]
        if k in seen:
            issues.add(
                f.kind,
                line,
                f.columns[key],
                message % {"v": k, "line": seen[k][0], "this": line},
            )
        else:
            seen[k] = (line, values)
    return seen


def _node_parent(reg: Register, file_units: dict[str, tuple], node: tuple) -> tuple | None:
    kind, key = node
    if kind == "c" and key in file_units:
        values = file_units[key][1]
        if "parent_code" in values:
            return ("c", values["parent_code"]) if values["parent_code"] else None
    row = reg.unit_by_code.get(key) if kind == "c" else reg.unit_by_pk.get(key)
    if row is None or row[3] is None:
        return None
    parent = reg.unit_by_pk[row[3]]
    return ("c", parent[1]) if parent[1] else ("id", parent[0])


def plan_units(
    plan: Plan, reg: Register, f: FileRows, issues: Issues, employee_numbers: set[str]
) -> dict[str, tuple]:  # pure: reads only
    col = f.columns
    units = _duplicates(f, "code", issues, _("Enhetskoden %(v)s finns redan på rad %(line)d."))
    known_codes = f.keys | set(reg.unit_by_code)
    for code, (line, values) in units.items():
        parent = values.get("parent_code")
        if parent and parent not in known_codes:
            issues.add(
                "units",
                line,
                col["parent_code"],
                _("Den överordnade enheten %(v)s finns varken i filen eller i registret.")
                % {"v": parent},
            )
        manager = values.get("manager_number")
        if manager and manager not in employee_numbers:
            issues.add(
                "units",
                line,
                col["manager_number"],
                _("Chefen %(v)s finns varken i medarbetarfilen eller i registret.")
                % {"v": manager},
            )
        node: tuple | None = ("c", code)
        trail = [code]
        for _step in range(len(reg.unit_by_pk) + len(units) + 1):
            node = _node_parent(reg, units, node) if node else None
            if node is None:
                break
            if node == ("c", code):
                issues.add(
                    "units",
                    line,
                    col.get("parent_code", ""),
                    _("Enheten %(v)s hamnar under sig själv (%(trail)s).")
                    % {"v": code, "trail": " → ".join([*trail, code])},
                )
                break
            trail.append(str(node[1]))
    for code, (_line, values) in units.items():
        row = reg.unit_by_code.get(code)
        label = values["name"]
        if row is None:
            plan.unit_writes[code] = (None, values)
            plan.change("units", "new", code, label, {k: (None, values[k]) for k in values})
            continue
        before = {
            "name": row[2],
            "parent_code": reg.unit_code(row[3]),
            "manager_number": reg.number_of.get(row[4], "") if row[4] else "",
        }
        diff = {
            k: (before[k], values[k] or "")
            for k in UNIT_FIELDS
            if k in values and before[k] != (values[k] or "")
        }
        if diff:
            plan.unit_writes[code] = (row[0], values)
            plan.change("units", "changed", code, label, diff)
        else:
            plan.count("units", "unchanged")
    return units


def plan_employees(
    plan: Plan, reg: Register, f: FileRows, issues: Issues, unit_codes: set[str], full: bool
) -> dict[str, tuple]:  # pure: reads only
    people = _duplicates(
        f,
        "employee_number",
        issues,
        _("Anställningsnumret %(v)s finns på både rad %(line)d och rad %(this)d."),
    )
    for _number, (line, values) in people.items():
        if values["unit_code"] not in unit_codes:
            issues.add(
                "employees",
                line,
                f.columns["unit_code"],
                _("Enheten %(v)s finns varken i enhetsfilen eller i registret.")
                % {"v": values["unit_code"]},
            )
    for number, (_line, values) in people.items():
        label = f"{values['first_name']} {values['last_name']}"
        after = {k: values[k] for k in EMPLOYEE_FIELDS if k in values}
        for k, empty in EMPTY.items():
            if k in after and after[k] in (None, ""):
                after[k] = empty
        row = reg.employee_by_number.get(number)
        if row is None:
            model = {EMPLOYEE_FIELDS[k]: v for k, v in after.items()}
            plan.employee_writes[number] = (None, model, values["unit_code"])
            fields = {k: (None, v) for k, v in after.items()} | {
                "unit_code": (None, values["unit_code"])
            }
            plan.change("employees", "new", number, label, fields)
            continue
        diff = {
            k: (row[EMPLOYEE_FIELDS[k]], v)
            for k, v in after.items()
            if row[EMPLOYEE_FIELDS[k]] != v
        }
        unit_before = reg.unit_code(row["unit_id"])
        if unit_before != values["unit_code"]:
            diff["unit_code"] = (unit_before, values["unit_code"])
        if not row["active"]:
            diff["active"] = (False, True)
            plan.returning.append(row["pk"])
        if diff:
            model = {EMPLOYEE_FIELDS[k]: v for k, v in after.items()}
            plan.employee_writes[number] = (row["pk"], model, values["unit_code"])
            plan.change("employees", "changed", number, label, diff)
        else:
            plan.count("employees", "unchanged")
    if full and not f.broken:
        for number, row in reg.employee_by_number.items():
            if row["active"] and number not in people:
                plan.leaving.append(row["pk"])
                label = f"{row['first_name']} {row['last_name']}"
                plan.change("employees", "leaving", number, label, {"active": (True, False)})
    return people


def plan_months(
    plan: Plan, reg: Register, f: FileRows, issues: Issues, employee_numbers: set[str]
) -> None:  # pure: reads only
    wanted: dict[tuple[str, date], tuple[int, dict[str, Any]]] = {}
    for line, values in f.rows:
        key = (values["employee_number"], values["month"])
        if key[0] not in employee_numbers:
            issues.add(
                "months",
                line,
                f.columns["employee_number"],
                _("Medarbetaren %(v)s finns varken i medarbetarfilen eller i registret.")
                % {"v": key[0]},
            )
        elif key in wanted:
            issues.add(
                "months",
                line,
                f.columns["month"],
                _("Samma medarbetare och månad finns redan på rad %(line)d.")
                % {"line": wanted[key][0]},
            )
        else:
            wanted[key] = (line, values)
    f.rows = []  # read once: the memory goes back before the register's months are read
    numbers = {e["pk"]: n for n, e in reg.employee_by_number.items()}
    # The register's months are streamed, not held: only the keys found unchanged (a set) and
    # the rows that differ are kept, so a re-import of 300 000 unchanged months stays small.
    same: set[tuple[str, date]] = set()
    differing: dict[tuple[str, date], tuple[int, Any, int]] = {}
    rows = EmploymentMonth.objects.filter(organisation=reg.org).values_list(
        "pk", "employee_id", "month", "hours_per_week", "income_ore"
    )
    for pk, e, m, h, i in rows.iterator(chunk_size=20_000):
        number = numbers.get(e)
        if number is None:
            continue
        key = (number, m)
        found = wanted.get(key)
        if found is None:
            continue
        hours, income = found[1].get("hours_per_week"), found[1].get("income")
        if (hours is None or hours == h) and (income is None or income == i):
            same.add(key)
        else:
            differing[key] = (pk, h, i)
    for key, (_line, values) in wanted.items():
        if key in same:
            plan.count("months", "unchanged")
            continue
        hours, income = values.get("hours_per_week"), values.get("income")
        label = f"{key[0]} {key[1]:%Y-%m}"
        old = differing.get(key)
        if old is None:
            plan.month_writes[key] = (None, hours or 0, income or 0)
            fields = {"hours_per_week": (None, hours), "income": (None, income)}
            plan.change("months", "new", label, label, fields)
            continue
        diff: dict[str, tuple] = {}
        if hours is not None and old[1] != hours:
            diff["hours_per_week"] = (old[1], hours)
        if income is not None and old[2] != income:
            diff["income"] = (old[2], income)
        plan.month_writes[key] = (
            old[0],
            old[1] if hours is None else hours,
            old[2] if income is None else income,
        )
        plan.change("months", "changed", label, label, diff)


def plan_payroll(
    plan: Plan, reg: Register, f: FileRows, issues: Issues
) -> None:  # pure: reads only
    years = _duplicates(f, "year", issues, _("Året %(v)s finns redan på rad %(line)d."))
    existing = {
        y: (pk, ore)
        for pk, y, ore in AnnualPayroll.objects.filter(organisation=reg.org).values_list(
            "pk", "year", "payroll_ore"
        )
    }
    for year, (_line, values) in years.items():
        old = existing.get(year)
        label = str(year)
        if old is None:
            plan.payroll_writes[year] = (None, values["payroll"])
            plan.change("payroll", "new", label, label, {"payroll": (None, values["payroll"])})
        elif old[1] != values["payroll"]:
            plan.payroll_writes[year] = (old[0], values["payroll"])
            fields = {"payroll": (old[1], values["payroll"])}
            plan.change("payroll", "changed", label, label, fields)
        else:
            plan.count("payroll", "unchanged")


def build_plan(
    *, organisation: Organisation, files: dict[str, FileRows], issues: Issues, full: bool
) -> Plan:  # pure: reads only
    """The plan for the checked files of one run, against the register now. Row errors found
    here are added to `issues`."""
    plan = Plan()
    reg = Register(organisation)
    for kind, f in files.items():
        plan.counts[kind] = dict.fromkeys(COUNT_KEYS, 0)
        plan.counts[kind]["ignored"] = f.ignored
        plan.counts[kind]["rows"] = f.row_count
    employees = files.get("employees")
    units = files.get("units")
    file_numbers = employees.keys if employees else set()
    numbers = file_numbers | set(reg.employee_by_number)
    file_codes = units.keys if units else set()
    if units is not None:
        plan_units(plan, reg, units, issues, numbers)
    if employees is not None:
        codes = file_codes | set(reg.unit_by_code)
        plan_employees(plan, reg, employees, issues, codes, full)
    if "months" in files:
        plan_months(plan, reg, files["months"], issues, numbers)
    if "payroll" in files:
        plan_payroll(plan, reg, files["payroll"], issues)
    for kind in files:
        plan.counts[kind]["errors"] = issues.per_kind.get(kind, 0)
    return plan
