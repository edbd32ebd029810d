"""The register of documents: numbering in the registration year's series, the series'
settings, the list with its search and filters, who sees what, and the exports."""

import csv
import io
from datetime import UTC, date, datetime

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from lom.common.errors import DomainError
from lom.diarium import selectors
from lom.diarium.models import (
    Direction,
    DocumentKind,
    DocumentSeries,
    RegisteredDocument,
    Secrecy,
)
from lom.diarium.services import document_register, series_save
from tests.factories import signed_in


def register(world, title="Handling", *, at=None, **kwargs):
    kwargs.setdefault("kind", DocumentKind.MINUTES)
    return document_register(
        organisation_id=world.org.pk,
        title=title,
        target=world.org,
        at=at or datetime(2026, 3, 2, 10, 0, tzinfo=UTC),
        **kwargs,
    )


@pytest.mark.django_db
class TestNumbering:
    def test_default_series_counts_from_one_in_the_registration_year(self, world):
        first = register(world, "Ett")
        second = register(world, "Två")
        assert (first.number, second.number) == ("LOM 2026/1", "LOM 2026/2")
        assert (second.year, second.sequence) == (2026, 2)

    def test_the_year_is_the_registration_year_not_the_period(self, world):
        # A fund notification about the 2025 period, registered in January 2026.
        late = register(
            world,
            "Avisering för 2025",
            kind=DocumentKind.FUND_NOTIFICATION,
            at=datetime(2026, 1, 15, 9, 0, tzinfo=UTC),
        )
        earlier = register(world, "December", at=datetime(2025, 12, 30, 9, 0, tzinfo=UTC))
        assert late.number == "LOM 2026/1"
        assert earlier.number == "LOM 2025/1"  # each year its own counter

    def test_custom_format_and_width(self, world):
        series_save(
            actor=world.admin,
            organisation=world.org,
            prefix="HR",
            number_format="{prefix}-{year}-{number}",
            number_width=4,
        )
        assert register(world).number == "HR-2026-0001"

    def test_numbers_already_given_are_kept_when_the_series_changes(self, world):
        first = register(world)
        series_save(
            actor=world.admin,
            organisation=world.org,
            prefix="DNR",
            number_format="{prefix} {year}:{number}",
        )
        second = register(world)
        first.refresh_from_db()
        assert (first.number, second.number) == ("LOM 2026/1", "DNR 2026:2")

    @pytest.mark.parametrize(
        ("fmt", "width", "field"),
        [
            ("{prefix} {year}", 0, "number_format"),
            ("{prefix} {number}", 0, "number_format"),
            ("{prefix} {year}/{number}", 9, "number_width"),
        ],
    )
    def test_a_format_without_year_or_number_is_refused_and_nothing_changes(
        self, world, fmt, width, field
    ):
        with pytest.raises(DomainError) as exc:
            series_save(
                actor=world.admin,
                organisation=world.org,
                prefix="X",
                number_format=fmt,
                number_width=width,
            )
        assert exc.value.field == field
        assert not DocumentSeries.objects.filter(organisation=world.org).exists()

    def test_a_series_whose_numbers_would_not_fit_is_refused(self, world):
        with pytest.raises(DomainError, match="för långa") as exc:
            series_save(
                actor=world.admin,
                organisation=world.org,
                prefix="X" * 20,
                number_format="{prefix}" * 5 + "{year}/{number}",
            )
        assert exc.value.field == "number_format"
        assert not DocumentSeries.objects.filter(organisation=world.org).exists()

    def test_preview_of_the_next_number(self, world):
        register(world, at=timezone.now())
        year = timezone.localdate().year
        assert selectors.series_next_number(organisation=world.org) == f"LOM {year}/2"


@pytest.fixture
def documents(world):
    return {
        "minutes": register(world, "Protokoll 12 mars", at=datetime(2026, 3, 12, 9, tzinfo=UTC)),
        "application": register(
            world,
            "Ansökan: kurs i dataanalys",
            kind=DocumentKind.APPLICATION,
            direction=Direction.INCOMING,
            secrecy=Secrecy.REVIEW,
            party="Eva Ek",
            case_number="2026-0007",
            at=datetime(2026, 4, 2, 9, tzinfo=UTC),
        ),
        "letter": register(
            world,
            '=HYPERLINK("http://evil.example")',
            kind=DocumentKind.DECISION_LETTER,
            direction=Direction.OUTGOING,
            secrecy=Secrecy.REVIEW,
            party="Eva Ek",
            case_number="2026-0007",
            at=datetime(2026, 5, 2, 9, tzinfo=UTC),
        ),
    }


def titles(qs):
    return [d.title for d in qs]


@pytest.mark.django_db
class TestFilters:
    def test_newest_first_and_each_filter(self, world, documents):
        actor = world.actor(world.coordinator)
        f = selectors.DocumentFilter
        all_docs = selectors.documents_for(actor=actor)
        assert [d.pk for d in all_docs] == [
            documents["letter"].pk,
            documents["application"].pk,
            documents["minutes"].pk,
        ]
        assert titles(selectors.documents_for(actor=actor, filters=f(q="eva"))) == [
            documents["letter"].title,
            "Ansökan: kurs i dataanalys",
        ]
        assert titles(selectors.documents_for(actor=actor, filters=f(q="LOM 2026/1"))) == [
            "Protokoll 12 mars"
        ]
        assert len(selectors.documents_for(actor=actor, filters=f(q="2026-0007"))) == 2
        assert titles(selectors.documents_for(actor=actor, filters=f(kind="application"))) == [
            "Ansökan: kurs i dataanalys"
        ]
        assert titles(
            selectors.documents_for(
                actor=actor, filters=f(date_from=date(2026, 3, 13), date_to=date(2026, 4, 30))
            )
        ) == ["Ansökan: kurs i dataanalys"]
        assert titles(selectors.documents_for(actor=actor, filters=f(secrecy="public"))) == [
            "Protokoll 12 mars"
        ]
        assert len(selectors.documents_for(actor=actor, filters=f(direction="outgoing"))) == 1
        assert len(selectors.documents_for(actor=actor, filters=f(year=2026))) == 3
        assert len(selectors.documents_for(actor=actor, filters=f(year=2025))) == 0

    def test_a_union_representative_sees_the_public_documents_only(self, world, documents):
        rep = world.actor(world.union_rep)
        assert titles(selectors.documents_for(actor=rep)) == ["Protokoll 12 mars"]


@pytest.mark.django_db
class TestPage:
    def test_the_page_lists_filters_and_links(self, world, documents):
        client = signed_in(world.coordinator)
        page = client.get("/diarium/").content.decode()
        assert "LOM 2026/3" in page and "Protokoll 12 mars" in page
        page = client.get("/diarium/", {"kind": "application"}).content.decode()
        assert "Ansökan: kurs i dataanalys" in page and "Protokoll 12 mars" not in page

    def test_bad_filter_input_is_refused_with_the_field_named(self, world, documents):
        response = signed_in(world.coordinator).get("/diarium/", {"year": "12"})
        assert response.status_code == 400
        assert "error" in response.content.decode()

    def test_paged_without_counting(self, world, documents):
        for i in range(55):
            register(world, f"Handling {i}")
        client = signed_in(world.coordinator)
        first = client.get("/diarium/")
        cursor = first.context["next_cursor"]
        assert cursor and len(first.context["documents"]) == 50
        second = client.get("/diarium/", {"cursor": cursor})
        assert len(second.context["documents"]) == 8
        assert second.context["next_cursor"] is None

    def test_roles_without_access_are_refused(self, world, documents):
        assert signed_in(world.employee).get("/diarium/").status_code == 403
        assert signed_in(world.employee).get("/diarium/export.csv").status_code == 403

    def test_another_organisations_documents_are_never_shown(self, world, other_world, documents):
        register(other_world, "Främmande handling")
        page = signed_in(other_world.coordinator).get("/diarium/").content.decode()
        assert "Främmande handling" in page and "Protokoll 12 mars" not in page


@pytest.mark.django_db
class TestExports:
    def test_csv_holds_the_filtered_list_with_formulas_neutralised(self, world, documents):
        response = signed_in(world.coordinator).get("/diarium/export.csv")
        text = b"".join(response.streaming_content).decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text), delimiter=";"))
        assert rows[0][0] == "Diarienummer"
        assert [r[0] for r in rows[1:]] == ["LOM 2026/3", "LOM 2026/2", "LOM 2026/1"]
        assert rows[1][4] == '\'=HYPERLINK("http://evil.example")'
        filtered = signed_in(world.coordinator).get("/diarium/export.csv", {"kind": "minutes"})
        lines = b"".join(filtered.streaming_content).decode("utf-8-sig").splitlines()
        assert len(lines) == 2 and "Protokoll 12 mars" in lines[1]

    def test_xlsx_opens_again_and_keeps_the_formula_as_text(self, world, documents):
        response = signed_in(world.coordinator).get("/diarium/export.xlsx")
        wb = load_workbook(io.BytesIO(response.content))
        ws = wb.worksheets[0]
        rows = list(ws.iter_rows(values_only=True))
        assert rows[0][0] == "Diarienummer"
        assert rows[1][0] == "LOM 2026/3"
        cell = ws.cell(row=2, column=5)
        assert cell.data_type == "s" and cell.quotePrefix
        assert cell.value == '=HYPERLINK("http://evil.example")'

    def test_a_union_representative_exports_the_public_documents_only(self, world, documents):
        response = signed_in(world.union_rep).get("/diarium/export.csv")
        text = b"".join(response.streaming_content).decode("utf-8-sig")
        assert "Protokoll 12 mars" in text and "Ansökan" not in text


@pytest.mark.django_db
class TestSeriesPage:
    def test_preview_and_save(self, world):
        client = signed_in(world.admin)
        page = client.get("/diarium/series/")
        assert page.status_code == 200
        year = timezone.localdate().year
        assert f"LOM {year}/1" in page.content.decode()
        data = {"prefix": "HR", "number_format": "{prefix}-{year}-{number}", "number_width": "3"}
        preview = client.post("/diarium/series/", {**data, "preview": "1"})
        assert f"HR-{year}-001" in preview.content.decode()
        assert not DocumentSeries.objects.filter(organisation=world.org).exists()
        assert client.post("/diarium/series/", data).status_code == 302
        series = DocumentSeries.objects.get(organisation=world.org)
        assert (series.prefix, series.number_format, series.number_width) == (
            "HR",
            "{prefix}-{year}-{number}",
            3,
        )

    def test_preview_of_a_refused_format_names_the_rule(self, world):
        response = signed_in(world.admin).post(
            "/diarium/series/",
            {
                "prefix": "HR",
                "number_format": "{prefix}-{number}",
                "number_width": "0",
                "preview": "1",
            },
        )
        assert response.status_code == 400
        assert "måste innehålla" in response.content.decode()

    def test_refused_format_keeps_what_was_typed(self, world):
        client = signed_in(world.coordinator)
        response = client.post(
            "/diarium/series/",
            {"prefix": "HR", "number_format": "{prefix} nr", "number_width": "0"},
        )
        assert response.status_code == 400
        page = response.content.decode()
        assert "{prefix} nr" in page and "måste innehålla" in page
        assert not DocumentSeries.objects.filter(organisation=world.org).exists()

    def test_only_coordinators_and_administrators(self, world):
        assert signed_in(world.auditor).get("/diarium/series/").status_code == 403
        assert (
            signed_in(world.union_rep)
            .post("/diarium/series/", {"prefix": "X", "number_format": "{year}/{number}"})
            .status_code
            == 403
        )
        assert not DocumentSeries.objects.filter(organisation=world.org).exists()
        assert RegisteredDocument.objects.count() == 0
