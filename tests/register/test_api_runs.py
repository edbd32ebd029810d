"""The register API's run actions: discard, the column mapping of a run (a new run with the
columns chosen), and the nightly staff sync end to end with the demo's Primula-like files:
upload, poll the preview, apply, poll until applied."""

from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile

import lom.register
from lom.organisations.models import Employee, Unit
from lom.register.models import ImportRun
from lom.register.selectors import mapping_for
from tests.register import test_api
from tests.register.files import csv_bytes
from tests.register.test_api import Caller, units_csv, upload

api = test_api.api  # the admin's bearer token (a fixture)
S = ImportRun.Status
EXAMPLES = Path(lom.register.__file__).parent / "static" / "register" / "examples"
PRIMULA = {
    "units": "primula_enheter.csv",
    "employees": "primula_medarbetare.csv",
    "months": "primula_manader.csv",
}


def test_discard_sets_a_run_aside_and_a_second_discard_is_a_conflict(
    api, world, django_capture_on_commit_callbacks
):
    run_id = upload(api, django_capture_on_commit_callbacks, units=units_csv()).json()["id"]
    done = api.post(f"/imports/{run_id}/discard")
    assert done.status_code == 200 and done.json()["status"] == "discarded"
    again = api.post(f"/imports/{run_id}/discard")
    assert again.status_code == 409 and again.json()["code"] == "status"
    applied = api.post(f"/imports/{run_id}/apply", json_body={"dry_run": True})
    assert applied.status_code == 409
    assert not Unit.objects.filter(organisation=world.org, code="A").exists()


def test_an_applied_run_cannot_be_discarded_or_read_again(
    api, world, django_capture_on_commit_callbacks
):
    run_id = upload(api, django_capture_on_commit_callbacks, units=units_csv()).json()["id"]
    with django_capture_on_commit_callbacks(execute=True):
        api.post(f"/imports/{run_id}/apply", json_body={})
    assert ImportRun.objects.get(pk=run_id).status == S.APPLIED
    assert api.post(f"/imports/{run_id}/discard").status_code == 409
    remap = api.put(f"/imports/{run_id}/columns", {"columns": {}})
    assert remap.status_code == 409


def test_columns_of_a_run_are_chosen_and_the_files_read_again(
    api, world, django_capture_on_commit_callbacks
):
    odd = SimpleUploadedFile("lon.csv", csv_bytes([["Period", "Utbetalt"], ["2026", "100"]]))
    first = upload(api, django_capture_on_commit_callbacks, payroll=odd).json()
    assert api.get(f"/imports/{first['id']}").json()["status"] == "invalid"
    offered = api.get(f"/imports/{first['id']}/columns")
    assert offered.status_code == 200, offered.content
    [payroll] = offered.json()["files"]
    assert payroll["kind"] == "payroll" and payroll["headers"] == ["Period", "Utbetalt"]
    with django_capture_on_commit_callbacks(execute=True):
        again = api.put(
            f"/imports/{first['id']}/columns",
            {"columns": {"payroll": {"year": "Period", "payroll": "Utbetalt"}}},
        )
    assert again.status_code == 202, again.content
    new_id = again.json()["id"]
    assert new_id != first["id"]
    assert api.get(f"/imports/{new_id}").json()["status"] == "previewed"
    assert mapping_for(organisation=world.org, kind="payroll")["payroll"] == "Utbetalt"
    assert ImportRun.objects.get(pk=first["id"]).status == S.INVALID


def test_columns_refusals_name_the_field(api, world, django_capture_on_commit_callbacks):
    run_id = upload(api, django_capture_on_commit_callbacks, units=units_csv()).json()["id"]
    unknown_field = api.put(f"/imports/{run_id}/columns", {"columns": {"units": {"x": "y"}}})
    assert unknown_field.status_code == 400 and unknown_field.json()["field"] == "columns"
    missing_kind = api.put(f"/imports/{run_id}/columns", {"columns": {"payroll": {}}})
    assert missing_kind.status_code == 400 and missing_kind.json()["field"] == "columns"
    bad_kind = api.put(f"/imports/{run_id}/columns", {"columns": {"people": {}}})
    assert bad_kind.status_code == 422 and bad_kind.json()["field"].startswith("columns")
    too_long = api.put(f"/imports/{run_id}/columns", {"columns": {"units": {"code": "x" * 201}}})
    assert too_long.status_code == 422
    assert ImportRun.objects.filter(organisation=world.org).count() == 1


def test_nightly_sync_with_the_primula_files(world, django_capture_on_commit_callbacks):
    """What the integration guide's nightly sync does: one multipart upload of the export
    files, apply_when_clean, then poll status_url until the run is applied."""
    sync = Caller(world.coordinator)
    files = {
        kind: SimpleUploadedFile(name, (EXAMPLES / name).read_bytes())
        for kind, name in PRIMULA.items()
    }
    with django_capture_on_commit_callbacks(execute=True):
        started = sync.post("/imports", {**files, "full": "false", "apply_when_clean": "true"})
    assert started.status_code == 202, started.content
    run = sync.client.get(started.json()["status_url"], **sync.headers).json()
    assert run["status"] == "applied", run["message"] or run["errors"][:3]
    assert run["error_count"] == 0 and run["counts"]["employees"]["new"] > 0
    assert Employee.objects.filter(organisation=world.org).count() > 3
    assert {f["kind"] for f in run["files"]} == set(PRIMULA)
