"""Structure a newcomer can hold, kept by tests: no module over 600 lines, and no import of our
own packages hidden inside a function (a hidden import is how a cycle between packages sneaks
back in; the import contract in pyproject.toml checks the arrows of the imports it can see)."""

import ast
from pathlib import Path

BASE = Path(__file__).resolve().parents[2] / "src" / "lom"
MAX_LINES = 600


def modules():
    return [p for p in sorted(BASE.rglob("*.py")) if "migrations" not in p.parts]


def test_no_module_is_over_600_lines():
    long = {
        str(p.relative_to(BASE)): n
        for p in modules()
        if (n := len(p.read_text().splitlines())) > MAX_LINES
    }
    assert long == {}


def _app_ready(p: Path, fn: ast.AST) -> bool:
    """`AppConfig.ready()` in an app's apps.py: Django's one place to plug an app into another
    (models can only be imported once the registry is ready), and import-linter still sees it."""
    return p.name == "apps.py" and isinstance(fn, ast.FunctionDef) and fn.name == "ready"


def test_no_import_of_our_packages_inside_a_function():
    hidden = []
    for p in modules():
        tree = ast.parse(p.read_text())
        for fn in ast.walk(tree):
            if not isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef) or _app_ready(p, fn):
                continue
            for node in ast.walk(fn):
                names = []
                if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names = [node.module]
                elif isinstance(node, ast.Import):
                    names = [a.name for a in node.names]
                hidden += [
                    f"{p.relative_to(BASE)}:{node.lineno} {n}"
                    for n in names
                    if n == "lom" or n.startswith("lom.")
                ]
    assert sorted(set(hidden)) == []
