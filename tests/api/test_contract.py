"""The API keeps its contract under generated input (schemathesis on /api/v1/openapi.json).

Every operation, as two roles (the coordinator, who may do most, and an employee, who may do
least), with 20 generated examples each: no answer is a server error, and every answer that the
schema documents matches it. Deterministic (derandomised), so a failure is reproducible."""

import pytest
import schemathesis
from django.core.cache import cache
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


@pytest.fixture(autouse=True)
def in_process_host(settings):
    settings.ALLOWED_HOSTS = ["localhost"]  # the in-process client's host


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
    response = case.call(headers={"Authorization": f"Bearer {coordinator_token}"})
    case.validate_response(response, checks=CHECKS)


@schema.parametrize()
@SETTINGS
def test_every_operation_keeps_its_contract_for_an_employee(case, employee_token):
    response = case.call(headers={"Authorization": f"Bearer {employee_token}"})
    case.validate_response(response, checks=CHECKS)
