"""Tenant-scope check: every selector that queries a tenant model says whose data it reads.

A tenant model is one whose rows belong to one organisation: it has a foreign key to
`Organisation`, or a required foreign key to another tenant model (a cost line belongs to a case,
which belongs to an organisation). In every `selectors` module, a function that starts a query on
a tenant model (`Model.objects…`) must scope it in one of these ways:

- an organisation term: the function's code names `organisation` (a filter such as
  `organisation=actor.organisation`, `organisation_id=…`, `case__organisation=…`);
- an access helper: it calls a function whose name ends in `_for_actor` or `_visible`, or
  starts with `visible_` or `can_` (these answer 404/no for what the actor may not see);
- a scoped parent: a filter keyword's value is a parameter typed as a tenant object (or a
  list or queryset of them), as the actor or as the user (their own rows), or is computed
  from one (`case=case`, `period_id=period.pk`, `case__in=cases` where `cases` came from the
  round passed in): the caller reached that object through a scoped read;
- a correlated subquery (`OuterRef`): the outer query scopes it;
- an explicit, reviewed exception: a `# tenant-scope: <why>` comment on the line of the query
  or on the line of the function's `def` (e.g. the sector benchmark reads all organisations
  by design, and only publishes aggregates).

Run: `python tools/tenant_scope.py` (exit 1 and one line per finding when a query is unscoped).
"""

from __future__ import annotations

import ast
import os
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"
ACCESS_SUFFIXES = ("_for_actor", "_visible")
ACCESS_PREFIXES = ("visible_", "can_")
MARK = "# tenant-scope:"


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    function: str
    model: str

    def __str__(self) -> str:
        return (
            f"{self.path}:{self.line}: {self.function}() queries {self.model} without an "
            f"organisation term, an access helper or a scoped parent (or `{MARK} <why>`)"
        )


def tenant_models() -> set[str]:
    """Names of the models whose rows belong to one organisation (computed from Django)."""
    sys.path.insert(0, str(SRC))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lom.config.test_settings")
    import django
    from django.apps import apps

    django.setup()
    from lom.organisations.models import Organisation

    models = [m for m in apps.get_models() if m.__module__.startswith("lom.")]
    tenant: set[type] = {Organisation}
    changed = True
    while changed:
        changed = False
        for m in models:
            if m in tenant:
                continue
            for f in m._meta.get_fields():
                target = getattr(f, "related_model", None)
                if not getattr(f, "many_to_one", False) or target is None:
                    continue
                if target is Organisation or (target in tenant and not f.null):
                    tenant.add(m)
                    changed = True
                    break
    return {m.__name__ for m in tenant}


def selector_files(base: Path) -> list[Path]:
    out = []
    for p in sorted(base.rglob("*.py")):
        parts = p.relative_to(base).parts
        if "migrations" in parts:
            continue
        if p.stem == "selectors" or "selectors" in parts[:-1] or p.stem.startswith("selectors_"):
            out.append(p)
    return out


def _parent_params(fn: ast.FunctionDef, tenant: set[str]) -> set[str]:
    """Parameters typed as a tenant object (or a list or queryset of them) or as the actor."""
    a = fn.args
    out = set()
    for x in a.posonlyargs + a.args + a.kwonlyargs:
        if x.annotation is None:
            continue
        names = {
            n.id if isinstance(n, ast.Name) else n.attr
            for n in ast.walk(x.annotation)
            if isinstance(n, ast.Name | ast.Attribute)
        }
        names |= {
            n.value
            for n in ast.walk(x.annotation)
            if isinstance(n, ast.Constant) and isinstance(n.value, str)
        }
        if names & (tenant | {"Actor", "User"}):
            out.add(x.arg)
    return out


def _derived(fn: ast.FunctionDef, params: set[str]) -> set[str]:
    """The parameters and every local computed from one of them (`cases = list(rnd.cases…)`)."""
    names = set(params)
    assigns = [n for n in ast.walk(fn) if isinstance(n, ast.Assign | ast.AnnAssign | ast.For)]
    changed = True
    while changed:
        changed = False
        for a in assigns:
            value = a.iter if isinstance(a, ast.For) else a.value
            if value is None or not any(
                isinstance(n, ast.Name) and n.id in names for n in ast.walk(value)
            ):
                continue
            targets = [a.target] if isinstance(a, ast.For | ast.AnnAssign) else a.targets
            for target in targets:
                for n in ast.walk(target):
                    if isinstance(n, ast.Name) and n.id not in names:
                        names.add(n.id)
                        changed = True
    return names


def _scoped(fn: ast.FunctionDef, source_lines: list[str], tenant: set[str]) -> bool:
    text = "\n".join(source_lines[fn.lineno - 1 : fn.end_lineno])
    if "organisation" in text:
        return True
    params = _derived(fn, _parent_params(fn, tenant))
    for node in ast.walk(fn):
        if isinstance(node, ast.Call):
            f = node.func
            name = (
                f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else ""
            )
            if name.endswith(ACCESS_SUFFIXES) or name.startswith(ACCESS_PREFIXES):
                return True
            if name == "OuterRef":  # a correlated subquery: scoped by the query it sits in
                return True
            for kw in node.keywords:
                if kw.arg and any(
                    isinstance(n, ast.Name) and n.id in params for n in ast.walk(kw.value)
                ):
                    return True
            for arg in node.args:  # Q(case=case) objects passed positionally are walked anyway
                if isinstance(arg, ast.Name) and arg.id in params and name in ("filter", "get"):
                    return True
    return False


def check_source(path: str, source: str, tenant: set[str]) -> list[Finding]:
    tree = ast.parse(source)
    lines = source.splitlines()
    findings: list[Finding] = []
    for fn in ast.walk(tree):
        if not isinstance(fn, ast.FunctionDef):
            continue
        if MARK in lines[fn.lineno - 1]:
            continue
        queries = [
            node
            for node in ast.walk(fn)
            if isinstance(node, ast.Attribute)
            and node.attr in ("objects", "all_objects")
            and isinstance(node.value, ast.Name)
            and node.value.id in tenant
        ]
        queries = [q for q in queries if MARK not in lines[q.lineno - 1]]
        if queries and not _scoped(fn, lines, tenant):
            q = queries[0]
            findings.append(Finding(path, q.lineno, fn.name, q.value.id))  # type: ignore[attr-defined]
    # A nested function is checked on its own and as part of its parent: report once.
    return sorted(set(findings), key=lambda f: (f.path, f.line))


def main() -> int:
    tenant = tenant_models()
    base = SRC / "lom"
    findings: list[Finding] = []
    files = selector_files(base)
    for p in files:
        findings += check_source(str(p.relative_to(ROOT)), p.read_text(), tenant)
    for f in findings:
        print(f)
    print(
        f"tenant scope: {len(files)} selector modules, {len(tenant)} tenant models, "
        f"{len(findings)} unscoped queries"
    )
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
