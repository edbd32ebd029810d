"""The diarium API: what a diarium system reads, and the numbering series."""

import csv
import io
from datetime import UTC, datetime

import pytest

from lom.diarium.models import DocumentKind, DocumentSeries, Secrecy
from tests.api_client import error_field, token_caller
from tests.diarium.test_register import register

API = "/api/v1/diarium"


@pytest.fixture
def docs(world):
    out = []
    for i in range(5):
        out.append(
            register(
                world,
                f"Handling {i}",
                kind=DocumentKind.APPLICATION if i % 2 else DocumentKind.MINUTES,
                secrecy=Secrecy.REVIEW if i % 2 else Secrecy.PUBLIC,
                at=datetime(2026, 3, 1 + i, 9, tzinfo=UTC),
            )
        )
    return out


@pytest.mark.django_db
class TestDocuments:
    def test_pages_newest_first_with_filters(self, world, docs):
        call = token_caller(world.coordinator)
        first = call("get", f"{API}/documents?limit=3").json()
        assert [d["number"] for d in first["items"]] == ["LOM 2026/5", "LOM 2026/4", "LOM 2026/3"]
        second = call("get", f"{API}/documents?limit=3&cursor={first['next_cursor']}").json()
        assert [d["number"] for d in second["items"]] == ["LOM 2026/2", "LOM 2026/1"]
        assert second["next_cursor"] is None
        apps = call("get", f"{API}/documents?kind=application").json()["items"]
        assert [d["title"] for d in apps] == ["Handling 3", "Handling 1"]
        ranged = call("get", f"{API}/documents?date_from=2026-03-02&date_to=2026-03-03").json()
        assert [d["title"] for d in ranged["items"]] == ["Handling 2", "Handling 1"]
        found = call("get", f"{API}/documents?q=handling%204").json()["items"]
        assert (
            found[0]["kind"] == "minutes"
            and found[0]["target_type"] == "organisations.organisation"
        )

    def test_one_document_and_another_organisations_is_404(self, world, other_world, docs):
        call = token_caller(world.auditor)
        body = call("get", f"{API}/documents/{docs[0].pk}").json()
        assert body["number"] == "LOM 2026/1" and body["secrecy"] == "public"
        stranger = register(other_world, "Främmande")
        assert call("get", f"{API}/documents/{stranger.pk}").status_code == 404
        assert stranger.pk not in [
            d["id"] for d in call("get", f"{API}/documents?limit=200").json()["items"]
        ]

    def test_union_representative_reads_the_public_documents_only(self, world, docs):
        call = token_caller(world.union_rep)
        items = call("get", f"{API}/documents").json()["items"]
        assert {d["secrecy"] for d in items} == {"public"} and len(items) == 3
        assert call("get", f"{API}/documents/{docs[1].pk}").status_code == 404

    def test_employee_is_refused(self, world, docs):
        assert token_caller(world.employee)("get", f"{API}/documents").status_code == 403

    @pytest.mark.parametrize(
        ("query", "field"),
        [
            ("kind=nonsense", "kind"),
            ("year=99", "year"),
            ("cursor=%21%21", "cursor"),
            ("date_from=3000-01-01", "date_from"),
            ("limit=0", "limit"),
        ],
    )
    def test_bad_input_names_the_field(self, world, docs, query, field):
        response = token_caller(world.coordinator)("get", f"{API}/documents?{query}")
        assert response.status_code in (400, 422)
        assert error_field(response) == field

    def test_csv_export(self, world, docs):
        response = token_caller(world.coordinator)("get", f"{API}/documents.csv?kind=minutes")
        text = b"".join(response.streaming_content).decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text), delimiter=";"))
        assert [r[4] for r in rows[1:]] == ["Handling 4", "Handling 2", "Handling 0"]

    def test_xlsx_export(self, world, docs):
        response = token_caller(world.coordinator)("get", f"{API}/documents.xlsx")
        assert response.status_code == 200 and response.content[:2] == b"PK"


@pytest.mark.django_db
class TestSeries:
    def test_read_and_set(self, world):
        call = token_caller(world.admin)
        body = call("get", f"{API}/series").json()
        assert body["prefix"] == "LOM" and body["next_number"].startswith("LOM ")
        response = call(
            "put",
            f"{API}/series",
            {"prefix": "HR", "number_format": "{prefix}/{year}/{number}", "number_width": 2},
        )
        assert response.status_code == 200
        assert response.json()["next_number"].startswith("HR/") and response.json()[
            "next_number"
        ].endswith("/01")
        assert DocumentSeries.objects.get(organisation=world.org).prefix == "HR"

    def test_refusals_change_nothing(self, world):
        admin = token_caller(world.admin)
        bad = admin("put", f"{API}/series", {"prefix": "HR", "number_format": "{prefix}"})
        assert bad.status_code == 400 and error_field(bad) == "number_format"
        wide = admin(
            "put",
            f"{API}/series",
            {"prefix": "HR", "number_format": "{year}/{number}", "number_width": 9},
        )
        assert wide.status_code == 422 and error_field(wide) == "number_width"
        rep = token_caller(world.union_rep)
        assert (
            rep(
                "put", f"{API}/series", {"prefix": "X", "number_format": "{year}/{number}"}
            ).status_code
            == 403
        )
        assert rep("get", f"{API}/series").status_code == 403
        assert not DocumentSeries.objects.filter(organisation=world.org).exists()
