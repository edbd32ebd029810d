"""The cases API: paging, the deprecated `page`, and every operation the case pages have."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from lom.accounts.models import ApiToken
from lom.cases.api.schemas import TransitionName
from lom.cases.models import Attachment, Case, Comment
from lom.cases.workflow import TRANSITIONS
from lom.funds.models import EntryKind, LedgerEntry
from tests.factories import approve, make_case

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def bearer(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(user=user)[1]}"}


JSON = "application/json"


def test_the_schema_names_every_transition_of_the_workflow():
    from typing import get_args

    assert set(get_args(TransitionName)) == set(TRANSITIONS)


def test_paging_through_all_cases_with_cursors_returns_each_case_once(world):
    made = {make_case(world, title=f"Kurs {i}").pk for i in range(7)}
    c, coord = Client(), bearer(world.coordinator)
    seen: list[int] = []
    url = "/api/v1/cases?limit=3"
    while True:
        r = c.get(url, **coord)
        assert r.status_code == 200 and "Deprecation" not in r
        body = r.json()
        assert body["page"] is None and len(body["items"]) <= 3
        seen += [row["id"] for row in body["items"]]
        if body["next_cursor"] is None:
            assert body["has_next"] is False
            break
        assert body["has_next"] is True
        url = f"/api/v1/cases?limit=3&cursor={body['next_cursor']}"
    assert sorted(seen) == sorted(made) and len(seen) == len(set(seen))


def test_the_deprecated_page_parameter_still_answers_and_says_so(world):
    make_case(world)
    r = Client().get("/api/v1/cases?page=1", **bearer(world.coordinator))
    assert r.status_code == 200
    assert r["Deprecation"].startswith("@") and 'rel="successor-version"' in r["Link"]
    assert r.json()["page"] == 1 and r.json()["has_next"] is False and len(r.json()["items"]) == 1


def test_a_bad_cursor_is_refused_naming_the_parameter(world):
    r = Client().get("/api/v1/cases?cursor=bm9wZQ", **bearer(world.coordinator))
    assert r.status_code == 400 and r.json()["field"] == "cursor"


def test_patch_changes_only_the_fields_sent_and_refuses_a_submitted_case(world):
    case = make_case(world, submit=False)
    c, emp = Client(), bearer(world.employee)
    r = c.patch(f"/api/v1/cases/{case.pk}", {"title": "Ny rubrik"}, content_type=JSON, **emp)
    assert r.status_code == 200, r.content
    case.refresh_from_db()
    assert case.title == "Ny rubrik" and case.description == "Kurs på deltid."
    r = c.patch(
        f"/api/v1/cases/{case.pk}",
        {"cost_lines": [{"kind": "course_fee", "amount_ore": 500}]},
        content_type=JSON,
        **emp,
    )
    assert r.status_code == 200 and r.json()["requested_ore"] == 500
    # Someone else's case: the coordinator does not see a draft at all.
    r = c.patch(
        f"/api/v1/cases/{case.pk}", {"title": "X"}, content_type=JSON, **bearer(world.coordinator)
    )
    assert r.status_code == 404
    submitted = make_case(world)
    r = c.patch(f"/api/v1/cases/{submitted.pk}", {"title": "Sent"}, content_type=JSON, **emp)
    assert r.status_code == 409 and r.json()["code"] == "status"
    submitted.refresh_from_db()
    assert submitted.title != "Sent"


def test_a_role_may_not_edit_anothers_application(world):
    case = make_case(world)
    r = Client().patch(
        f"/api/v1/cases/{case.pk}", {"title": "X"}, content_type=JSON, **bearer(world.coordinator)
    )
    assert r.status_code == 403


def test_a_transition_not_open_from_the_status_is_a_conflict(world):
    case = approve(world, make_case(world))
    r = Client().post(
        f"/api/v1/cases/{case.pk}/transitions",
        {"name": "start_review"},
        content_type=JSON,
        **bearer(world.coordinator),
    )
    assert r.status_code == 409 and r.json()["code"] == "status"


def test_comments_are_added_and_listed(world, other_world):
    case = make_case(world)
    c, emp = Client(), bearer(world.employee)
    url = f"/api/v1/cases/{case.pk}/comments"
    r = c.post(url, {"text": "Bifogar offert."}, content_type=JSON, **emp)
    assert r.status_code == 201 and r.json()["text"] == "Bifogar offert."
    assert Comment.objects.filter(case=case).count() == 1
    r = c.get(url, **bearer(world.coordinator))
    assert [row["text"] for row in r.json()["items"]] == ["Bifogar offert."]
    # The auditor reads but may not write; another organisation does not see the case.
    assert c.post(url, {"text": "x"}, content_type=JSON, **bearer(world.auditor)).status_code == 403
    assert c.get(url, **bearer(other_world.coordinator)).status_code == 404
    assert c.post(url, {"text": ""}, content_type=JSON, **emp).status_code == 422


def test_attachments_upload_list_and_download(world, other_world):
    case = make_case(world)
    c, emp = Client(), bearer(world.employee)
    url = f"/api/v1/cases/{case.pk}/attachments"
    upload = SimpleUploadedFile("offert.pdf", PDF, content_type="application/pdf")
    r = c.post(url, {"file": upload}, **emp)
    assert r.status_code == 201, r.content
    att = Attachment.objects.get(pk=r.json()["id"])
    assert att.register_number == f"{case.number}:1"
    assert [row["id"] for row in c.get(url, **emp).json()["items"]] == [att.pk]
    r = c.get(f"/api/v1/cases/attachments/{att.pk}", **bearer(world.coordinator))
    assert r.status_code == 200 and b"".join(r.streaming_content) == PDF
    other = bearer(other_world.coordinator)
    assert c.get(f"/api/v1/cases/attachments/{att.pk}", **other).status_code == 404
    bad = SimpleUploadedFile("x.exe", b"MZ\x90\x00", content_type="application/octet-stream")
    r = c.post(url, {"file": bad}, **emp)
    assert r.status_code == 400 and Attachment.objects.filter(case=case).count() == 1


def test_expenses_only_by_a_coordinator_on_an_approved_case(world):
    case = make_case(world)
    c = Client()
    url = f"/api/v1/cases/{case.pk}/expenses"
    coord = bearer(world.coordinator)
    assert c.post(url, {"amount_ore": 100}, content_type=JSON, **coord).status_code == 409
    case = approve(world, case)
    r = c.post(url, {"amount_ore": 100, "memo": "Faktura"}, content_type=JSON, **coord)
    assert r.status_code == 201 and r.json()["spent_ore"] == 100
    assert LedgerEntry.objects.filter(case=case, kind=EntryKind.EXPENSE).count() == 1
    r = c.post(url, {"amount_ore": 100}, content_type=JSON, **bearer(world.employee))
    assert r.status_code == 403
    r = c.post(url, {"amount_ore": case.approved_ore}, content_type=JSON, **coord)
    assert r.status_code == 400 and r.json()["field"] == "amount_ore"


def test_history_lists_the_events_with_labels_in_the_callers_language(world):
    case = make_case(world)
    c = Client()
    r = c.get(f"/api/v1/cases/{case.pk}/history", **bearer(world.employee))
    codes = [e["code"] for e in r.json()["items"]]
    assert codes[0] == "case.create" and "case.submit" in codes
    submit = next(e for e in r.json()["items"] if e["code"] == "case.submit")
    assert submit["label"] == "Skickade in ansökan" and submit["status_after"] == "submitted"
    r = c.get(
        f"/api/v1/cases/{case.pk}/history", HTTP_ACCEPT_LANGUAGE="en", **bearer(world.employee)
    )
    submit = next(e for e in r.json()["items"] if e["code"] == "case.submit")
    assert submit["label"] == "Submitted the application"


def test_another_organisations_case_is_not_found(world, other_world):
    case = make_case(world)
    other = bearer(other_world.coordinator)
    c = Client()
    assert c.get(f"/api/v1/cases/{case.pk}", **other).status_code == 404
    assert c.get(f"/api/v1/cases/{case.pk}/history", **other).status_code == 404
    r = c.post(
        f"/api/v1/cases/{case.pk}/transitions", {"name": "start_review"}, content_type=JSON, **other
    )
    assert r.status_code == 404
    assert Case.objects.get(pk=case.pk).status == "submitted"
