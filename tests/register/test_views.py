"""The register import pages: real files uploaded through the test client, the preview read
on the run page, applied after a recent sign-in, downloaded again byte for byte."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from lom.organisations.models import Unit
from lom.register.models import ImportRun
from lom.register.services import import_upload
from tests.factories import signed_in
from tests.register.files import (
    EMPLOYEE_HEADER,
    PEOPLE,
    UNIT_HEADER,
    UNITS,
    csv_bytes,
    units_file,
)

S = ImportRun.Status
URL = "/register/"


@pytest.fixture
def admin(world) -> Client:
    return signed_in(world.admin)


# Without managers: a units file alone names no one the register does not have.
UNITS_ALONE = [[*row[:3], ""] for row in UNITS]


def units_upload(name: str = "enheter.csv", rows=UNITS_ALONE) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, csv_bytes([UNIT_HEADER, *rows], encoding="cp1252"))


def people_upload(name: str = "personal.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, csv_bytes([EMPLOYEE_HEADER, *PEOPLE], encoding="cp1252"))


def upload(client, capture, **files):
    with capture(execute=True):
        return client.post(URL, {"full": "on", **files})


def last_run(world) -> ImportRun:
    return ImportRun.objects.filter(organisation=world.org).latest("id")


def test_upload_previews_and_the_run_page_shows_counts_and_changes(
    admin, world, django_capture_on_commit_callbacks
):
    units_before = Unit.objects.count()
    response = upload(
        admin,
        django_capture_on_commit_callbacks,
        units=units_upload(rows=UNITS),
        employees=people_upload(),
    )
    run = last_run(world)
    assert response.status_code == 302 and response["Location"] == f"/register/runs/{run.pk}/"
    assert run.status == S.PREVIEWED, run.errors
    assert Unit.objects.count() == units_before  # nothing written before the apply
    html = admin.get(response["Location"]).content.decode()
    assert "Klar att tillämpa" in html and ">Tillämpa</button>" in html
    assert "Bo Berg" in html  # a new employee in the changes
    assert "Sysselsättningsgrad" in html or "employment_rate" in html
    assert 'http-equiv="refresh"' not in html  # done: no refreshing
    history = admin.get(URL).content.decode()
    assert "enheter.csv" in history and "personal.csv" in history
    assert run.files.get(kind="units").checksum[:12] in history


def test_apply_needs_a_recent_sign_in_and_then_writes_the_register(
    admin, world, django_capture_on_commit_callbacks
):
    upload(admin, django_capture_on_commit_callbacks, units=units_upload())
    run = last_run(world)
    stale = signed_in(world.admin, auth_age_seconds=3600)
    refused = stale.post(f"/register/runs/{run.pk}/apply/")
    assert refused.status_code == 302 and refused["Location"].startswith("/sso/account/reauth/")
    run.refresh_from_db()
    assert run.status == S.PREVIEWED
    with django_capture_on_commit_callbacks(execute=True):
        done = admin.post(f"/register/runs/{run.pk}/apply/")
    assert done.status_code == 302
    run.refresh_from_db()
    assert run.status == S.APPLIED and run.applied_by == world.admin
    assert Unit.objects.filter(organisation=world.org, code="A", name="Avdelning A").exists()
    html = admin.get(f"/register/runs/{run.pk}/").content.decode()
    assert "Tillämpad" in html and ">Tillämpa</button>" not in html
    # Back from confirming who one is, a GET of the apply address shows the run.
    assert admin.get(f"/register/runs/{run.pk}/apply/")["Location"] == f"/register/runs/{run.pk}/"


def test_discard_sets_the_run_aside_and_writes_nothing(
    admin, world, django_capture_on_commit_callbacks
):
    upload(admin, django_capture_on_commit_callbacks, units=units_upload())
    run = last_run(world)
    assert admin.post(f"/register/runs/{run.pk}/discard/").status_code == 302
    run.refresh_from_db()
    assert run.status == S.DISCARDED
    assert not Unit.objects.filter(organisation=world.org, code="A").exists()


def test_download_returns_the_same_bytes_and_name(admin, world, django_capture_on_commit_callbacks):
    data = csv_bytes([EMPLOYEE_HEADER, *PEOPLE], encoding="cp1252")
    upload(
        admin,
        django_capture_on_commit_callbacks,
        employees=SimpleUploadedFile("Personal 2026 åäö.csv", data),
    )
    run = last_run(world)
    response = admin.get(f"/register/runs/{run.pk}/files/employees/")
    assert response.status_code == 200
    assert response.content == data
    assert "Personal%202026%20%C3%A5%C3%A4%C3%B6.csv" in response["Content-Disposition"]
    assert admin.get(f"/register/runs/{run.pk}/files/units/").status_code == 404
    assert admin.get(f"/register/runs/{run.pk}/files/nonsense/").status_code == 404


def test_the_progress_page_refreshes_itself_while_the_preview_runs(admin, world):
    # Not run on commit here: the run waits for the queue, as a big file would.
    run = import_upload(actor=world.admin, organisation=world.org, files=[units_file(UNITS_ALONE)])
    ImportRun.objects.filter(pk=run.pk).update(status=S.PREVIEWING, progress=42)
    html = admin.get(f"/register/runs/{run.pk}/").content.decode()
    assert '<meta http-equiv="refresh" content="2">' in html
    assert '<progress id="progress" max="100" value="42">' in html
    assert "42 %" in html
    assert ">Tillämpa</button>" not in html
    assert f'href="/register/runs/{run.pk}/"' in admin.get(URL).content.decode()


def test_another_organisations_run_is_not_found(
    admin, world, other_world, django_capture_on_commit_callbacks
):
    other = signed_in(other_world.admin)
    upload(other, django_capture_on_commit_callbacks, units=units_upload())
    run = last_run(other_world)
    for path in ("", "columns/", "files/units/"):
        assert admin.get(f"/register/runs/{run.pk}/{path}").status_code == 404
    assert admin.post(f"/register/runs/{run.pk}/apply/").status_code == 404
    assert admin.post(f"/register/runs/{run.pk}/discard/").status_code == 404
    run.refresh_from_db()
    assert run.status == S.PREVIEWED


def test_only_admins_and_coordinators_may_import(world):
    assert signed_in(world.coordinator).get(URL).status_code == 200
    assert signed_in(world.employee).get(URL).status_code == 403
    assert signed_in(world.manager).get(URL).status_code == 403
    units_page = signed_in(world.admin).get("/organisation/units/").content.decode()
    assert 'href="/register/"' in units_page


def test_the_import_page_links_the_example_files(admin):
    html = admin.get(URL).content.decode()
    assert "Exempelfiler" in html
    for name in ("primula_medarbetare.csv", "heroma_personal.xlsx", "heroma_lonesumma.xlsx"):
        assert f'href="/static/register/examples/{name}"' in html


def test_no_file_and_an_unreadable_file_are_refused_on_the_page(admin, world):
    assert admin.post(URL, {"full": "on"}).status_code == 400
    utf16 = "Anst.nr;Förnamn\n1;Å\n".encode("utf-16")
    response = admin.post(URL, {"employees": SimpleUploadedFile("personal.csv", utf16)})
    assert response.status_code == 400
    html = response.content.decode()
    assert "error-summary" in html and "gick inte att läsa" in html
    assert not ImportRun.objects.filter(organisation=world.org).exists()
