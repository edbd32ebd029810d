"""Personal data by API: retention (read, set, run now) for the administrator, the read log
for the administrator and the auditor, the data-subject export with the same bytes as the page;
another organisation's employee is not found, refusals name the field."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from lom.cases.models import Case
from lom.common.models import AuditEvent, ReadLog
from lom.common.readlog import record_read
from lom.privacy.models import RetentionPolicy
from tests.api_client import token_caller
from tests.factories import signed_in
from tests.privacy.helpers import REASON, closed_case_with_reason

API = "/api/v1/privacy"


def test_retention_is_read_set_and_run_by_the_administrator(world):
    call = token_caller(world.admin)
    got = call("get", f"{API}/retention")
    assert got.status_code == 200, got.content
    rows = {c["data_class"]: c for c in got.json()["classes"]}
    assert rows["case.draft"]["overridden"] is False and rows["case.draft"]["due"] == 0
    low = rows["mail.body"]["min_months"]
    put = call("put", f"{API}/retention", {"data_class": "mail.body", "months": low})
    assert put.status_code == 200, put.content
    assert {c["data_class"]: c for c in put.json()["classes"]}["mail.body"]["months"] == low
    assert RetentionPolicy.objects.get(organisation=world.org, data_class="mail.body").months == low
    case = closed_case_with_reason(world)
    Case.objects.filter(pk=case.pk).update(updated_at=timezone.now() - timedelta(days=4000))
    ran = call("post", f"{API}/retention/run")
    assert ran.status_code == 200 and ran.json()["removed"]["case.private_reason"] == 1
    assert Case.objects.get(pk=case.pk).private_reason == ""
    event = AuditEvent.objects.get(
        action="privacy.retention_run", after__data_class="case.private_reason"
    )
    assert event.actor == world.admin
    assert call("post", f"{API}/retention/run").json()["removed"]["case.private_reason"] == 0


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"data_class": "case.secret", "months": 12}, 422, "data_class"),
        ({"data_class": "mail.body", "months": 0}, 422, "months"),
        ({"data_class": "mail.body", "months": 121}, 422, "months"),
        ({"data_class": "common.readlog", "months": 1}, 400, "months"),
    ],
)
def test_a_period_the_rules_refuse_names_the_field(world, body, status, field):
    r = token_caller(world.admin)("put", f"{API}/retention", body)
    assert r.status_code == status and r.json()["field"] == field
    assert not RetentionPolicy.objects.exists()


@pytest.mark.parametrize("role", ["coordinator", "auditor", "employee"])
def test_retention_is_the_administrators(world, role):
    call = token_caller(world.users[role])
    assert call("get", f"{API}/retention").status_code == 403
    assert call("post", f"{API}/retention/run").status_code == 403
    assert (
        call("put", f"{API}/retention", {"data_class": "mail.body", "months": 6}).status_code == 403
    )


def _read(world, case):
    record_read(
        organisation_id=world.org.pk,
        actor=world.coordinator,
        data_class="case.private_reason",
        target=case,
        channel="page",
        employee_id=case.applicant_id,
    )


def test_the_read_log_is_searched_and_paged_by_the_auditor(world, other_world):
    case = closed_case_with_reason(world)
    for _ in range(3):
        _read(world, case)
    _read(other_world, closed_case_with_reason(other_world))
    call = token_caller(world.auditor)
    first = call("get", f"{API}/reads?employee=Eva&limit=2")
    assert first.status_code == 200, first.content
    page = first.json()
    assert len(page["items"]) == 2 and page["next_cursor"]
    assert page["items"][0]["employee"] == "Eva Ek"
    rest = call("get", f"{API}/reads?employee=Eva&limit=2&cursor={page['next_cursor']}").json()
    assert len(rest["items"]) == 1 and rest["next_cursor"] is None
    ids = {r["id"] for r in page["items"] + rest["items"]}
    assert ids == set(ReadLog.objects.filter(organisation=world.org).values_list("id", flat=True))
    none = call("get", f"{API}/reads?data_class=support.session_note").json()
    assert none["items"] == []
    bad = call("get", f"{API}/reads?data_class=mail.body")
    assert bad.status_code == 422 and bad.json()["field"] == "data_class"
    csv = call("get", f"{API}/reads.csv?employee=Eva")
    assert csv.status_code == 200 and csv["Content-Type"].startswith("text/csv")
    assert b"".join(csv.streaming_content).decode().count("case.private_reason") == 3
    assert token_caller(world.coordinator)("get", f"{API}/reads").status_code == 403


def test_the_subject_export_gives_the_pages_bytes(world, other_world):
    closed_case_with_reason(world)
    call = token_caller(world.admin)
    found = call("get", f"{API}/subjects?q=Eva").json()
    assert [e["id"] for e in found["items"]] == [world.employee_rec.pk]
    assert call("get", f"{API}/subjects").json()["items"] == []
    pk = world.employee_rec.pk
    by_api = call("get", f"{API}/subjects/{pk}/export.json")
    assert by_api.status_code == 200 and by_api["Content-Type"].startswith("application/json")
    by_page = signed_in(world.admin).get(f"/privacy/subjects/{pk}/export.json")
    # The same document: only what the first export itself added (its audit event and its
    # read-log rows) and the time differ.
    same = ("format", "organisation", "employee", "user_account", "cases", "counselling")
    api_data, page_data = json.loads(by_api.content), json.loads(by_page.content)
    assert {k: api_data[k] for k in same} == {k: page_data[k] for k in same}
    assert json.loads(by_api.content)["cases"][0]["private_reason"] == REASON
    assert by_api["Content-Disposition"] == by_page["Content-Disposition"]
    pdf = call("get", f"{API}/subjects/{pk}/export.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="privacy.subject_export").count() == 3
    theirs = other_world.employee_rec.pk
    assert call("get", f"{API}/subjects/{theirs}/export.json").status_code == 404
    assert call("get", f"{API}/subjects/{2**64}/export.json").status_code == 422
    assert token_caller(world.auditor)("get", f"{API}/subjects/{pk}/export.json").status_code == 403
    assert token_caller(world.auditor)("get", f"{API}/subjects?q=Eva").status_code == 403


def test_an_old_browser_session_must_confirm_before_the_export(world):
    stale = signed_in(world.admin, auth_age_seconds=3600 * 24)
    r = stale.get(f"{API}/subjects/{world.employee_rec.pk}/export.json")
    assert r.status_code == 403 and r.json()["code"] == "reauth_required"
    assert not AuditEvent.objects.filter(action="privacy.subject_export").exists()
