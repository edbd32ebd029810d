"""API routes of the register of documents, mounted at /api/v1/diarium by lom.api.api: what a
diarium system reads (the registered documents, newest first, with the same search and filters
as the page, one document, the list as CSV or Excel) and the numbering series. The same
selectors, service and role checks as the pages."""

from datetime import datetime
from typing import TYPE_CHECKING, Literal

from django.http import HttpResponse, StreamingHttpResponse
from ninja import Field, Query, Router, Schema

from lom.common.bounds import FIRST_YEAR, LAST_YEAR, NAME_MAX
from lom.common.pagination import keyset_page
from lom.common.schemas import DEFAULT_LIMIT, Cursor, Day, ErrorOut, Id, Limit, Page
from lom.common.validation import require
from lom.diarium import selectors, services
from lom.diarium.exports import register_csv_response, register_xlsx_response
from lom.diarium.links import document_link
from lom.diarium.models import (
    FORMAT_MAX,
    PREFIX_MAX,
    Direction,
    DocumentKind,
    DocumentSeries,
    RegisteredDocument,
    Secrecy,
)
from lom.diarium.permissions import can_manage_series, can_read_register
from lom.organisations.access import Actor

router = Router(tags=["diarium"])

if TYPE_CHECKING:
    KindFilter = str
    SecrecyFilter = str
    DirectionFilter = str
else:
    # The model's codes, "" for all (an enum in the document).
    KindFilter = Literal[("", *DocumentKind.values)]
    SecrecyFilter = Literal[("", *Secrecy.values)]
    DirectionFilter = Literal[("", *Direction.values)]


class DiariumDocumentFilter(Schema):
    q: str = Field(
        "", max_length=NAME_MAX, description="Search in number, title, party and case number."
    )
    kind: KindFilter = ""
    year: int | None = Field(None, ge=FIRST_YEAR, le=LAST_YEAR, description="Registration year.")
    date_from: Day | None = Field(None, description="Registered on or after this day.")
    date_to: Day | None = Field(None, description="Registered on or before this day.")
    secrecy: SecrecyFilter = ""
    direction: DirectionFilter = ""

    def filters(self) -> selectors.DocumentFilter:
        return selectors.DocumentFilter(
            q=self.q.strip(),
            kind=self.kind,
            year=self.year,
            date_from=self.date_from,
            date_to=self.date_to,
            secrecy=self.secrecy,
            direction=self.direction,
        )


class DiariumDocumentOut(Schema):
    id: int
    number: str = Field(
        ..., description="The number in the organisation's series, e.g. LOM 2026/42."
    )
    year: int
    sequence: int
    kind: DocumentKind
    direction: Direction
    title: str
    party: str
    secrecy: Secrecy
    case_id: int | None
    case_number: str
    target_type: str = Field(..., description='What the document is: "<app>.<model>".')
    target_id: int
    registered_at: datetime
    link: str = Field(..., description="The path of the page in LOM that shows it (may be empty).")


class DiariumSeriesIn(Schema):
    prefix: str = Field(..., min_length=1, max_length=PREFIX_MAX)
    number_format: str = Field(
        ...,
        min_length=1,
        max_length=FORMAT_MAX,
        description="With {year} and {number}, optionally {prefix}: {prefix} {year}/{number}.",
    )
    number_width: int = Field(
        0, ge=0, le=8, description="Digits the number is padded to (0: none)."
    )


class DiariumSeriesOut(Schema):
    prefix: str
    number_format: str
    number_width: int
    next_number: str = Field(..., description="The number the next registration would get.")


FILE_RESPONSES = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _file_response(kind: str) -> dict:
    return {
        "responses": {
            "200": {
                "description": "The filtered register (formula-looking text kept as text).",
                "content": {
                    FILE_RESPONSES[kind]: {"schema": {"type": "string", "format": "binary"}}
                },
            }
        }
    }


def _reader(request) -> Actor:
    actor: Actor = request.api_actor
    require(can_read_register(actor))
    return actor


def _out(d: RegisteredDocument) -> DiariumDocumentOut:
    return DiariumDocumentOut(
        id=d.pk,
        number=d.number,
        year=d.year,
        sequence=d.sequence,
        kind=DocumentKind(d.kind),
        direction=Direction(d.direction),
        title=d.title,
        party=d.party,
        secrecy=Secrecy(d.secrecy),
        case_id=d.case_id,
        case_number=d.case_number,
        target_type=d.target_type,
        target_id=d.target_id,
        registered_at=d.registered_at,
        link=document_link(d),
    )


def _series_out(actor: Actor, series: DocumentSeries) -> DiariumSeriesOut:
    return DiariumSeriesOut(
        prefix=series.prefix,
        number_format=series.number_format,
        number_width=series.number_width,
        next_number=selectors.series_next_number(organisation=actor.organisation, series=series),
    )


@router.get(
    "/documents",
    response={200: Page[DiariumDocumentOut], 400: ErrorOut},
    summary="List the registered documents, newest first (search and filters as on the page)",
)
def list_documents(
    request,
    filters: Query[DiariumDocumentFilter],
    cursor: Cursor | None = None,
    limit: Limit = DEFAULT_LIMIT,
) -> Page[DiariumDocumentOut]:
    qs = selectors.documents_for(actor=_reader(request), filters=filters.filters())
    rows, nxt = keyset_page(qs, cursor=cursor, limit=limit, order=selectors.ORDER)
    return Page[DiariumDocumentOut](items=[_out(d) for d in rows], next_cursor=nxt)


@router.get(
    "/documents.csv",
    summary="The filtered register as CSV",
    openapi_extra=_file_response("csv"),
)
def export_documents_csv(request, filters: Query[DiariumDocumentFilter]) -> StreamingHttpResponse:
    return register_csv_response(
        selectors.documents_for(actor=_reader(request), filters=filters.filters())
    )


@router.get(
    "/documents.xlsx",
    summary="The filtered register as Excel",
    openapi_extra=_file_response("xlsx"),
)
def export_documents_xlsx(request, filters: Query[DiariumDocumentFilter]) -> HttpResponse:
    return register_xlsx_response(
        selectors.documents_for(actor=_reader(request), filters=filters.filters())
    )


@router.get(
    "/documents/{document_id}",
    response=DiariumDocumentOut,
    summary="Read one registered document",
)
def get_document(request, document_id: Id) -> DiariumDocumentOut:
    return _out(selectors.document_get(actor=_reader(request), pk=document_id))


def _series_manager(request) -> Actor:
    actor: Actor = request.api_actor
    require(can_manage_series(actor))
    return actor


@router.get("/series", response=DiariumSeriesOut, summary="Read the numbering series")
def get_series(request) -> DiariumSeriesOut:
    actor = _series_manager(request)
    return _series_out(actor, selectors.series_of(organisation=actor.organisation))


@router.put(
    "/series",
    response={200: DiariumSeriesOut, 400: ErrorOut, 409: ErrorOut},
    summary="Set the numbering series (prefix, format, width); numbers given are kept",
)
def put_series(request, payload: DiariumSeriesIn) -> DiariumSeriesOut:
    actor = _series_manager(request)
    series = services.series_save(
        actor=actor.user,
        organisation=actor.organisation,
        prefix=payload.prefix,
        number_format=payload.number_format,
        number_width=payload.number_width,
    )
    return _series_out(actor, series)
