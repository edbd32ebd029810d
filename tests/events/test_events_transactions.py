"""One transaction per action: every write service of the events is durable (it cannot run
inside another transaction, so composing two of them shows at once), and the event form's one
service leaves nothing behind when its programme is refused."""

import json
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.db import transaction
from django.test import Client
from django.utils import timezone

from lom.accounts.models import ApiToken
from lom.events import services
from lom.events.models import Event, ProgrammeItem, Registration
from tests.factories import make_world

pytestmark = pytest.mark.django_db

WRITE_SERVICES = [
    services.event_save,
    services.event_cancel,
    services.event_set_programme,
    services.registration_save,
    services.registration_create,
    services.registration_update,
    services.registration_cancel,
    services.evaluation_submit,
]


@pytest.mark.parametrize("service", WRITE_SERVICES, ids=lambda f: f.__name__)
def test_every_write_service_is_durable(service):
    with pytest.raises(RuntimeError, match="durable"), transaction.atomic():
        service()


def _organiser(world):
    world.admin.user_permissions.add(Permission.objects.get(codename="manage_events"))
    for cache in ("_perm_cache", "_user_perm_cache", "_group_perm_cache"):
        world.admin.__dict__.pop(cache, None)
    return world.actor(world.admin)


def _event(actor):
    start = timezone.now() + timedelta(days=10)
    return services.event_save(
        actor=actor,
        data=services.EventInput(
            title="Erfarenhetsutbyte",
            kind=Event.Kind.EXCHANGE,
            starts_at=start,
            ends_at=start + timedelta(hours=3),
            capacity=10,
            registration_deadline=start - timedelta(days=1),
            place="Stockholm",
        ),
        programme=[services.ProgrammeInput(starts_at=start.time(), title="Välkommen")],
    )


def test_a_refused_programme_leaves_an_edited_event_unchanged():
    w = make_world("evtx1")
    event = _event(_organiser(w))
    c = Client()
    c.force_login(w.admin)
    start = timezone.localtime(event.starts_at)
    data = {
        "title": "Nytt namn som inte ska sparas",
        "kind": "exchange",
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": timezone.localtime(event.ends_at).strftime("%Y-%m-%dT%H:%M"),
        "capacity": "20",
        "registration_deadline": timezone.localtime(event.registration_deadline).strftime(
            "%Y-%m-%dT%H:%M"
        ),
        "place": "Göteborg",
        "programme": "10.00–09.00 Slutar innan den börjar",
    }
    r = c.post(f"/events/{event.pk}/edit/", data)
    assert r.status_code == 400 and "error-summary" in r.content.decode()
    event.refresh_from_db()
    assert (event.title, event.capacity, event.place) == ("Erfarenhetsutbyte", 10, "Stockholm")
    assert list(ProgrammeItem.objects.filter(event=event).values_list("title", flat=True)) == [
        "Välkommen"
    ]


def test_a_programme_over_the_limit_is_refused_and_nothing_is_saved():
    w = make_world("evtx2")
    actor = _organiser(w)
    start = timezone.now() + timedelta(days=10)
    items = [
        services.ProgrammeInput(starts_at=start.time(), title=f"Punkt {i}")
        for i in range(services.MAX_PROGRAMME_ITEMS + 1)
    ]
    with pytest.raises(services.DomainError) as e:
        services.event_save(
            actor=actor,
            data=services.EventInput(
                title="För långt program",
                kind=Event.Kind.SEMINAR,
                starts_at=start,
                ends_at=start + timedelta(hours=3),
                capacity=10,
                registration_deadline=start - timedelta(days=1),
                place="Malmö",
            ),
            programme=items,
        )
    assert e.value.field == "programme"
    assert not Event.objects.exists()


def test_put_registration_creates_then_changes_through_one_service():
    w = make_world("evtx3")
    event = _event(_organiser(w))
    _t, raw = ApiToken.issue(user=w.coordinator)
    c = Client()

    def put(employer, union):
        return c.put(
            f"/api/v1/events/{event.pk}/registration",
            json.dumps({"employer_user_ids": employer, "union_user_ids": union}),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {raw}",
        )

    r = put([w.coordinator.pk], [w.union_rep.pk])
    assert r.status_code == 201 and r.json()["persons"] == 2
    r = put([w.coordinator.pk, w.decision_maker.pk], [w.union_rep.pk])
    assert r.status_code == 200 and r.json()["persons"] == 3
    assert Registration.objects.filter(event=event).count() == 1
    # A refused change leaves the registration as it was.
    r = put([w.coordinator.pk], [])
    assert r.status_code == 400 and r.json()["field"] == "union_participants"
    assert Registration.objects.get(event=event).persons == 3
