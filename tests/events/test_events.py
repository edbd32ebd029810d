"""Events: from registration (waiting list and promotion) to evaluation statistics."""

import threading
from datetime import timedelta
from io import BytesIO

import pytest
from django.contrib.auth.models import Permission
from django.db import connections
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from lom.common.errors import DomainError, PermissionDeniedError
from lom.common.models import Notification
from lom.events import selectors, services
from lom.events.models import Evaluation, Event, Participant, Registration
from lom.events.notify import send_event_reminders
from lom.events.permissions import is_organiser
from lom.organisations.models import Organisation, Role
from lom.organisations.services import membership_grant
from tests.factories import UserFactory, make_world


def _organiser(world):
    world.admin.user_permissions.add(Permission.objects.get(codename="manage_events"))
    for cache in ("_perm_cache", "_user_perm_cache", "_group_perm_cache"):
        world.admin.__dict__.pop(cache, None)
    return world.actor(world.admin)


def _event(actor, *, capacity=4, days=10, **kw):
    start = timezone.now() + timedelta(days=days)
    return services.event_save(
        actor=actor,
        data=services.EventInput(
            title=kw.get("title", "Erfarenhetsutbyte om omställning"),
            kind=Event.Kind.EXCHANGE,
            starts_at=start,
            ends_at=start + timedelta(hours=3),
            capacity=capacity,
            registration_deadline=start - timedelta(days=1),
            place="Stockholm",
        ),
    )


def _register(world, event, employer=1, union=1):
    emp = [world.coordinator, world.decision_maker, world.manager][:employer]
    reps = [world.union_rep][:union]
    return services.registration_create(
        actor=world.actor(world.coordinator),
        event=event,
        employer_ids=[u.pk for u in emp],
        union_ids=[u.pk for u in reps],
    )


def _end(event):
    Event.objects.filter(pk=event.pk).update(
        starts_at=timezone.now() - timedelta(hours=5),
        ends_at=timezone.now() - timedelta(hours=2),
        registration_deadline=timezone.now() - timedelta(days=2),
    )
    event.refresh_from_db()


def test_organiser_is_a_permission_or_a_fund_admin(world):
    assert not is_organiser(world.admin)
    assert not is_organiser(world.coordinator)
    with pytest.raises(PermissionDeniedError):
        _event(world.actor(world.admin))
    fund = Organisation.objects.create(name="Fonden", slug="fonden", kind="fund")
    officer = UserFactory(username="fondhandlaggare")
    membership_grant(actor=None, organisation=fund, user=officer, role=Role.FUND_OFFICER)
    assert is_organiser(officer)
    _organiser(world)
    assert is_organiser(world.admin)


def test_registration_needs_both_parties_from_the_own_organisation(world, other_world):
    event = _event(_organiser(world))
    coord = world.actor(world.coordinator)
    with pytest.raises(DomainError) as e:
        services.registration_create(
            actor=coord, event=event, employer_ids=[world.coordinator.pk], union_ids=[]
        )
    assert e.value.field == "union_participants"
    with pytest.raises(DomainError):  # the union side must be a union representative
        services.registration_create(
            actor=coord,
            event=event,
            employer_ids=[world.coordinator.pk],
            union_ids=[world.employee.pk],
        )
    with pytest.raises(DomainError):  # people of another organisation
        services.registration_create(
            actor=coord,
            event=event,
            employer_ids=[other_world.coordinator.pk],
            union_ids=[world.union_rep.pk],
        )
    with pytest.raises(PermissionDeniedError):  # an employee does not register the organisation
        services.registration_create(
            actor=world.actor(world.employee),
            event=event,
            employer_ids=[world.coordinator.pk],
            union_ids=[world.union_rep.pk],
        )
    reg = _register(world, event)
    assert reg.status == Registration.Status.CONFIRMED and reg.persons == 2
    with pytest.raises(DomainError):  # one registration per organisation and event
        _register(world, event)


def test_event_from_registration_through_waiting_list_to_evaluation_statistics(db):
    a, b, c = make_world("ev-a"), make_world("ev-b"), make_world("ev-c")
    organiser = _organiser(a)
    event = _event(organiser, capacity=4)

    ra = _register(a, event, employer=2, union=1)  # 3 persons of 4
    rb = _register(b, event, employer=1, union=1)  # 2: does not fit -> waits
    rc = _register(c, event, employer=1, union=1)  # fits, but the queue goes first
    assert ra.status == "confirmed"
    assert rb.status == "waiting" and rc.status == "waiting"
    assert selectors.waiting_position(registration=rb) == 1
    assert selectors.waiting_position(registration=rc) == 2
    assert selectors.places_taken(events=[event])[event.pk] == 3

    # A cancels: B and then C move up, in order, and are told so.
    services.registration_cancel(actor=a.actor(a.coordinator), registration=ra)
    rb.refresh_from_db()
    rc.refresh_from_db()
    assert rb.status == "confirmed" and rc.status == "confirmed"
    assert Notification.objects.filter(user=b.coordinator, code="events.promoted").exists()
    assert selectors.places_taken(events=[event])[event.pk] == 4
    # A registers again: now full, so A waits.
    ra2 = _register(a, event, employer=1, union=1)
    assert ra2.status == "waiting"
    # Growing a confirmed registration beyond the capacity is refused.
    with pytest.raises(DomainError):
        services.registration_update(
            actor=b.actor(b.coordinator),
            registration=rb,
            employer_ids=[b.coordinator.pk, b.manager.pk],
            union_ids=[b.union_rep.pk],
        )

    # Reminders: once per registration, to its participants.
    now = event.starts_at - timedelta(days=1)
    assert send_event_reminders(now=now) == (2, 0)
    assert send_event_reminders(now=now) == (0, 0)
    assert Notification.objects.filter(user=c.union_rep, code="events.reminder").count() == 1

    # Not before the event; then only participants, once each.
    with pytest.raises(PermissionDeniedError):
        services.evaluation_submit(
            actor=b.actor(b.coordinator),
            event=event,
            data=services.EvaluationInput(rating=5, usefulness=5, new_ideas=True),
        )
    _end(event)
    assert send_event_reminders(now=timezone.now()) == (0, 2)
    with pytest.raises(PermissionDeniedError):  # A only waited
        services.evaluation_submit(
            actor=a.actor(a.coordinator),
            event=event,
            data=services.EvaluationInput(rating=1, usefulness=1, new_ideas=False),
        )
    answers = [
        (b, b.coordinator, 5, 4, True, "Vi tar med oss idén om intranätfilm."),
        (b, b.union_rep, 4, 4, True, ""),
        (c, c.coordinator, 3, 2, False, "För kort."),
        (c, c.union_rep, 4, 5, True, ""),
    ]
    for w, user, rating, use, ideas, comment in answers:
        services.evaluation_submit(
            actor=w.actor(user),
            event=event,
            data=services.EvaluationInput(rating, use, ideas, comment),
        )
    with pytest.raises(PermissionDeniedError):
        services.evaluation_submit(
            actor=b.actor(b.coordinator),
            event=event,
            data=services.EvaluationInput(rating=1, usefulness=1, new_ideas=False),
        )
    stats = selectors.event_statistics(event=event, with_comments=True)
    assert stats.answers == 4 and stats.results_hidden
    assert stats.rating is None and stats.comments == []
    # A fifth participant (added to C's registration before the event) answers.
    Participant.objects.create(registration=rc, user=c.decision_maker, side="employer")
    services.evaluation_submit(
        actor=c.actor(c.decision_maker),
        event=event,
        data=services.EvaluationInput(rating=4, usefulness=5, new_ideas=False),
    )
    stats = selectors.event_statistics(event=event, with_comments=True)
    assert stats.answers == 5 and not stats.results_hidden
    assert stats.rating == 4.0 and stats.usefulness == 4.0 and stats.new_ideas_percent == 60.0
    assert sorted(stats.comments) == ["För kort.", "Vi tar med oss idén om intranätfilm."]
    assert stats.organisations == 2
    assert (stats.persons_employer, stats.persons_union) == (3, 2)
    assert (stats.waiting_registrations, stats.waiting_persons) == (1, 2)
    # Evaluations carry nothing that points at a person or an organisation.
    fields = {f.name for f in Evaluation._meta.get_fields()}
    assert fields == {"id", "event", "rating", "usefulness", "new_ideas", "comment", "submitted_on"}

    year = timezone.localtime(event.starts_at).year
    ys = selectors.year_statistics(year=year)
    assert ys.events == 1 and ys.totals.answers == 5 and ys.totals.rating == 4.0

    # The organiser's pages and the Excel export, opened again.
    client = Client()
    client.force_login(a.admin)
    r = client.get(f"/events/{event.pk}/statistics/")
    assert r.status_code == 200 and "intranätfilm" in r.content.decode()
    r = client.get(f"/events/statistics/{year}.xlsx")
    assert r.status_code == 200
    ws = load_workbook(BytesIO(r.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[1][0] == event.title and rows[1][3] == 2 and rows[1][7] == 5
    assert rows[1][8] == 4.0 and rows[1][10] == 60.0
    # Comments are the organiser's only: a participant sees no statistics page.
    client.force_login(b.coordinator)
    assert client.get(f"/events/{event.pk}/statistics/").status_code == 403
    assert client.get(f"/events/statistics/{year}.xlsx").status_code == 403
    assert "intranätfilm" not in client.get(f"/events/{event.pk}/").content.decode()


def test_pages_and_forms(world, other_world):
    organiser = _organiser(world)
    event = _event(organiser, capacity=10)
    c = Client()
    c.force_login(other_world.coordinator)
    assert c.get("/events/new/").status_code == 403
    r = c.get("/events/")
    assert r.status_code == 200 and event.title in r.content.decode()
    r = c.post(
        f"/events/{event.pk}/register/", {"employer_participants": [other_world.coordinator.pk]}
    )
    assert r.status_code == 400 and "error-summary" in r.content.decode()
    r = c.post(
        f"/events/{event.pk}/register/",
        {
            "employer_participants": [other_world.coordinator.pk],
            "union_participants": [other_world.union_rep.pk],
        },
    )
    assert r.status_code == 302
    reg = Registration.objects.get(event=event, organisation=other_world.org)
    assert reg.persons == 2
    # The organiser creates an event with a programme through the form.
    c.force_login(world.admin)
    start = timezone.localtime(timezone.now() + timedelta(days=20))
    data = {
        "title": "Temaseminarium om digitalisering",
        "kind": "seminar",
        "starts_at": start.strftime("%Y-%m-%dT09:00"),
        "ends_at": start.strftime("%Y-%m-%dT12:00"),
        "place": "",
        "online_url": "https://example.org/mote",
        "capacity": "30",
        "registration_deadline": (start - timedelta(days=3)).strftime("%Y-%m-%dT12:00"),
        "description": "",
        "programme": "09.00–09.15 Välkommen\nfel rad",
    }
    r = c.post("/events/new/", data)
    assert r.status_code == 400 and "fel rad" in r.content.decode()  # typed text kept
    data["programme"] = "09.00–09.15 Välkommen\n09.15 Erfarenheter från tre myndigheter"
    r = c.post("/events/new/", data)
    assert r.status_code == 302
    new = Event.objects.get(title="Temaseminarium om digitalisering")
    assert [p.title for p in new.programme.all()] == [
        "Välkommen",
        "Erfarenheter från tre myndigheter",
    ]
    # The other organisation's registration is not shown to the organiser's organisation.
    c.force_login(world.coordinator)
    assert "Organisation beta" not in c.get(f"/events/{event.pk}/").content.decode()


def test_api_register_and_read(world):
    from lom.accounts.models import ApiToken

    event = _event(_organiser(world), capacity=2)
    _token, raw = ApiToken.issue(user=world.coordinator)
    h = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    c = Client()
    r = c.get("/api/v1/events/", **h)
    assert r.status_code == 200 and r.json()["items"][0]["free_places"] == 2
    r = c.put(
        f"/api/v1/events/{event.pk}/registration",
        {"employer_user_ids": [world.coordinator.pk], "union_user_ids": []},
        content_type="application/json",
        **h,
    )
    assert r.status_code == 400
    r = c.put(
        f"/api/v1/events/{event.pk}/registration",
        {"employer_user_ids": [world.coordinator.pk], "union_user_ids": [world.union_rep.pk]},
        content_type="application/json",
        **h,
    )
    assert r.status_code == 201 and r.json()["status"] == "confirmed"
    assert c.get(f"/api/v1/events/{event.pk}", **h).json()["free_places"] == 0
    assert c.get(f"/api/v1/events/{event.pk}/statistics", **h).status_code == 403
    r = c.delete(f"/api/v1/events/{event.pk}/registration", **h)
    assert r.status_code == 200 and r.json()["status"] == "cancelled"
    assert c.get("/api/v1/events/999999", **h).status_code == 404


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_registrations_at_the_same_instant_cannot_both_take_the_last_places():
    a, b = make_world("par-a"), make_world("par-b")
    event = _event(_organiser(a), capacity=3)
    barrier = threading.Barrier(2)
    results = []

    def register(w):
        try:
            barrier.wait(timeout=10)
            results.append(_register(w, event).status)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=register, args=(w,)) for w in (a, b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(results) == ["confirmed", "waiting"]
    assert selectors.places_taken(events=[event])[event.pk] == 2
