"""Career and study counselling: coaches publish times, employees book once, cancelling rules,
concurrency, notes visible only to the employee and the coach, and suppressed counts."""

import threading
from datetime import date, datetime, timedelta

import pytest
from django.db import connections
from django.test import Client
from django.utils import timezone

from lom.common.errors import DomainError, PermissionDeniedError
from lom.common.models import Notification
from lom.fundmode.models import FundMembership
from lom.organisations.access import actor_for
from lom.organisations.models import Organisation, Role
from lom.organisations.services import membership_grant
from lom.support import selectors, services
from lom.support.models import Booking, SessionNote, Slot
from lom.support.selectors import counselling_counts
from tests.factories import UserFactory, make_coach, make_slot, make_world

SECRET = "Vill byta till IT-yrket, orolig för ekonomin HEMLIGT"


@pytest.fixture
def fund(world):
    org = Organisation.objects.create(name="Omställningsfonden test", slug="of-test", kind="fund")
    FundMembership.objects.create(fund=org, member=world.org, joined_on=date(2020, 1, 1))
    return org


@pytest.fixture
def coach(fund):
    return make_coach(fund, "fond-vagledare")


def actor(user, org):
    a = actor_for(user=user, organisation_id=org.pk)
    assert a is not None
    return a


def test_employee_sees_own_org_coaches_and_the_fund_coaches_but_not_others(world, fund, coach):
    own_coach = make_coach(world.org, "egen-vagledare")
    stranger_org = Organisation.objects.create(name="Annan fond", slug="annan", kind="fund")
    stranger = make_coach(stranger_org, "annan-vagledare")
    s_fund = make_slot(coach, fund)
    s_own = make_slot(own_coach, world.org)
    s_other = make_slot(stranger, stranger_org)
    emp = world.actor(world.employee)
    ids = set(selectors.slots_available(actor=emp).values_list("pk", flat=True))
    assert ids == {s_fund.pk, s_own.pk}
    with pytest.raises(DomainError) as exc:
        services.slot_book(actor=emp, slot_id=s_other.pk)
    assert exc.value.code == "not_found"
    # A coach whose role was revoked no longer offers times.
    from lom.organisations.models import Membership

    Membership.objects.filter(user=own_coach, role=Role.COACH).delete()
    ids = set(selectors.slots_available(actor=emp).values_list("pk", flat=True))
    assert ids == {s_fund.pk}


def test_booking_notifies_both_and_a_slot_is_booked_once(world, fund, coach):
    slot = make_slot(coach, fund)
    booking = services.slot_book(actor=world.actor(world.employee), slot_id=slot.pk)
    slot.refresh_from_db()
    assert slot.is_booked and booking.status == Booking.Status.BOOKED
    assert booking.employee_organisation == world.org
    assert Notification.objects.filter(user=coach, kind="counselling").count() == 1
    assert Notification.objects.filter(user=world.employee, kind="counselling").count() == 1
    with pytest.raises(DomainError) as exc:
        services.slot_book(actor=world.actor(world.colleague), slot_id=slot.pk)
    assert exc.value.code == "taken"
    assert Booking.objects.filter(slot=slot).count() == 1


def test_a_stale_read_cannot_double_book(world, fund, coach):
    """The second booker read the slot as free before the first booked: the conditional
    update in the service still refuses."""
    slot = make_slot(coach, fund)
    stale = Slot.objects.get(pk=slot.pk)
    assert not stale.is_booked
    services.slot_book(actor=world.actor(world.employee), slot_id=slot.pk)
    with pytest.raises(DomainError):
        services.slot_book(actor=world.actor(world.colleague), slot_id=stale.pk)
    assert Booking.objects.filter(slot=slot).exclude(status="cancelled").count() == 1


def test_database_constraint_allows_one_active_booking_per_slot(world, fund, coach):
    from django.db import IntegrityError, transaction

    slot = make_slot(coach, fund)
    Booking.objects.create(slot=slot, employee=world.employee_rec, employee_organisation=world.org)
    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.create(
            slot=slot, employee=world.colleague_rec, employee_organisation=world.org
        )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_employees_booking_the_last_slot_at_once_only_one_gets_it():
    w = make_world("samtidig-bokning")
    fund_org = Organisation.objects.create(name="Fond samtidig", slug="fond-samtidig", kind="fund")
    FundMembership.objects.create(fund=fund_org, member=w.org)
    coach_user = make_coach(fund_org, "samtidig-vagledare")
    slot = make_slot(coach_user, fund_org)
    barrier = threading.Barrier(2)
    results: list[str] = []

    def book(user):
        try:
            barrier.wait(timeout=10)
            services.slot_book(actor=w.actor(user), slot_id=slot.pk)
            results.append("booked")
        except DomainError as exc:
            results.append(exc.code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=book, args=(u,)) for u in (w.employee, w.colleague)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(results) == ["booked", "taken"]
    assert Booking.objects.filter(slot=slot).count() == 1


def test_employee_cancels_more_than_24h_before_and_the_time_is_free_again(world, fund, coach):
    slot = make_slot(coach, fund, starts_in=timedelta(hours=25))
    emp = world.actor(world.employee)
    booking = services.slot_book(actor=emp, slot_id=slot.pk)
    services.booking_cancel(actor=emp, booking=booking)
    booking.refresh_from_db()
    slot.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED and booking.cancelled_by == world.employee
    assert not slot.is_booked and not slot.withdrawn
    assert Notification.objects.filter(user=coach, code="support.booking_cancelled").exists()
    # The freed time can be booked by someone else.
    again = services.slot_book(actor=world.actor(world.colleague), slot_id=slot.pk)
    assert again.status == Booking.Status.BOOKED


def test_employee_cannot_cancel_within_24h_but_the_coach_can_with_a_reason(world, fund, coach):
    slot = make_slot(coach, fund, starts_in=timedelta(hours=23))
    emp = world.actor(world.employee)
    booking = services.slot_book(actor=emp, slot_id=slot.pk)
    with pytest.raises(DomainError) as exc:
        services.booking_cancel(actor=emp, booking=booking)
    assert "24 timmar" in str(exc.value.message)
    coach_actor = actor(coach, fund)
    with pytest.raises(DomainError):
        services.booking_cancel(actor=coach_actor, booking=booking, reason="  ")
    services.booking_cancel(actor=coach_actor, booking=booking, reason="Jag är sjuk.")
    slot.refresh_from_db()
    assert slot.withdrawn and not slot.is_booked
    assert Notification.objects.filter(user=world.employee, params__r="Jag är sjuk.").exists()
    assert slot.pk not in set(selectors.slots_available(actor=emp).values_list("pk", flat=True))


def test_other_people_cannot_cancel(world, fund, coach):
    slot = make_slot(coach, fund)
    booking = services.slot_book(actor=world.actor(world.employee), slot_id=slot.pk)
    for role in ("colleague", "manager", "coordinator", "admin"):
        a = world.actor(getattr(world, role))
        with pytest.raises(DomainError):
            services.booking_cancel(actor=a, booking=booking, reason="x")
    booking.refresh_from_db()
    assert booking.status == Booking.Status.BOOKED


def test_limit_of_upcoming_bookings_and_past_slots(world, fund, coach):
    emp = world.actor(world.employee)
    slots = [make_slot(coach, fund, starts_in=timedelta(days=d)) for d in (2, 3, 4)]
    services.slot_book(actor=emp, slot_id=slots[0].pk)
    services.slot_book(actor=emp, slot_id=slots[1].pk)
    with pytest.raises(DomainError) as exc:
        services.slot_book(actor=emp, slot_id=slots[2].pk)
    assert "högst 2" in str(exc.value.message)
    Slot.objects.filter(pk=slots[2].pk).update(starts_at=timezone.now() - timedelta(hours=1))
    with pytest.raises(DomainError):
        services.slot_book(actor=world.actor(world.colleague), slot_id=slots[2].pk)


def test_slot_rules(world, fund, coach):
    c = actor(coach, fund)
    soon = timezone.now() + timedelta(days=1)
    with pytest.raises(DomainError) as exc:
        services.slot_create(
            actor=c,
            starts_at=timezone.now() - timedelta(minutes=5),
            duration_minutes=60,
            mode="online",
            video_link="https://v.example.org",
        )
    assert exc.value.field == "starts_at"
    with pytest.raises(DomainError) as exc:
        services.slot_create(actor=c, starts_at=soon, duration_minutes=60, mode="online")
    assert exc.value.field == "video_link"
    with pytest.raises(DomainError) as exc:
        services.slot_create(actor=c, starts_at=soon, duration_minutes=60, mode="on_site")
    assert exc.value.field == "place"
    services.slot_create(
        actor=c, starts_at=soon, duration_minutes=60, mode="on_site", place="Rum 3"
    )
    with pytest.raises(DomainError) as exc:  # overlaps the one just made
        services.slot_create(
            actor=c,
            starts_at=soon + timedelta(minutes=30),
            duration_minutes=60,
            mode="on_site",
            place="Rum 3",
        )
    assert "krockar" in str(exc.value.message)
    services.slot_create(
        actor=c,
        starts_at=soon + timedelta(minutes=60),
        duration_minutes=30,
        mode="on_site",
        place="Rum 3",
    )
    with pytest.raises(PermissionDeniedError):
        services.slot_create(
            actor=world.actor(world.coordinator),
            starts_at=soon + timedelta(days=1),
            duration_minutes=60,
            mode="on_site",
            place="Rum 3",
        )


def test_coach_marks_held_only_after_the_start(world, fund, coach):
    slot = make_slot(coach, fund)
    booking = services.slot_book(actor=world.actor(world.employee), slot_id=slot.pk)
    c = actor(coach, fund)
    with pytest.raises(DomainError):
        services.booking_mark_held(actor=c, booking=booking)
    Slot.objects.filter(pk=slot.pk).update(starts_at=timezone.now() - timedelta(hours=1))
    with pytest.raises(DomainError):
        services.booking_mark_held(actor=world.actor(world.employee), booking=booking)
    booking = services.booking_mark_held(actor=c, booking=booking)
    assert booking.status == Booking.Status.HELD


# --- notes: only the employee and the coach -------------------------------------------------


@pytest.fixture
def noted(world, fund, coach):
    slot = make_slot(coach, fund)
    booking = services.slot_book(actor=world.actor(world.employee), slot_id=slot.pk)
    services.note_add(actor=actor(coach, fund), booking=booking, text=SECRET)
    return booking


def _outsiders(world, fund):
    """Every other role: in the employer, in the fund, another coach, a superuser."""
    users = {r: world.users[r] for r in world.users if r != "employee"}
    users["colleague"] = world.colleague
    for role in (Role.FUND_OFFICER, Role.ORG_ADMIN, Role.AUDITOR, Role.COORDINATOR):
        u = UserFactory(username=f"fund-{role}")
        membership_grant(actor=None, organisation=fund, user=u, role=role)
        users[f"fund_{role}"] = u
    users["other_coach_same_fund"] = make_coach(fund, "annan-vagledare-fond")
    users["own_org_coach"] = make_coach(world.org, "egen-vagledare2")
    return users


def test_notes_are_visible_to_the_employee_and_the_coach(world, fund, coach, noted):
    for user in (world.employee, coach):
        c = Client()
        c.force_login(user)
        r = c.get(f"/support/counselling/bookings/{noted.pk}/")
        assert r.status_code == 200 and SECRET in r.content.decode()
        r = c.get(f"/api/v1/support/bookings/{noted.pk}")
        assert r.status_code == 200 and r.json()["notes"][0]["text"] == SECRET
    # The employee writes a note too; the coach reads it.
    services.note_add(actor=world.actor(world.employee), booking=noted, text="Tack för samtalet")
    c = Client()
    c.force_login(coach)
    assert (
        "Tack för samtalet" in c.get(f"/support/counselling/bookings/{noted.pk}/").content.decode()
    )


def test_notes_are_hidden_from_every_other_role(world, fund, coach, noted):
    for name, user in _outsiders(world, fund).items():
        c = Client()
        c.force_login(user)
        for path in (
            f"/support/counselling/bookings/{noted.pk}/",
            f"/api/v1/support/bookings/{noted.pk}",
        ):
            r = c.get(path)
            assert r.status_code == 404, (name, path)
            assert SECRET not in r.content.decode(), (name, path)
        for path in (
            "/support/counselling/",
            "/support/counselling/counts/",
            "/api/v1/support/bookings",
            f"/api/v1/support/counselling-counts/{timezone.localdate().year}",
            "/support/",
        ):
            r = c.get(path)
            assert r.status_code < 500, (name, path)
            assert SECRET not in r.content.decode(), (name, path)
        # Nor may they write a note or cancel.
        r = c.post(f"/support/counselling/bookings/{noted.pk}/", {"text": "inbrott"})
        assert r.status_code == 404, name
        r = c.post(
            f"/api/v1/support/bookings/{noted.pk}/notes",
            {"text": "x"},
            content_type="application/json",
        )
        assert r.status_code == 404, name
        with pytest.raises(PermissionDeniedError):
            a = actor_for(user=user)
            services.note_add(actor=a, booking=noted, text="inbrott")
    assert SessionNote.objects.count() == 1


def test_notes_are_not_in_django_admin_nor_in_the_audit_trail(world, noted):
    from lom.common.models import AuditEvent

    su = UserFactory(username="root", is_staff=True, is_superuser=True)
    c = Client()
    c.force_login(su)
    r = c.get("/django-admin/support/booking/")
    assert r.status_code == 200 and SECRET not in r.content.decode()
    r = c.get(f"/django-admin/support/booking/{noted.pk}/change/")
    assert r.status_code == 200 and SECRET not in r.content.decode()
    assert c.get("/django-admin/support/sessionnote/").status_code == 404
    assert SECRET not in c.get("/django-admin/").content.decode()
    for event in AuditEvent.objects.all():
        assert SECRET not in str(event.after) + str(event.before) + event.note


# --- counts ----------------------------------------------------------------------------------


def _bookings_in(world, coach_user, org, month: int, n: int, *, status="booked", year=2025):
    for i in range(n):
        slot = Slot.objects.create(
            organisation=org,
            coach=coach_user,
            starts_at=timezone.make_aware(datetime(year, month, 10, 8 + i % 8, 0)),
            duration_minutes=60,
            mode="online",
            video_link="https://v.example.org",
            is_booked=status != "cancelled",
        )
        Booking.objects.create(
            slot=slot, employee=world.employee_rec, employee_organisation=world.org, status=status
        )


def test_counts_per_month_with_small_cells_suppressed(world, fund, coach):
    _bookings_in(world, coach, fund, 3, 6, status="held")
    _bookings_in(world, coach, fund, 3, 2, status="cancelled")
    _bookings_in(world, coach, fund, 4, 3)
    _bookings_in(world, coach, fund, 5, 7, status="held")
    counts = counselling_counts(organisation=world.org, year=2025)
    march, april, may = counts.months[2], counts.months[3], counts.months[4]
    assert march.cells == [8, 6, None]  # 2 cancellations hidden
    assert april.cells == [None, 0, 0]  # 3 bookings hidden; 0 is shown
    # April's 3 is the only small "booked" cell, so the next smallest (May's 7) is hidden too:
    # otherwise 3 could be worked out from the total.
    assert may.cells == [None, 7, 0]
    assert counts.total.cells == [18, 13, None]
    assert counts.months[0].cells == [0, 0, 0]
    assert [r.label for r in counts.by_organisation] == [world.org.name]
    # A fund sees the same numbers per member employer, and never anything else.
    fund_counts = counselling_counts(organisation=fund, year=2025)
    assert fund_counts.by_organisation[0].label == world.org.name
    assert fund_counts.by_organisation[0].cells == [18, 13, None]
    assert counselling_counts(organisation=world.org, year=2024).total.cells == [0, 0, 0]


def test_secondary_suppression_hides_the_next_smallest(world, fund, coach):
    _bookings_in(world, coach, fund, 1, 3)
    _bookings_in(world, coach, fund, 2, 6)
    _bookings_in(world, coach, fund, 3, 9)
    counts = counselling_counts(organisation=world.org, year=2025)
    assert counts.months[0].booked is not None and counts.months[0].cells[0] is None
    assert counts.months[1].cells[0] is None  # 6 hidden too, so 3 cannot be derived
    assert counts.months[2].cells[0] == 9
    assert counts.total.cells[0] == 18


def test_counts_page_and_api_for_report_readers_only(world, fund, coach):
    _bookings_in(world, coach, fund, 3, 6, status="held")
    c = Client()
    c.force_login(world.coordinator)
    r = c.get("/support/counselling/counts/?year=2025")
    body = r.content.decode()
    assert r.status_code == 200 and "mars 2025" in body and "Per arbetsgivare" in body
    r = c.get("/api/v1/support/counselling-counts/2025")
    assert r.status_code == 200 and r.json()["months"][2]["held"] == 6
    e = Client()
    e.force_login(world.employee)
    assert e.get("/support/counselling/counts/").status_code == 403
    assert e.get("/api/v1/support/counselling-counts/2025").status_code == 403
    assert c.get("/support/counselling/counts/?year=abc").status_code == 200


# --- pages and API ----------------------------------------------------------------------------


def test_pages_book_cancel_and_publish(world, fund, coach):
    c = Client()
    c.force_login(coach)
    start = timezone.localtime() + timedelta(days=5)
    r = c.post(
        "/support/counselling/",
        {
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "duration_minutes": "45",
            "mode": "on_site",
            "place": "",
            "video_link": "",
        },
    )
    body = r.content.decode()
    assert r.status_code == 200 and "Ange platsen" in body and 'value="45"' in body
    r = c.post(
        "/support/counselling/",
        {
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "duration_minutes": "45",
            "mode": "on_site",
            "place": "Kompetenscentret, rum 2",
        },
    )
    assert r.status_code == 302
    slot = Slot.objects.get(coach=coach)
    e = Client()
    e.force_login(world.employee)
    page = e.get("/support/counselling/").content.decode()
    assert "Kompetenscentret, rum 2" in page and "Vera Vägledare" in page
    r = e.post(f"/support/counselling/slots/{slot.pk}/book/")
    booking = Booking.objects.get(slot=slot)
    assert r.status_code == 302 and r["Location"].endswith(f"/bookings/{booking.pk}/")
    r = e.post(f"/support/counselling/slots/{slot.pk}/book/", follow=True)
    assert "redan bokad" in r.content.decode()
    r = e.post(f"/support/counselling/bookings/{booking.pk}/cancel/", follow=True)
    booking.refresh_from_db()
    assert booking.status == "cancelled" and "avbokat" in r.content.decode()
    # The coach withdraws the (now free) time.
    r = c.post(f"/support/counselling/slots/{slot.pk}/withdraw/")
    slot.refresh_from_db()
    assert r.status_code == 302 and slot.withdrawn
    # The coordinator has no counselling page of their own (not an employee, not a coach).
    k = Client()
    k.force_login(world.coordinator)
    assert k.get("/support/counselling/").status_code == 403


def test_api_booking_flow(world, fund, coach):
    c = Client()
    c.force_login(coach)
    start = (timezone.now() + timedelta(days=4)).isoformat()
    r = c.post(
        "/api/v1/support/slots",
        {
            "starts_at": start,
            "duration_minutes": 60,
            "mode": "online",
            "video_link": "https://v.example.org/x",
        },
        content_type="application/json",
    )
    assert r.status_code == 201
    slot_id = r.json()["id"]
    r = c.post(
        "/api/v1/support/slots",
        {"starts_at": start, "mode": "online"},
        content_type="application/json",
    )
    assert r.status_code == 400 and r.json()["field"] in ("starts_at", "video_link")
    e = Client()
    e.force_login(world.employee)
    assert [s["id"] for s in e.get("/api/v1/support/slots").json()["items"]] == [slot_id]
    mine = c.get("/api/v1/support/slots?mine=true").json()["items"]
    assert [s["id"] for s in mine] == [slot_id]
    r = e.post(f"/api/v1/support/slots/{slot_id}/booking")
    assert r.status_code == 201 and r.json()["video_link"] == "https://v.example.org/x"
    r = Client()
    r.force_login(world.colleague)
    again = r.post(f"/api/v1/support/slots/{slot_id}/booking")
    assert again.status_code == 409 and again.json()["code"] == "taken"
    assert r.post("/api/v1/support/slots/999999/booking").status_code == 404
    booking_id = e.get("/api/v1/support/bookings").json()["items"][0]["id"]
    as_coach = c.get("/api/v1/support/bookings?as_coach=true").json()["items"]
    assert [b["id"] for b in as_coach] == [booking_id]
    assert e.post(f"/api/v1/support/bookings/{booking_id}/held").status_code == 403
    r = e.post(f"/api/v1/support/bookings/{booking_id}/cancel", {}, content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "cancelled"
    # Cancelled: the state refuses cancelling again.
    r = e.post(f"/api/v1/support/bookings/{booking_id}/cancel", {}, content_type="application/json")
    assert r.status_code == 409 and r.json()["code"] == "state"


def test_employer_coach_serves_own_employees_only(world, other_world):
    coach_user = make_coach(world.org, "alfa-vagledare")
    slot = make_slot(coach_user, world.org)
    other_emp = actor_for(user=other_world.employee, organisation_id=other_world.org.pk)
    assert not selectors.slots_available(actor=other_emp).exists()
    with pytest.raises(DomainError):
        services.slot_book(actor=other_emp, slot_id=slot.pk)


# --- demo ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_demo_support_runs_without_a_fund_twice_and_gives_three_verdicts():
    from django.core.management import call_command

    from lom.support.selectors import employee_check_preview

    call_command("load_demo")
    call_command("load_demo_support")
    counts = (Slot.objects.count(), Booking.objects.count(), SessionNote.objects.count())
    call_command("load_demo_support")
    assert counts == (Slot.objects.count(), Booking.objects.count(), SessionNote.objects.count())
    region = Organisation.objects.get(slug="region-norrsund")
    coach_user = UserFactory._meta.model.objects.get(username="vagledare")
    assert coach_user.check_password("demo")
    assert coach_user.memberships.filter(organisation=region, role=Role.COACH).exists()
    assert counts[0] >= 15 and counts[1] == 3 and counts[2] == 1
    verdicts = []
    from lom.support.models import EmploymentMonth

    for emp_id in set(EmploymentMonth.objects.values_list("employee_id", flat=True)):
        emp = region.employees.get(pk=emp_id)
        r = employee_check_preview(organisation=region, employee=emp, as_of=timezone.localdate())
        verdicts.append((r.eligible, r.counted_months))
    assert sorted(verdicts) == [(False, 8), (True, 12), (True, 23)]
