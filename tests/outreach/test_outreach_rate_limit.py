"""The public pages' counters cannot be inflated by one client: past the limit of a window the
page still answers as usual, but the visit is not counted."""

import pytest
from django.core.cache import cache
from django.test import Client

from lom.outreach import web
from lom.outreach.models import CounterKind, ReachCounter


@pytest.fixture(autouse=True)
def _limit(settings):
    cache.clear()
    settings.LOM_PUBLIC_COUNT_LIMIT = 3
    settings.LOM_PUBLIC_COUNT_WINDOW_SECONDS = 600
    yield
    cache.clear()


def _count(org, kind) -> int:
    return sum(r.count for r in ReachCounter.objects.filter(organisation=org, kind=kind))


def test_the_n_plus_first_page_view_of_one_client_in_the_window_is_not_counted(world):
    c = Client(REMOTE_ADDR="198.51.100.7")
    for _ in range(5):
        r = c.get(f"/o/{world.org.slug}/")
        assert r.status_code == 200  # the page always answers
    assert _count(world.org, CounterKind.PAGE_VIEW) == 3
    # Another client has its own window.
    assert Client(REMOTE_ADDR="198.51.100.8").get(f"/o/{world.org.slug}/").status_code == 200
    assert _count(world.org, CounterKind.PAGE_VIEW) == 4


def test_the_limit_holds_per_counter_and_a_new_window_counts_again(world, monkeypatch):
    c = Client(REMOTE_ADDR="198.51.100.9")
    for _ in range(4):
        assert c.get(f"/o/{world.org.slug}/guide/?goal=develop").status_code == 200
    assert _count(world.org, CounterKind.GUIDE_VIEW) == 3
    assert (
        ReachCounter.objects.get(
            organisation=world.org, kind=CounterKind.GUIDE_RESULT, detail="goal:develop"
        ).count
        == 3
    )
    for _ in range(4):
        r = c.get(f"/o/{world.org.slug}/ansok/?fran=guide")
        assert r.status_code == 302
    assert _count(world.org, CounterKind.APPLY_CLICK) == 3
    # The page view counter is separate: still counted.
    c.get(f"/o/{world.org.slug}/")
    assert _count(world.org, CounterKind.PAGE_VIEW) == 1
    # The next window counts again.
    now = web.time.time()
    monkeypatch.setattr(web.time, "time", lambda: now + 600)
    c.get(f"/o/{world.org.slug}/guide/")
    assert _count(world.org, CounterKind.GUIDE_VIEW) == 4


def test_past_the_limit_the_apply_click_leaves_no_marker(world):
    c = Client(REMOTE_ADDR="198.51.100.10")
    for _ in range(3):
        c.get(f"/o/{world.org.slug}/ansok/?fran=page")
    session = c.session
    session.pop(web.SESSION_MARKER, None)
    session.save()
    c.get(f"/o/{world.org.slug}/ansok/?fran=page")
    assert web.SESSION_MARKER not in c.session
    assert _count(world.org, CounterKind.APPLY_CLICK) == 3


def test_the_address_is_not_kept_in_the_cache_key(world):
    c = Client(REMOTE_ADDR="203.0.113.77")
    c.get(f"/o/{world.org.slug}/")
    keys = list(getattr(cache, "_cache", {}).keys())
    assert keys and not any("203.0.113.77" in str(k) for k in keys)
