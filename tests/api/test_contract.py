"""The API keeps its contract under generated input (schemathesis on /api/v1/openapi.json).

Every operation, as two roles (the coordinator, who may do most, and an employee, who may do
least), with 20 generated examples each: no answer is a server error, and every answer that the
schema documents matches it. Deterministic (derandomised), so a failure is reproducible."""

import json
import os
from collections import Counter
from pathlib import Path

import pytest
import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

from lom.accounts.models import ApiToken
from lom.api.api import api
from lom.config.wsgi import application


def _load_schema():
    schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/v1/"))
    schema.app = application  # requests go through Django's WSGI handler, in process
    return schema


schema = _load_schema()
EXAMPLES = 20
# Requests sent, per operation and role: written to test-artifacts/api-contract.json at the end of
# the module (CI prints it), so the figures in README come from a run, not from arithmetic.
SENT: Counter[str] = Counter()
REPORT = Path(
    os.environ.get("LOM_CONTRACT_REPORT")
    or Path(__file__).resolve().parents[2] / "test-artifacts" / "api-contract.json"
)


@pytest.fixture(scope="module", autouse=True)
def report_requests_sent():
    """After the module: every documented operation got at least EXAMPLES requests as each
    role (the figures go to test-artifacts/api-contract.json). Requests with a method an
    operation does not document (schemathesis probes them) are counted apart."""
    if os.environ.get("PYTEST_XDIST_WORKER"):
        pytest.fail(
            "run the API contract without xdist (`make test` does): under xdist "
            "schemathesis generates the tests of one operation only"
        )
    yield
    if not SENT:
        return  # the module's generated tests were deselected; there is nothing to report
    document = api.get_openapi_schema(path_prefix="/api/v1/")
    documented = {f"{m.upper()} {p}" for p, item in document["paths"].items() for m in item}
    per_role = {k: n for k, n in SENT.items() if k.rsplit(" as ", 1)[0] in documented}
    seen = {k.rsplit(" as ", 1)[0] for k in per_role}
    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text(
        json.dumps(
            {
                "operations": len(seen),
                "operations_documented": len(documented),
                "requests_to_operations": sum(per_role.values()),
                "requests_with_undocumented_methods": sum(SENT.values()) - sum(per_role.values()),
                "fewest_per_operation_and_role": min(per_role.values(), default=0),
                "per_operation_and_role": dict(sorted(per_role.items())),
            },
            indent=1,
        )
    )
    few = sorted(k for k, n in per_role.items() if n < EXAMPLES)
    if seen == documented and few:
        pytest.fail(f"fewer than {EXAMPLES} requests: {few}")


@pytest.fixture(autouse=True)
def in_process_host(settings):
    settings.ALLOWED_HOSTS = ["localhost"]  # the in-process client's host


@pytest.fixture(autouse=True)
def keep_the_test_connection():
    """Requests run in process, inside the test's transaction: like Django's own test client,
    keep the handler from closing the connection at the start and end of each request (on
    PostgreSQL that would end the transaction the test data lives in)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _token(user) -> str:
    # The throttle counts per user in the cache; ids repeat between tests (rolled back).
    cache.clear()
    return ApiToken.issue(user=user)[1]


@pytest.fixture
def coordinator_token(world, other_world):
    return _token(world.coordinator)


@pytest.fixture
def employee_token(world, other_world):
    return _token(world.employee)


def not_a_server_error(ctx, response, case):
    assert response.status_code < 500, (
        f"{case.method} {case.formatted_path} answered {response.status_code}"
    )


SETTINGS = hypothesis_settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]


@schema.parametrize()
@SETTINGS
def test_every_operation_keeps_its_contract_for_a_coordinator(case, coordinator_token):
    SENT[f"{case.method} {case.path} as coordinator"] += 1
    response = case.call(headers={"Authorization": f"Bearer {coordinator_token}"})
    case.validate_response(response, checks=CHECKS)


@schema.parametrize()
@SETTINGS
def test_every_operation_keeps_its_contract_for_an_employee(case, employee_token):
    SENT[f"{case.method} {case.path} as employee"] += 1
    response = case.call(headers={"Authorization": f"Bearer {employee_token}"})
    case.validate_response(response, checks=CHECKS)


def _is_typed(node: dict, components: dict) -> bool:
    """A response schema that says what it holds: a named component, or an array of typed items,
    or an object with declared properties (a bare `{}` or a free-form object is not)."""
    if "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        return _is_typed(components[name], components) if name in components else False
    if node.get("type") == "array":
        return _is_typed(node.get("items", {}), components)
    if "anyOf" in node or "oneOf" in node or "allOf" in node:
        parts = node.get("anyOf") or node.get("oneOf") or node.get("allOf")
        return all(_is_typed(p, components) or p.get("type") == "null" for p in parts)
    if node.get("type") == "object" or "properties" in node:
        return bool(node.get("properties"))
    return node.get("type") in ("string", "integer", "number", "boolean")


def test_every_operation_has_a_typed_success_response():
    document = api.get_openapi_schema(path_prefix="/api/v1/")
    components = document.get("components", {}).get("schemas", {})
    untyped = []
    for path, item in document["paths"].items():
        for method, op in item.items():
            ok = [c for c in op.get("responses", {}) if str(c).startswith("2")]
            for code in ok:
                content = op["responses"][code].get("content", {})
                body = content.get("application/json", {}).get("schema")
                if code == "204" or (body is None and not content):
                    continue  # no body, nothing to type
                if body is None and all(
                    c.get("schema") == {"type": "string", "format": "binary"}
                    for c in content.values()
                ):
                    continue  # a file (PDF, workbook, CSV), declared with its media type
                if body is None or not _is_typed(body, components):
                    untyped.append(f"{method.upper()} {path} {code}")
    assert untyped == []
