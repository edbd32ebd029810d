"""Two structural rules that keep "one action = one service call = one transaction" true.

1. Every public function of a `services` module (or of a module in a `services` package) is one
   action: it runs in `transaction.atomic(durable=True)`, as a decorator or as one block at the
   top level of its body (checks may come before it). A durable block cannot be nested, so a
   service that calls another public service fails at once: composition goes through private
   helpers (`_name`). Three kinds of public function say what they are instead, on their `def`
   line:
   - `# pure: <why>`: writes nothing (a calculation or check kept beside the services);
   - `# step: <why>`: a building block that runs inside its caller's transaction (posting a
     ledger row, taking a row lock, a workflow transition); only services may call it;
   - `# batch: <why>`: background work that commits item by item (a task, a reminder run).
2. A view or API endpoint (functions in `views`/`api` modules and packages) calls at most one
   service function. A view whose branches are different actions (approve or reject, answer or
   close) says so with `# one action per branch` on its `def` line.

Run: `python tools/one_action.py` (exit 1 and one line per finding).
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BASE = ROOT / "src" / "lom"
PURE = "# pure:"
STEP = "# step:"
BATCH = "# batch:"
MARKERS = (PURE, STEP, BATCH)
BRANCHES = "# one action per branch"


def modules_of(kind: str) -> list[Path]:
    out = []
    for p in sorted(BASE.rglob("*.py")):
        parts = p.relative_to(BASE).parts
        if "migrations" in parts or "management" in parts:
            continue
        if p.stem == kind or kind in parts[:-1]:
            out.append(p)
    return out


def _is_durable_atomic(node: ast.AST) -> bool:
    if not isinstance(node, ast.Call):
        return False
    f = node.func
    name = f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else ""
    return name == "atomic" and any(
        k.arg == "durable" and isinstance(k.value, ast.Constant) and k.value.value is True
        for k in node.keywords
    )


def _def_line(fn: ast.FunctionDef, lines: list[str]) -> str:
    # The `def` line, plus the lines of a signature that wraps.
    end = fn.body[0].lineno - 1 if fn.body else fn.lineno
    return "\n".join(lines[fn.lineno - 1 : max(end, fn.lineno)])


def durable_findings(path: Path) -> list[str]:
    source = path.read_text()
    lines = source.splitlines()
    out = []
    for fn in ast.parse(source).body:
        if not isinstance(fn, ast.FunctionDef) or fn.name.startswith("_"):
            continue
        if any(m in _def_line(fn, lines) for m in MARKERS):
            continue
        if any(_is_durable_atomic(d) for d in fn.decorator_list):
            continue
        # Checks may come first; the writes then run in one durable block at the top level.
        if any(
            isinstance(s, ast.With) and any(_is_durable_atomic(i.context_expr) for i in s.items)
            for s in fn.body
        ):
            continue
        out.append(
            f"{path.relative_to(ROOT)}:{fn.lineno}: service {fn.name}() is not one durable "
            f"transaction (`@transaction.atomic(durable=True)`, or `{PURE}`/`{STEP}`/`{BATCH}`)"
        )
    return out


def service_names() -> tuple[set[str], set[str]]:
    """Public services (actions), and public steps (which only a service may call)."""
    names: set[str] = set()
    steps: set[str] = set()
    for p in modules_of("services"):
        lines = p.read_text().splitlines()
        for fn in ast.parse(p.read_text()).body:
            if not isinstance(fn, ast.FunctionDef) or fn.name.startswith("_"):
                continue
            head = _def_line(fn, lines)
            if STEP in head:
                steps.add(fn.name)
            elif PURE not in head:
                names.add(fn.name)
    return names, steps


def view_findings(path: Path, names: set[str], steps: frozenset[str] = frozenset()) -> list[str]:
    source = path.read_text()
    lines = source.splitlines()
    tree = ast.parse(source)
    # Names bound to a services module in this file (`from lom.x import services as xs`).
    module_aliases = {"services"}
    direct: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            for a in node.names:
                if a.name == "services" or a.name.endswith("_services"):
                    module_aliases.add(a.asname or a.name)
                elif a.name in names | steps and (
                    node.module.split(".")[-1] == "services" or ".services." in node.module + "."
                ):
                    direct.add(a.asname or a.name)
    out = []
    for fn in ast.walk(tree):
        if not isinstance(fn, ast.FunctionDef):
            continue
        calls = []
        step_calls = []
        for n in ast.walk(fn):
            if not isinstance(n, ast.Call):
                continue
            f = n.func
            name = ""
            if isinstance(f, ast.Name) and f.id in direct:
                name = f.id
            elif (
                isinstance(f, ast.Attribute)
                and isinstance(f.value, ast.Name)
                and f.value.id in module_aliases
            ):
                name = f.attr
            if name in steps:
                step_calls.append(name)
            elif name in names:
                calls.append(name)
        if step_calls:
            out.append(
                f"{path.relative_to(ROOT)}:{fn.lineno}: {fn.name}() calls the step "
                f"{step_calls[0]}() outside a service transaction"
            )
        if len(calls) > 1 and BRANCHES not in _def_line(fn, lines):
            out.append(
                f"{path.relative_to(ROOT)}:{fn.lineno}: {fn.name}() calls {len(calls)} services "
                f"({', '.join(calls)}): one action, one service (or `{BRANCHES}`)"
            )
    return out


def main() -> int:
    findings: list[str] = []
    services = modules_of("services")
    for p in services:
        findings += durable_findings(p)
    names, steps = service_names()
    views = modules_of("views") + modules_of("api")
    for p in views:
        findings += view_findings(p, names, frozenset(steps))
    for f in findings:
        print(f)
    print(
        f"one action: {len(services)} service modules, {len(names)} services, "
        f"{len(views)} view/API modules, {len(findings)} findings"
    )
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
