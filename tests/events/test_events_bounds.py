"""Bounded input in the events: texts, seats, programme points, participants and ids are held
to their bounds in the form, the API schema and the service; nothing is saved past a bound and
nothing answers 500."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.utils import timezone

from lom.common.bounds import TEXT_MAX
from lom.common.errors import DomainError
from lom.events import services
from lom.events.models import Event, Registration
from tests.api_client import error_field, token_caller
from tests.factories import make_world

pytestmark = pytest.mark.django_db

TEN_MB = "x" * (10 * 1024 * 1024)


def _organiser(world):
    world.admin.user_permissions.add(Permission.objects.get(codename="manage_events"))
    for cache in ("_perm_cache", "_user_perm_cache", "_group_perm_cache"):
        world.admin.__dict__.pop(cache, None)
    return world.actor(world.admin)


BASE = {
    "title": "Erfarenhetsutbyte",
    "kind": "exchange",
    "starts_at": "2030-01-10T10:00:00",
    "ends_at": "2030-01-10T12:00:00",
    "capacity": 20,
    "registration_deadline": "2030-01-01T10:00:00",
    "place": "Stockholm",
}


@pytest.fixture
def api():
    w = make_world("evb-api")
    _organiser(w)
    call = token_caller(w.admin)
    call.world = w
    return call


@pytest.mark.parametrize(
    "change, field",
    [
        ({"description": TEN_MB}, "description"),
        ({"capacity": 2**63}, "capacity"),
        ({"capacity": 0}, "capacity"),
        ({"kind": "party"}, "kind"),
        ({"title": "x" * 201}, "title"),
        ({"programme": [{"starts_at": "09:00", "title": "x" * 201}]}, "programme.0.title"),
        ({"programme": [{"starts_at": "09:00", "title": "Punkt"}] * 51}, "programme"),
    ],
)
def test_api_event_past_a_bound_is_422_naming_the_field_and_nothing_saved(api, change, field):
    r = api("post", "/api/v1/events/", {**BASE, **change})
    assert r.status_code == 422, r.content[:300]
    assert error_field(r) == field
    assert not Event.objects.exists()


def test_api_event_with_its_programme_in_one_call(api):
    r = api(
        "post",
        "/api/v1/events/",
        {**BASE, "programme": [{"starts_at": "10:00", "ends_at": "10:30", "title": "Välkommen"}]},
    )
    assert r.status_code == 201, r.content
    assert r.json()["programme"] == [
        {"starts_at": "10:00", "ends_at": "10:30", "title": "Välkommen"}
    ]
    # A programme the service refuses leaves no event behind.
    r = api(
        "post",
        "/api/v1/events/",
        {
            **BASE,
            "title": "Andra",
            "programme": [{"starts_at": "10:00", "ends_at": "09:00", "title": "Bakåt"}],
        },
    )
    assert r.status_code == 400 and r.json()["field"] == "programme"
    assert not Event.objects.filter(title="Andra").exists()


def test_api_ids_past_a_column_or_of_another_organisation(api, other_world):
    r = api("get", f"/api/v1/events/{2**64}")
    assert r.status_code == 422 and error_field(r) == "event_id"
    event = services.event_save(
        actor=api.world.actor(api.world.admin),
        data=services.EventInput(
            title="Mötesplats",
            kind=Event.Kind.MEETING_PLACE,
            starts_at=timezone.now() + timedelta(days=10),
            ends_at=timezone.now() + timedelta(days=10, hours=2),
            capacity=10,
            registration_deadline=timezone.now() + timedelta(days=5),
            place="Umeå",
        ),
    )
    w = api.world
    coordinator = token_caller(w.coordinator)

    def put(employer, union):
        return coordinator(
            "put",
            f"/api/v1/events/{event.pk}/registration",
            {"employer_user_ids": employer, "union_user_ids": union},
        )

    r = put([2**63], [w.union_rep.pk])
    assert r.status_code == 422 and error_field(r) == "employer_user_ids.0"
    r = put([w.coordinator.pk] * 201, [w.union_rep.pk])
    assert r.status_code == 422 and error_field(r) == "employer_user_ids"
    r = put([other_world.coordinator.pk], [w.union_rep.pk])
    assert r.status_code == 400 and r.json()["field"] == "employer_participants"
    assert not Registration.objects.exists()
    r = coordinator(
        "post",
        f"/api/v1/events/{event.pk}/evaluation",
        {"rating": 7, "usefulness": 3, "new_ideas": True},
    )
    assert r.status_code == 422 and error_field(r) == "rating"


def test_form_refuses_a_10_mb_text_and_a_huge_seat_count_with_the_field_named():
    w = make_world("evb-form")
    _organiser(w)
    c = Client()
    c.force_login(w.admin)
    start = timezone.localtime(timezone.now() + timedelta(days=20))
    data = {
        "title": "Temaseminarium",
        "kind": "seminar",
        "starts_at": start.strftime("%Y-%m-%dT09:00"),
        "ends_at": start.strftime("%Y-%m-%dT12:00"),
        "place": "Luleå",
        "capacity": "30",
        "registration_deadline": (start - timedelta(days=3)).strftime("%Y-%m-%dT12:00"),
    }
    for change, field in (
        ({"description": TEN_MB}, "description"),
        ({"programme": "09.00 " + TEN_MB}, "programme"),
        ({"capacity": str(2**63)}, "capacity"),
    ):
        r = c.post("/events/new/", {**data, **change})
        assert r.status_code == 400
        assert r.context["form"].errors.get(field), field
    assert not Event.objects.exists()


def test_service_checks_the_bounds_itself():
    w = make_world("evb-svc")
    start = timezone.now() + timedelta(days=10)
    data = services.EventInput(
        title="Seminarium",
        kind=Event.Kind.SEMINAR,
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        capacity=10,
        registration_deadline=start - timedelta(days=1),
        place="Visby",
        description="x" * (TEXT_MAX + 1),
    )
    with pytest.raises(DomainError) as e:
        services.event_save(actor=_organiser(w), data=data)
    assert e.value.field == "description"
    assert not Event.objects.exists()
