"""Review of the events: the API's times without a zone, out-of-range and unsafe input, a
refused programme that left a saved event behind, and evaluation results that could be
derived by subtracting the shown events from the year's totals."""

import json
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.utils import timezone

from lom.accounts.models import ApiToken
from lom.events import selectors, services
from lom.events.models import Evaluation, Event
from tests.api_client import error_field
from tests.factories import make_world

pytestmark = pytest.mark.django_db


def _organiser(world):
    world.admin.user_permissions.add(Permission.objects.get(codename="manage_events"))
    for cache in ("_perm_cache", "_user_perm_cache", "_group_perm_cache"):
        world.admin.__dict__.pop(cache, None)
    return world.actor(world.admin)


def _api(world):
    _organiser(world)
    _t, raw = ApiToken.issue(user=world.admin)
    c = Client(raise_request_exception=False)

    def post(payload):
        return c.post(
            "/api/v1/events/",
            json.dumps(payload),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {raw}",
        )

    return post


BASE = {
    "title": "Erfarenhetsutbyte",
    "kind": "exchange",
    "starts_at": "2030-01-10T10:00:00",
    "ends_at": "2030-01-10T12:00:00",
    "capacity": 20,
    "registration_deadline": "2030-01-01T10:00:00",
    "place": "Stockholm",
}


def test_api_event_with_times_without_a_zone_is_local_time():
    post = _api(make_world("revev1"))
    r = post(BASE)
    assert r.status_code == 201, r.content
    event = Event.objects.get()
    assert timezone.localtime(event.starts_at).hour == 10
    # A mix of zoned and unzoned times is compared, not a 500.
    r = post({**BASE, "title": "Blandat", "starts_at": "2030-01-10T10:00:00+01:00"})
    assert r.status_code == 201, r.content


@pytest.mark.parametrize(
    "change, field",
    [
        ({"capacity": 10**25}, "capacity"),
        ({"capacity": 10**7}, "capacity"),
        ({"title": "x" * 300}, "title"),
        ({"place": "p" * 300}, "place"),
        ({"online_url": "javascript:alert(document.cookie)"}, "online_url"),
    ],
)
def test_api_event_with_bad_input_is_a_4xx_naming_the_field(change, field):
    post = _api(make_world("revev2"))
    r = post({**BASE, **change})
    assert r.status_code in (400, 422), r.content
    assert error_field(r) == field
    assert not Event.objects.exists()


def test_a_refused_programme_does_not_leave_a_saved_event_behind():
    w = make_world("revev3")
    _organiser(w)
    c = Client()
    c.force_login(w.admin)
    data = {
        "title": "Temaseminarium",
        "kind": "seminar",
        "starts_at": "2030-02-01T09:00",
        "ends_at": "2030-02-01T12:00",
        "capacity": "30",
        "registration_deadline": "2030-01-20T09:00",
        "place": "Göteborg",
        "programme": "09.30–09.00 Välkommen",  # ends before it starts: refused by the service
    }
    r = c.post("/events/new/", data)
    assert r.status_code == 400 and "error-summary" in r.content.decode()
    assert "09.30–09.00 Välkommen" in r.content.decode()
    assert not Event.objects.exists()
    r = c.post("/events/new/", {**data, "programme": "09.00–09.30 Välkommen"})
    assert r.status_code == 302
    assert Event.objects.count() == 1


def _past_event(actor, title):
    start = timezone.now() + timedelta(days=3)
    event = services.event_save(
        actor=actor,
        data=services.EventInput(
            title=title,
            kind=Event.Kind.EXCHANGE,
            starts_at=start,
            ends_at=start + timedelta(hours=2),
            capacity=50,
            registration_deadline=start - timedelta(days=1),
            place="Malmö",
        ),
    )
    # Within the current year, so both count in the same year's statistics.
    now = timezone.now()
    Event.objects.filter(pk=event.pk).update(
        starts_at=now - timedelta(hours=3), ends_at=now - timedelta(hours=1)
    )
    return event


def test_year_totals_do_not_give_away_the_answers_of_a_hidden_event():
    w = make_world("revev4")
    organiser = _organiser(w)
    small = _past_event(organiser, "Litet utbyte")
    big = _past_event(organiser, "Stort utbyte")
    today = timezone.localdate()
    Evaluation.objects.create(
        event=small, rating=1, usefulness=1, new_ideas=False, submitted_on=today
    )
    for _i in range(5):
        Evaluation.objects.create(
            event=big, rating=5, usefulness=5, new_ideas=True, submitted_on=today
        )
    stats = selectors.year_statistics(year=timezone.localtime(big.starts_at).year)
    per_event = {e.pk: s for e, s in stats.per_event}
    assert per_event[small.pk].results_hidden and per_event[small.pk].rating is None
    assert per_event[big.pk].rating == 5.0
    # 6 answers in the year, but the year minus the big event would be the one small answer.
    assert stats.totals.answers == 6
    assert stats.totals.results_hidden and stats.totals.rating is None
    assert stats.totals.new_ideas_percent is None

    # With five hidden answers or more the year's figures are shown.
    for _i in range(4):
        Evaluation.objects.create(
            event=small, rating=1, usefulness=1, new_ideas=False, submitted_on=today
        )
    stats = selectors.year_statistics(year=timezone.localtime(big.starts_at).year)
    assert not stats.totals.results_hidden and stats.totals.rating == 3.0
