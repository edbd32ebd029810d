"""The register sync API: upload (202), poll, apply with and without dry_run, mappings per
kind, the file again; refusals name the field, another organisation's run is not found."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from lom.accounts.models import ApiToken
from lom.organisations.models import Unit
from lom.register.models import ImportRun
from lom.register.selectors import mapping_for
from tests.api_client import error_field
from tests.register.files import EMPLOYEE_HEADER, PEOPLE, UNIT_HEADER, UNITS, csv_bytes
from tests.register.test_views import signed_in

S = ImportRun.Status
API = "/api/v1/register"
UNITS_ALONE = [[*row[:3], ""] for row in UNITS]


class Caller:
    """The API with one user's bearer token."""

    def __init__(self, user):
        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(user=user)[1]}"}
        self.client = Client(raise_request_exception=False)

    def get(self, path, **params):
        return self.client.get(API + path, params, **self.headers)

    def post(self, path, data=None, *, json_body=None):
        if json_body is not None:
            return self.client.post(
                API + path, json.dumps(json_body), content_type="application/json", **self.headers
            )
        return self.client.post(API + path, data or {}, **self.headers)

    def put(self, path, body):
        return self.client.put(
            API + path, json.dumps(body), content_type="application/json", **self.headers
        )


@pytest.fixture
def api(world) -> Caller:
    return Caller(world.admin)


def units_csv(rows=UNITS_ALONE) -> SimpleUploadedFile:
    return SimpleUploadedFile("enheter.csv", csv_bytes([UNIT_HEADER, *rows]))


def upload(api, capture, **data):
    with capture(execute=True):
        return api.post("/imports", data)


def test_upload_answers_202_and_the_run_is_polled_to_its_preview(
    api, world, django_capture_on_commit_callbacks
):
    response = upload(
        api,
        django_capture_on_commit_callbacks,
        units=SimpleUploadedFile("enheter.csv", csv_bytes([UNIT_HEADER, *UNITS])),
        employees=SimpleUploadedFile("personal.csv", csv_bytes([EMPLOYEE_HEADER, *PEOPLE])),
        full="false",
    )
    assert response.status_code == 202, response.content
    body = response.json()
    assert body["status_url"] == f"{API}/imports/{body['id']}"
    assert {f["kind"] for f in body["files"]} == {"units", "employees"}
    assert body["full"] is False
    run = api.get(f"/imports/{body['id']}", limit=2).json()
    assert run["status"] == "previewed" and run["progress"] == 100
    assert run["counts"]["employees"]["new"] == 3 and run["counts"]["units"]["new"] == 3
    assert len(run["changes"]) == 2 and run["changes_stored"] == 6
    everything = api.get(f"/imports/{body['id']}", limit=100).json()["changes"]
    page2 = api.get(f"/imports/{body['id']}", offset=2, limit=2).json()
    assert page2["changes"] == everything[2:4] and everything[:2] == run["changes"]
    listed = api.get("/imports").json()
    assert [r["id"] for r in listed["items"]] == [body["id"]] and listed["next_cursor"] is None


def test_dry_run_writes_nothing_and_apply_runs_in_the_background(
    api, world, django_capture_on_commit_callbacks
):
    run_id = upload(api, django_capture_on_commit_callbacks, units=units_csv()).json()["id"]
    dry = api.post(f"/imports/{run_id}/apply", json_body={"dry_run": True})
    assert dry.status_code == 200, dry.content
    assert dry.json()["counts"]["units"]["new"] == 3
    assert not Unit.objects.filter(organisation=world.org, code="A").exists()
    assert ImportRun.objects.get(pk=run_id).status == S.PREVIEWED
    with django_capture_on_commit_callbacks(execute=True):
        applied = api.post(f"/imports/{run_id}/apply", json_body={"dry_run": False})
    assert applied.status_code == 202 and applied.json()["status"] == "applying"
    assert api.get(f"/imports/{run_id}").json()["status"] == "applied"
    assert Unit.objects.filter(organisation=world.org, code="A").exists()
    again = api.post(f"/imports/{run_id}/apply", json_body={})
    assert again.status_code == 409 and "kan inte tillämpas" in again.json()["detail"]


def test_the_file_comes_back_as_uploaded(api, world, django_capture_on_commit_callbacks):
    data = csv_bytes([UNIT_HEADER, *UNITS_ALONE], encoding="cp1252")
    run_id = upload(
        api, django_capture_on_commit_callbacks, units=SimpleUploadedFile("Enh ö.csv", data)
    ).json()["id"]
    response = api.get(f"/imports/{run_id}/files/units")
    assert response.status_code == 200 and response.content == data
    assert "filename*=utf-8''Enh%20%C3%B6.csv" in response["Content-Disposition"]
    assert api.get(f"/imports/{run_id}/files/payroll").status_code == 404
    assert error_field(api.get(f"/imports/{run_id}/files/people")) == "kind"


def test_mappings_are_read_and_saved_per_kind(api, world):
    empty = api.get("/mappings/payroll")
    assert empty.status_code == 200 and empty.json()["columns"] == {}
    assert {f["key"] for f in empty.json()["fields"]} == {"year", "payroll"}
    saved = api.put("/mappings/payroll", {"columns": {"year": "Kalenderår", "payroll": "Summa"}})
    assert saved.status_code == 200, saved.content
    assert mapping_for(organisation=world.org, kind="payroll")["year"] == "Kalenderår"
    assert api.get("/mappings/payroll").json()["columns"]["payroll"] == "Summa"
    unknown = api.put("/mappings/payroll", {"columns": {"salary": "Lön"}})
    assert unknown.status_code == 400 and error_field(unknown) == "columns"
    assert error_field(api.put("/mappings/people", {"columns": {}})) == "kind"


def test_bad_uploads_are_refused_naming_the_field(api, world, settings):
    assert error_field(api.post("/imports", {})) == "file"
    bad_json = api.post("/imports", {"units": units_csv(), "columns": "{not json"})
    assert bad_json.status_code == 400 and error_field(bad_json) == "columns"
    bad_kind = api.post("/imports", {"units": units_csv(), "columns": '{"people": {}}'})
    assert error_field(bad_kind) == "columns"
    bad_field = api.post("/imports", {"units": units_csv(), "columns": '{"units": {"x": "y"}}'})
    assert error_field(bad_field) == "columns"
    pdf = api.post("/imports", {"units": SimpleUploadedFile("enheter.pdf", b"%PDF-1.4")})
    assert pdf.status_code == 400 and error_field(pdf) == "files"
    settings.LOM_REGISTER_MAX_BYTES = 10
    too_big = api.post("/imports", {"units": units_csv()})
    assert too_big.status_code == 400 and error_field(too_big) == "units"
    assert not ImportRun.objects.filter(organisation=world.org).exists()


def test_a_given_mapping_is_saved_and_used(api, world, django_capture_on_commit_callbacks):
    odd = SimpleUploadedFile("lon.csv", csv_bytes([["Period", "Utbetalt"], ["2026", "100"]]))
    columns = json.dumps({"payroll": {"year": "Period", "payroll": "Utbetalt"}})
    body = upload(api, django_capture_on_commit_callbacks, payroll=odd, columns=columns).json()
    assert api.get(f"/imports/{body['id']}").json()["status"] == "previewed"
    assert mapping_for(organisation=world.org, kind="payroll")["payroll"] == "Utbetalt"


def test_other_roles_and_other_organisations_are_kept_out(
    api, world, other_world, django_capture_on_commit_callbacks
):
    other = Caller(other_world.admin)
    run_id = upload(other, django_capture_on_commit_callbacks, units=units_csv()).json()["id"]
    assert api.get(f"/imports/{run_id}").status_code == 404
    assert api.get(f"/imports/{run_id}/files/units").status_code == 404
    assert api.post(f"/imports/{run_id}/apply", json_body={"dry_run": True}).status_code == 404
    assert api.get("/imports").json()["items"] == []
    assert api.post(f"/imports/{run_id}/discard").status_code == 404
    assert api.get(f"/imports/{run_id}/columns").status_code == 404
    assert api.put(f"/imports/{run_id}/columns", {"columns": {}}).status_code == 404
    assert ImportRun.objects.get(pk=run_id).status == S.PREVIEWED
    employee = Caller(world.employee)
    assert employee.get("/imports").status_code == 403
    assert employee.post("/imports", {"units": units_csv()}).status_code == 403
    assert employee.post(f"/imports/{run_id}/discard").status_code == 403
    assert Caller(world.coordinator).get("/imports").status_code == 200


def test_apply_with_a_stale_browser_session_asks_to_sign_in_again(
    api, world, django_capture_on_commit_callbacks
):
    run_id = upload(api, django_capture_on_commit_callbacks, units=units_csv()).json()["id"]
    browser = signed_in(world.admin, auth_age_seconds=3600)  # signed in an hour ago
    response = browser.post(f"{API}/imports/{run_id}/apply", "{}", content_type="application/json")
    assert response.status_code == 403 and response.json()["code"] == "reauth_required"
    assert ImportRun.objects.get(pk=run_id).status == S.PREVIEWED
