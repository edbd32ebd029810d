"""The example export files the demo ships import cleanly for Statens tillsynsverk from the
import page, in both column layouts, with a mix of new, changed, leaving and unchanged; and
they are what the script that makes them writes."""

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

import lom.register
from lom.accounts.models import User
from lom.demo.management.commands.demo_register_files import example_files
from lom.organisations.middleware import SESSION_KEY
from lom.organisations.models import Organisation
from lom.register.models import ImportRun
from tests.register.test_views import signed_in

EXAMPLES = Path(lom.register.__file__).parent / "static" / "register" / "examples"


@pytest.fixture
def demo_admin(db):
    call_command("load_demo", stdout=io.StringIO())
    org = Organisation.objects.get(slug="tillsynsverket")
    client = signed_in(User.objects.get(username="admin"))
    session = client.session
    session[SESSION_KEY] = org.pk
    session.save()
    return client, org


def _import(client, org, capture, **files: str) -> ImportRun:
    uploads = {
        kind: SimpleUploadedFile(name, (EXAMPLES / name).read_bytes())
        for kind, name in files.items()
    }
    with capture(execute=True):
        response = client.post("/register/", {"full": "on", **uploads})
    run = ImportRun.objects.filter(organisation=org).latest("id")
    # The headers are recognised: straight to the preview, no column mapping step.
    assert response.status_code == 302 and response["Location"] == f"/register/runs/{run.pk}/"
    return run


def test_both_layouts_preview_cleanly_with_a_mix(demo_admin, django_capture_on_commit_callbacks):
    client, org = demo_admin
    run = _import(
        client,
        org,
        django_capture_on_commit_callbacks,
        units="primula_enheter.csv",
        employees="primula_medarbetare.csv",
        months="primula_manader.csv",
    )
    assert run.status == ImportRun.Status.PREVIEWED, run.errors[:5]
    assert run.error_count == 0
    people = run.counts["employees"]
    assert (people["new"], people["leaving"], people["changed"]) == (10, 8, 10)
    assert people["unchanged"] == 242
    units = run.counts["units"]
    assert (units["new"], units["changed"], units["unchanged"]) == (1, 2, 10)
    assert run.counts["months"]["new"] + run.counts["months"]["changed"] > 0
    page = client.get(f"/register/runs/{run.pk}/").content.decode()
    assert "Registratur och arkiv" in page and "Lindqvist Berg" in page
    # The other layout, against the same register (nothing was applied).
    run = _import(
        client,
        org,
        django_capture_on_commit_callbacks,
        employees="heroma_personal.xlsx",
        payroll="heroma_lonesumma.xlsx",
    )
    assert run.status == ImportRun.Status.PREVIEWED, run.errors[:5]
    assert run.counts["employees"]["new"] == 10 and run.counts["employees"]["leaving"] == 8
    assert run.counts["payroll"]["new"] == 3


def test_the_files_are_what_the_script_writes():
    for name, data in example_files().items():
        if name.endswith(".csv"):  # an xlsx carries the time it was written
            assert (EXAMPLES / name).read_bytes() == data, f"manage.py demo_register_files: {name}"
        else:
            assert (EXAMPLES / name).exists()
