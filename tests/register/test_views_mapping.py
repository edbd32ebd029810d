"""The column mapping step: a file whose headers the register does not recognise leads to a
form with one select per field; the choice is saved, reused by the next upload, and kept when
a later file proves bad."""

from django.core.files.uploadedfile import SimpleUploadedFile

from lom.register.models import ImportRun
from lom.register.selectors import mapping_for
from tests.register.files import csv_bytes
from tests.register.test_views import admin, last_run, upload  # noqa: F401 (fixture)

S = ImportRun.Status
# A payroll system that names its columns in its own way.
ODD_HEADER = ["Kalenderperiod", "Summa utbetalt"]
ODD_ROWS = [["2025", "1 250 000 000,00"], ["2026", "1 300 000 000"]]
CHOICE = {"payroll-year": "Kalenderperiod", "payroll-payroll": "Summa utbetalt"}


def odd_file() -> SimpleUploadedFile:
    return SimpleUploadedFile("lon.csv", csv_bytes([ODD_HEADER, *ODD_ROWS], encoding="cp1252"))


def test_unknown_headers_lead_to_the_mapping_form_and_the_choice_is_saved_and_reused(
    admin,  # noqa: F811
    world,
    django_capture_on_commit_callbacks,
):
    first = upload(admin, django_capture_on_commit_callbacks, payroll=odd_file())
    run = last_run(world)
    assert first["Location"] == f"/register/runs/{run.pk}/columns/"
    form = admin.get(first["Location"]).content.decode()
    assert '<option value="Kalenderperiod">Kalenderperiod</option>' in form
    assert 'name="payroll-year"' in form and 'name="payroll-payroll"' in form
    assert "required" in form  # year and payroll must be mapped
    with django_capture_on_commit_callbacks(execute=True):
        chosen = admin.post(first["Location"], CHOICE)
    mapped = last_run(world)
    assert mapped.pk != run.pk and chosen["Location"] == f"/register/runs/{mapped.pk}/"
    assert mapped.status == S.PREVIEWED, mapped.errors
    assert mapped.counts["payroll"]["new"] == 2
    assert mapping_for(organisation=world.org, kind="payroll") == {
        "year": "Kalenderperiod",
        "payroll": "Summa utbetalt",
    }
    # The next file in the same layout goes straight to its preview.
    again = upload(admin, django_capture_on_commit_callbacks, payroll=odd_file())
    assert again["Location"] == f"/register/runs/{last_run(world).pk}/"
    assert last_run(world).status == S.PREVIEWED


def test_one_column_for_two_fields_is_refused_and_the_choice_kept(
    admin,  # noqa: F811
    world,
    django_capture_on_commit_callbacks,
):
    upload(admin, django_capture_on_commit_callbacks, payroll=odd_file())
    run = last_run(world)
    response = admin.post(
        f"/register/runs/{run.pk}/columns/",
        {"payroll-year": "Kalenderperiod", "payroll-payroll": "Kalenderperiod"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "error-summary" in html and "redan vald" in html
    assert '<option value="Kalenderperiod" selected>' in html
    assert last_run(world).pk == run.pk  # no new run


def test_a_bad_file_keeps_the_saved_mapping(
    admin,  # noqa: F811
    world,
    django_capture_on_commit_callbacks,
):
    upload(admin, django_capture_on_commit_callbacks, payroll=odd_file())
    with django_capture_on_commit_callbacks(execute=True):
        admin.post(f"/register/runs/{last_run(world).pk}/columns/", CHOICE)
    saved = mapping_for(organisation=world.org, kind="payroll")
    runs = ImportRun.objects.count()
    broken = SimpleUploadedFile("lon.csv", "Kalenderperiod;Summa\n".encode("utf-16"))
    response = admin.post("/register/", {"payroll": broken})
    assert response.status_code == 400 and "gick inte att läsa" in response.content.decode()
    assert mapping_for(organisation=world.org, kind="payroll") == saved
    assert ImportRun.objects.count() == runs
    # A file that has lost a mapped column is asked about again, the saved choice pre-filled.
    other = SimpleUploadedFile("lon.csv", csv_bytes([["Kalenderperiod", "Belopp"], ["2025", "1"]]))
    asked = upload(admin, django_capture_on_commit_callbacks, payroll=other)
    assert asked["Location"].endswith("/columns/")
    form = admin.get(asked["Location"]).content.decode()
    assert '<option value="Kalenderperiod" selected>' in form
