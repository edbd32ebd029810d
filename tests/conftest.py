import os

import pytest
from django.db import connection

from tests.factories import make_world


@pytest.fixture
def world(db):
    return make_world("alfa")


@pytest.fixture
def other_world(db):
    return make_world("beta")


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


def pytest_collection_modifyitems(config, items):
    """PostgreSQL-only tests are deselected (not skipped) on SQLite, so nothing is counted as
    passing that did not run. The PostgreSQL run in CI runs them."""
    on_pg = os.environ.get("DATABASE_URL", "").startswith(("postgres", "postgresql"))
    if on_pg:
        return
    selected, deselected = [], []
    for item in items:
        (deselected if item.get_closest_marker("postgres") else selected).append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = selected
