"""The lock files: production pins only what production runs; development adds the tools."""

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
DEV_ONLY = {
    "pytest",
    "pytest-django",
    "pytest-xdist",
    "ruff",
    "mypy",
    "django-stubs",
    "playwright",
    "schemathesis",
    "hypothesis",
    "aiosmtpd",
    "locust",
    "factory-boy",
    "import-linter",
}
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([0-9][A-Za-z0-9.+!-]*)$")


def pins(name: str) -> dict[str, str]:
    """The exact pins of a lock file (name -> version); every other line is a comment or -r."""
    found: dict[str, str] = {}
    for line in (ROOT / name).read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#") or line.startswith("-r "):
            continue
        match = PIN.match(line)
        assert match, f"{name}: not an exact pin: {line!r}"
        found[canonicalize_name(match[1])] = match[2]
    return found


def project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def test_the_production_lock_has_no_test_or_development_tool():
    assert not DEV_ONLY & set(pins("requirements.lock"))


def test_every_project_dependency_is_pinned_in_the_production_lock():
    prod = pins("requirements.lock")
    for spec in project()["dependencies"]:
        req = Requirement(spec)
        name = canonicalize_name(req.name)
        assert name in prod, f"{req.name} is a dependency but not pinned in requirements.lock"
        assert req.specifier.contains(prod[name], prereleases=True), (
            f"{req.name}=={prod[name]} does not satisfy {req.specifier}"
        )


def test_the_development_lock_adds_the_tools_on_top_of_the_production_lock():
    text = (ROOT / "requirements-dev.lock").read_text()
    assert "-r requirements.lock" in text.splitlines()
    dev, prod = pins("requirements-dev.lock"), pins("requirements.lock")
    assert not set(dev) & set(prod), "a package is pinned in both lock files"
    for spec in project()["optional-dependencies"]["test"]:
        assert canonicalize_name(Requirement(spec).name) in dev


def test_install_uses_the_development_lock():
    makefile = (ROOT / "Makefile").read_text()
    assert "pip install --quiet -r requirements-dev.lock" in makefile
