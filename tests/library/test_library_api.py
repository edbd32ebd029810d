"""The library API beyond drafting: changing a draft (409 once it is published), the manage
page's lists as pages, similar entries, and the CSV export as the page gives it."""

import csv
import io

import pytest
from django.test import Client

from lom.agreements.models import MeasureType
from lom.library.models import EntryStatus
from tests.api_client import error_field, token_caller
from tests.factories import make_completed_case, make_world, publish_library_entry

pytestmark = pytest.mark.django_db


def _body(**change):
    first = MeasureType.objects.order_by("pk").values_list("pk", flat=True).first()
    return {
        "title": "Ny rubrik",
        "need": "Ett nytt behov",
        "summary": "Ett nytt innehåll",
        "measure_type_ids": [first],
        "reviewed": True,
        **change,
    }


@pytest.fixture
def w():
    return make_world("lib-api")


def test_put_changes_a_draft_and_asks_consent_again(w):
    entry = publish_library_entry(w, make_completed_case(w), publish=False)
    token_caller(w.union_rep)(
        "post", f"/api/v1/library/entries/{entry.pk}/consent", {"side": "union"}
    )
    r = token_caller(w.coordinator)("put", f"/api/v1/library/entries/{entry.pk}", _body())
    assert r.status_code == 200, r.content
    assert r.json()["title"] == "Ny rubrik" and r.json()["union_consent"] is False


def test_put_refusals(w, other_world):
    entry = publish_library_entry(w, make_completed_case(w), publish=False)
    coordinator = token_caller(w.coordinator)
    url = f"/api/v1/library/entries/{entry.pk}"
    assert token_caller(w.union_rep)("put", url, _body()).status_code == 403
    assert token_caller(other_world.coordinator)("put", url, _body()).status_code == 404
    r = coordinator("put", url, _body(title=""))
    assert r.status_code == 422 and error_field(r) == "title"
    r = coordinator("put", url, _body(measure_type_ids=[]))
    assert r.status_code == 400 and error_field(r) == "measure_type_ids"
    published = publish_library_entry(w, make_completed_case(w, title="Annan kurs"))
    assert published.status == EntryStatus.PUBLISHED
    r = coordinator("put", f"/api/v1/library/entries/{published.pk}", _body())
    assert r.status_code == 409 and r.json()["code"] == "state"


def test_manage_lists_are_pages(w):
    entry = publish_library_entry(w, make_completed_case(w), publish=False)
    ready = make_completed_case(w, title="Klar kurs")
    coordinator = token_caller(w.coordinator)
    r = coordinator("get", "/api/v1/library/own?limit=1")
    assert r.status_code == 200
    assert [e["id"] for e in r.json()["items"]] == [entry.pk] and r.json()["next_cursor"] is None
    r = coordinator("get", "/api/v1/library/publishable-cases")
    assert [c["id"] for c in r.json()["items"]] == [ready.pk]
    # The union representative sees the entries but no cases to draft; an employee neither.
    r = token_caller(w.union_rep)("get", "/api/v1/library/publishable-cases")
    assert r.status_code == 200 and r.json()["items"] == []
    assert token_caller(w.employee)("get", "/api/v1/library/own").status_code == 403


def test_similar_is_an_object_and_text_is_required(w):
    publish_library_entry(w, make_completed_case(w))
    call = token_caller(w.coordinator)
    r = call("get", "/api/v1/library/similar?text=dataanalys")
    assert r.status_code == 200 and isinstance(r.json()["entries"], list)
    r = call("get", "/api/v1/library/similar?text=")
    assert r.status_code == 422 and error_field(r) == "text"


def test_csv_export_is_the_same_file_as_the_page(w):
    publish_library_entry(w, make_completed_case(w), title="=HYPERLINK(1)")
    r = token_caller(w.employee)("get", "/api/v1/library/entries.csv")
    assert r.status_code == 200 and r["Content-Type"].startswith("text/csv")
    api_bytes = b"".join(r.streaming_content)
    c = Client()
    c.force_login(w.employee)
    page_bytes = b"".join(c.get("/library/export.csv").streaming_content)
    assert api_bytes == page_bytes
    rows = list(csv.reader(io.StringIO(api_bytes.decode("utf-8-sig")), delimiter=";"))
    assert any(row and row[0].startswith("'=HYPERLINK") for row in rows), rows
    r = token_caller(w.employee)("get", "/api/v1/library/entries.csv?sector=nope")
    assert r.status_code == 422 and error_field(r) == "sector"
