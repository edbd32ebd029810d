import os

import pytest
from django.db import connection

from tests.browser import ARGS, CHROMIUM
from tests.factories import make_world

# The real SMTP server (aiosmtpd) every test folder may use: fixtures `smtp_server`, `smtp`.
pytest_plugins = ["tests.mail.smtp_fixtures"]


@pytest.fixture(autouse=True)
def swedish_first():
    """Every test starts in the default language: a request in English earlier on the same
    worker leaves its language active in the thread, and messages asserted in Swedish would
    then depend on the order the tests ran in."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


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


@pytest.fixture
def browser():
    """Debian's chromium through Playwright; CI (LOM_REQUIRE_BROWSER) fails rather than skips."""
    if not os.path.exists(CHROMIUM):
        if os.environ.get("LOM_REQUIRE_BROWSER"):
            pytest.fail("chromium is required (LOM_REQUIRE_BROWSER is set) but not installed")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()
