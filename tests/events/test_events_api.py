"""The events API beyond registration: a page of events, changing and cancelling an event
(409 when it is already cancelled), and the year's workbook as the page gives it."""

import io
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from lom.events import services
from lom.events.models import Event
from tests.api_client import error_field, token_caller
from tests.factories import make_world

pytestmark = pytest.mark.django_db


def _organiser(world):
    world.admin.user_permissions.add(Permission.objects.get(codename="manage_events"))
    for cache in ("_perm_cache", "_user_perm_cache", "_group_perm_cache"):
        world.admin.__dict__.pop(cache, None)
    return world.actor(world.admin)


def _event(actor, title="Mötesplats", days=10) -> Event:
    start = timezone.now() + timedelta(days=days)
    return services.event_save(
        actor=actor,
        data=services.EventInput(
            title=title,
            kind=Event.Kind.MEETING_PLACE,
            starts_at=start,
            ends_at=start + timedelta(hours=2),
            capacity=10,
            registration_deadline=start - timedelta(days=2),
            place="Umeå",
        ),
    )


BODY = {
    "title": "Nytt namn",
    "kind": "exchange",
    "starts_at": "2030-01-10T10:00:00",
    "ends_at": "2030-01-10T12:00:00",
    "capacity": 30,
    "registration_deadline": "2030-01-01T10:00:00",
    "place": "Luleå",
}


@pytest.fixture
def w():
    world = make_world("ev-api")
    world.organiser = _organiser(world)
    return world


def test_events_are_paged_with_a_cursor(w):
    for i in range(3):
        _event(w.organiser, title=f"E{i}", days=10 + i)
    call = token_caller(w.coordinator)
    r = call("get", "/api/v1/events/?limit=2")
    assert r.status_code == 200
    assert [e["title"] for e in r.json()["items"]] == ["E0", "E1"]
    r = call("get", f"/api/v1/events/?limit=2&cursor={r.json()['next_cursor']}")
    assert [e["title"] for e in r.json()["items"]] == ["E2"]
    assert r.json()["next_cursor"] is None
    assert call("get", "/api/v1/events/?cursor=%21%21").status_code == 422


def test_put_changes_the_event(w):
    event = _event(w.organiser)
    r = token_caller(w.admin)("put", f"/api/v1/events/{event.pk}", BODY)
    assert r.status_code == 200, r.content
    event.refresh_from_db()
    assert (event.title, event.capacity, event.place) == ("Nytt namn", 30, "Luleå")


def test_put_refusals(w):
    event = _event(w.organiser)
    admin = token_caller(w.admin)
    assert token_caller(w.coordinator)("put", f"/api/v1/events/{event.pk}", BODY).status_code == 403
    assert admin("put", "/api/v1/events/999999", BODY).status_code == 404
    r = admin("put", f"/api/v1/events/{event.pk}", {**BODY, "title": ""})
    assert r.status_code == 422 and error_field(r) == "title"
    r = admin("put", f"/api/v1/events/{event.pk}", {**BODY, "ends_at": "2030-01-10T09:00:00"})
    assert r.status_code == 400 and error_field(r) == "ends_at"
    event.refresh_from_db()
    assert event.title == "Mötesplats"


def test_cancel_then_cancel_again_is_a_conflict(w):
    event = _event(w.organiser)
    admin = token_caller(w.admin)
    assert (
        token_caller(w.coordinator)("post", f"/api/v1/events/{event.pk}/cancel").status_code == 403
    )
    r = admin("post", f"/api/v1/events/{event.pk}/cancel")
    assert r.status_code == 200 and r.json()["cancelled"] is True
    r = admin("post", f"/api/v1/events/{event.pk}/cancel")
    assert r.status_code == 409 and r.json()["code"] == "cancelled"
    # A cancelled event is not changed either.
    assert admin("put", f"/api/v1/events/{event.pk}", BODY).status_code == 409
    # The page shows the refusal instead of failing.
    c = Client()
    c.force_login(w.admin)
    r = c.post(f"/events/{event.pk}/cancel/", follow=True)
    assert r.status_code == 200 and "redan inställt" in r.content.decode()


def test_year_workbook_is_the_same_file_as_the_page(w):
    event = _event(w.organiser)
    year = timezone.localtime(event.starts_at).year
    r = token_caller(w.admin)("get", f"/api/v1/events/statistics/{year}.xlsx")
    assert r.status_code == 200
    assert r["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(r.content)).active
    assert "Mötesplats" in [c.value for c in sheet["A"]]
    c = Client()
    c.force_login(w.admin)
    assert c.get(f"/events/statistics/{year}.xlsx").status_code == 200
    assert (
        token_caller(w.coordinator)("get", f"/api/v1/events/statistics/{year}.xlsx").status_code
        == 403
    )
    assert token_caller(w.admin)("get", "/api/v1/events/statistics/2001.xlsx").status_code == 404
    r = token_caller(w.admin)("get", "/api/v1/events/statistics/1999.xlsx")
    assert r.status_code == 422 and error_field(r) == "year"
