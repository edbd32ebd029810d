"""The privacy pages: retention (administrator), the read log (administrator and auditor),
and the read-log rows written where special-category data is shown."""

from datetime import timedelta

import pytest
from django.utils import timezone

from lom.common.models import ReadLog
from lom.privacy.models import RetentionPolicy
from tests.api_client import token_caller
from tests.factories import UserFactory, signed_in
from tests.privacy.helpers import REASON, closed_case_with_reason, session_with_note

# --- retention page ---------------------------------------------------------------------------


def test_the_retention_page_shows_classes_periods_and_the_preview_with_links(world):
    case = closed_case_with_reason(world, age_days=3 * 365)
    r = signed_in(world.admin).get("/privacy/retention/")
    assert r.status_code == 200
    html = r.content.decode()
    assert "Personliga skäl i ansökan" in html
    assert "case.draft" in html
    assert f'href="/cases/{case.pk}/"' in html
    assert REASON not in html


def test_a_period_is_changed_on_the_page_and_a_refusal_keeps_what_was_typed(world):
    c = signed_in(world.admin)
    r = c.post("/privacy/retention/", {"data_class": "case.private_reason", "months": "7"})
    assert r.status_code == 400
    html = r.content.decode()
    assert 'value="7"' in html
    assert "mellan 12 och 120" in html
    r = c.post("/privacy/retention/", {"data_class": "case.private_reason", "months": "36"})
    assert r.status_code == 302
    assert RetentionPolicy.objects.get(organisation=world.org).months == 36
    assert "36" in c.get("/privacy/retention/").content.decode()


@pytest.mark.parametrize("role", ["coordinator", "auditor", "employee"])
def test_only_the_administrator_sees_retention(world, role):
    assert signed_in(world.users[role]).get("/privacy/retention/").status_code == 403


# --- read-log rows where the data is shown --------------------------------------------------


def test_the_coordinator_viewing_a_case_leaves_a_row_the_applicant_does_not(world):
    case = closed_case_with_reason(world)
    r = signed_in(world.coordinator).get(f"/cases/{case.pk}/")
    assert REASON in r.content.decode()
    row = ReadLog.objects.get()
    assert (row.actor, row.data_class, row.target_id, row.employee) == (
        world.coordinator,
        "case.private_reason",
        case.pk,
        world.employee_rec,
    )
    assert row.channel == "page"
    signed_in(world.employee).get(f"/cases/{case.pk}/")
    assert ReadLog.objects.count() == 1


def test_a_case_without_a_reason_or_hidden_from_the_reader_leaves_no_row(world):
    case = closed_case_with_reason(world)
    signed_in(world.union_rep).get(f"/cases/{case.pk}/")  # not consented: not shown
    assert not ReadLog.objects.exists()


def test_the_api_answer_with_the_reason_leaves_a_row(world):
    case = closed_case_with_reason(world)
    r = token_caller(world.coordinator)("get", f"/api/v1/cases/{case.pk}")
    assert r.status_code == 200
    assert r.json()["private_reason"] == REASON
    row = ReadLog.objects.get()
    assert (row.channel, row.target_id, row.actor) == ("api", case.pk, world.coordinator)


def test_the_api_notes_answer_to_the_coach_leaves_a_row(world):
    coach, booking, note = session_with_note(world)
    r = token_caller(coach)("get", f"/api/v1/support/bookings/{booking.pk}")
    assert r.status_code == 200
    assert r.json()["notes"][0]["text"] == note.text
    assert ReadLog.objects.get().channel == "api"


def test_the_coach_reading_notes_leaves_a_row_per_note_the_employee_does_not(world):
    coach, booking, note = session_with_note(world)
    r = signed_in(coach).get(f"/support/counselling/bookings/{booking.pk}/")
    assert note.text in r.content.decode()
    row = ReadLog.objects.get()
    assert (row.data_class, row.target_id, row.employee_id, row.organisation_id) == (
        "support.session_note",
        note.pk,
        world.employee_rec.pk,
        world.org.pk,
    )
    signed_in(world.employee).get(f"/support/counselling/bookings/{booking.pk}/")
    assert ReadLog.objects.count() == 1


# --- the read-log page ------------------------------------------------------------------------


def _read_by_coordinator(world):
    case = closed_case_with_reason(world)
    signed_in(world.coordinator).get(f"/cases/{case.pk}/")
    return case


def test_the_auditor_finds_the_read_by_employee_name_and_number(world, other_world):
    case = _read_by_coordinator(world)
    _read_by_coordinator(other_world)
    c = signed_in(world.auditor)
    for q in ("Eva", "ek"):
        r = c.get("/privacy/reads/", {"employee": q})
        assert r.status_code == 200
        html = r.content.decode()
        assert f"cases.case#{case.pk}" in html
        assert "Eva Ek" in html
    # Only this organisation's rows: the other organisation's case never appears.
    assert c.get("/privacy/reads/").content.decode().count("cases.case#") == 1
    r = c.get("/privacy/reads/", {"employee": "Kim"})
    assert f"cases.case#{case.pk}" not in r.content.decode()


def test_the_read_log_filters_by_reader_class_and_dates(world):
    case = _read_by_coordinator(world)
    c = signed_in(world.admin)
    hit = f"cases.case#{case.pk}"
    assert hit in c.get("/privacy/reads/", {"reader": world.coordinator.username}).content.decode()
    assert hit not in c.get("/privacy/reads/", {"reader": "nobody"}).content.decode()
    assert (
        hit not in c.get("/privacy/reads/", {"data_class": "support.session_note"}).content.decode()
    )
    today = timezone.localdate()
    assert hit in c.get("/privacy/reads/", {"date_from": today.isoformat()}).content.decode()
    later = (today + timedelta(days=1)).isoformat()
    assert hit not in c.get("/privacy/reads/", {"date_from": later}).content.decode()


def test_the_read_log_csv_is_neutralised_and_paged_pages_work(world):
    evil = UserFactory(username="=cmd|calc", first_name="=HYPERLINK(1)", last_name="")
    from lom.organisations.models import Role
    from lom.organisations.services import membership_grant

    membership_grant(actor=None, organisation=world.org, user=evil, role=Role.COORDINATOR)
    case = closed_case_with_reason(world)
    signed_in(evil).get(f"/cases/{case.pk}/")
    r = signed_in(world.auditor).get("/privacy/reads/", {"format": "csv"})
    assert r.status_code == 200
    body = b"".join(r.streaming_content).decode("utf-8")
    assert "'=HYPERLINK(1)" in body
    assert "\n=HYPERLINK" not in body and ";=HYPERLINK" not in body
    assert signed_in(world.auditor).get("/privacy/reads/", {"page": "99"}).status_code == 200


@pytest.mark.parametrize("role", ["coordinator", "employee", "manager"])
def test_the_read_log_is_for_the_administrator_and_the_auditor_only(world, role):
    assert signed_in(world.users[role]).get("/privacy/reads/").status_code == 403


def test_the_menu_links_the_privacy_pages_for_the_administrator(world):
    html = signed_in(world.admin).get("/").content.decode()
    assert 'href="/privacy/"' in html
    assert signed_in(world.auditor).get("/privacy/").url == "/privacy/reads/"


def test_an_unreadable_search_shows_nothing_and_names_the_field(world):
    case = _read_by_coordinator(world)
    r = signed_in(world.auditor).get("/privacy/reads/", {"date_from": "igår"})
    html = r.content.decode()
    assert f"cases.case#{case.pk}" not in html
    assert "Inga läsningar." in html
