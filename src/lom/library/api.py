"""Measure library API, mounted at /api/v1/library by lom.api.api.

Reads: the published library of the installation (search, filters, pages) and one entry; the
organisation's own entries for its parties. Writes: draft from a case, consent, withdrawal —
the same services as the HTML views."""

from datetime import datetime
from typing import Annotated, Literal

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from lom.common.bounds import COMMENT_MAX, DB_ID_MAX, NAME_MAX, TEXT_MAX
from lom.common.errors import PermissionDeniedError
from lom.common.pagination import keyset_page
from lom.common.schemas import DEFAULT_LIMIT, Cursor, ErrorOut, Id, Limit, Page, inline_choices
from lom.followup.models import NeedMet
from lom.library import selectors, services
from lom.library.exports import library_csv_response
from lom.library.models import MAX_MEASURE_TYPES, NEED_CATEGORY_MAX, LibraryEntry
from lom.library.permissions import can_manage_library
from lom.organisations.models import Organisation

router = Router(tags=["library"])


Sector = Annotated[Organisation.Kind, inline_choices(Organisation.Kind)]


class EntryOut(Schema):
    id: int
    title: str
    need: str
    need_category: str
    summary: str
    lessons: str
    measure_types: list[str]
    total_cost_ore: int | None
    cost_per_participant_ore: int | None
    participants_band: str
    participants_band_label: str
    need_met: str
    main_outcome: str
    outcome_label: str
    sector: str
    size_band: str
    year: int
    organisation_name: str | None
    contact_name: str | None
    contact_email: str | None
    published_at: datetime | None
    url: str


class ClosePublishedOut(Schema):
    """A published entry of the same organisation that a draft is close to (see
    selectors.DUPLICATE_MIN)."""

    id: int
    title: str
    score: float
    url: str


class OwnEntryOut(EntryOut):
    status: str
    employer_consent: bool
    union_consent: bool
    publish_anyway: bool = False
    similar_published: list[ClosePublishedOut] = Field(
        default_factory=list,
        description="For a draft of the reader's own organisation (in the detail): the "
        "organisation's published entries it is close to. While the list is not empty the "
        "draft is published only after the coordinator's publish-anyway.",
    )


class PageOut(Schema):
    count: int
    page: int
    pages: int
    mode: str
    more: bool = Field(
        False,
        description="A text search ranks the newest matches (up to 1 000, and up to 1 000 "
        "more holding all the words): true when further, older entries match too; another "
        "word or a filter narrows the search to them.",
    )
    results: list[EntryOut]


DbId = Annotated[int, Field(ge=1, le=DB_ID_MAX)]


class EntryIn(Schema):
    title: str = Field(min_length=1, max_length=NAME_MAX)
    need: str = Field(min_length=1, max_length=TEXT_MAX)
    summary: str = Field(min_length=1, max_length=TEXT_MAX)
    measure_type_ids: list[DbId] = Field(max_length=MAX_MEASURE_TYPES)
    need_category: str = Field("", max_length=NEED_CATEGORY_MAX)
    lessons: str = Field("", max_length=TEXT_MAX)
    contact_user_id: DbId | None = None
    contact_agreed: bool = False
    reviewed: bool = False


class ConsentIn(Schema):
    side: Literal["employer", "union"]


class WithdrawIn(Schema):
    reason: str = Field("", max_length=COMMENT_MAX)


class SimilarOut(Schema):
    """The published entries most like a text, best first (at most `limit`; not a list to page
    through)."""

    entries: list[EntryOut]


class PublishableCaseOut(Schema):
    id: int
    number: str | None
    title: str


class FilterIn(Schema):
    q: str = Field("", max_length=500)
    need_category: str = Field("", max_length=NEED_CATEGORY_MAX)
    measure_type: str = Field("", max_length=50)
    sector: Sector | None = None
    size_band: str = Field("", max_length=20)
    need_met: NeedMet | None = None
    year: int | None = Field(None, ge=1900, le=9999)

    def filters(self) -> selectors.LibraryFilters:
        return selectors.LibraryFilters(
            q=self.q,
            need_category=self.need_category,
            measure_type=self.measure_type,
            sector=self.sector or "",
            size_band=self.size_band,
            need_met=self.need_met or "",
            year=self.year,
        )


class SearchIn(FilterIn):
    page: int = Field(1, ge=1, le=10_000)
    per_page: int = Field(20, ge=1, le=100)


def entry_out(e: LibraryEntry) -> dict:
    shown = e.shows_organisation
    return {
        "id": e.pk,
        "title": e.title,
        "need": e.need,
        "need_category": e.need_category,
        "summary": e.summary,
        "lessons": e.lessons,
        "measure_types": e.measure_type_names,
        "total_cost_ore": e.total_cost_ore,
        "cost_per_participant_ore": e.cost_per_participant_ore,
        "participants_band": e.participants_band,
        "participants_band_label": str(e.get_participants_band_display()),
        "need_met": e.need_met,
        "main_outcome": e.main_outcome,
        "outcome_label": e.outcome_label,
        "sector": e.sector,
        "size_band": e.size_band,
        "year": e.year,
        "organisation_name": e.organisation.name if shown else None,
        "contact_name": e.contact_name or None,
        "contact_email": e.contact_email or None,
        "published_at": e.published_at,
        "url": e.get_absolute_url(),
    }


def _own_out(e: LibraryEntry, *, with_similar: bool = False) -> dict:
    close = selectors.similar_published(entry=e) if with_similar and not e.is_published else []
    return {
        **entry_out(e),
        "status": e.status,
        "employer_consent": bool(e.employer_consent_at),
        "union_consent": bool(e.union_consent_at),
        "publish_anyway": bool(e.publish_anyway_at),
        "similar_published": [
            {
                "id": c.entry.pk,
                "title": c.entry.title,
                "score": c.score,
                "url": c.entry.get_absolute_url(),
            }
            for c in close
        ],
    }


@router.get(
    "/entries", response={200: PageOut, 400: ErrorOut}, summary="Search the published library"
)
def search_entries(request, params: Query[SearchIn]):
    """Ranked by the free text `q` when given (newest first otherwise). A search is paged by
    page number: its ranking is computed per query, so it has no key to page by."""
    res = selectors.library_search(
        actor=request.api_actor,
        filters=params.filters(),
        page=params.page,
        per_page=params.per_page,
    )
    return {
        "count": res.total,
        "page": res.page,
        "pages": res.pages,
        "mode": res.mode,
        "more": res.more,
        "results": [entry_out(e) for e in res.items],
    }


@router.get(
    "/entries.csv",
    summary="The library's search as CSV",
    openapi_extra={
        "responses": {
            "200": {
                "description": "The CSV file (at most 100 entries, as the page exports).",
                "content": {"text/csv": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def export_entries(request, params: Query[FilterIn]):
    return library_csv_response(actor=request.api_actor, filters=params.filters())


@router.get(
    "/entries/{entry_id}", response={200: OwnEntryOut, 404: ErrorOut}, summary="Read an entry"
)
def get_entry(request, entry_id: Id):
    actor = request.api_actor
    e = selectors.library_entry_get(actor=actor, pk=entry_id)
    if e is None:
        raise Http404
    if e.organisation_id == actor.organisation.pk:
        return _own_out(e, with_similar=True)
    return {**entry_out(e), "status": e.status, "employer_consent": True, "union_consent": True}


def _manager(request):
    actor = request.api_actor
    if not can_manage_library(actor):
        raise PermissionDeniedError(_("Din roll kan inte hantera biblioteket."))
    return actor


@router.get(
    "/own",
    response={200: Page[OwnEntryOut], 403: ErrorOut},
    summary="The organisation's own entries (the manage page)",
)
def own_entries(request, cursor: Cursor | None = None, limit: Limit = DEFAULT_LIMIT):
    actor = _manager(request)
    rows, nxt = keyset_page(
        selectors.library_entries_for_org(organisation=actor.organisation),
        cursor=cursor,
        limit=limit,
    )
    return {"items": [_own_out(e) for e in rows], "next_cursor": nxt}


@router.get(
    "/publishable-cases",
    response={200: Page[PublishableCaseOut], 403: ErrorOut},
    summary="Completed cases that may be drafted into the library",
)
def publishable_cases(request, cursor: Cursor | None = None, limit: Limit = DEFAULT_LIMIT):
    """Completed cases with a follow-up at the end and no entry yet (for a coordinator; other
    roles of the manage page get an empty page, as the page shows them none)."""
    actor = _manager(request)
    if not actor.has("coordinator"):
        return {"items": [], "next_cursor": None}
    rows, nxt = keyset_page(
        selectors.publishable_cases(organisation=actor.organisation), cursor=cursor, limit=limit
    )
    return {
        "items": [{"id": c.pk, "number": c.number or None, "title": c.title} for c in rows],
        "next_cursor": nxt,
    }


@router.get("/similar", response={200: SimilarOut}, summary="Published entries like a text")
def similar(
    request,
    text: str = Query(..., min_length=1, max_length=2000),
    limit: int = Query(3, ge=1, le=10),
):
    actor = request.api_actor
    found = selectors.library_similar(
        text=text,
        limit=limit,
        exclude_organisation_id=actor.organisation.pk,
    )
    return {"entries": [entry_out(e) for e in found]}


@router.post(
    "/cases/{case_id}/entry",
    response={201: OwnEntryOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Draft a library entry from a completed case",
)
def create_entry(request, case_id: Id, payload: EntryIn):
    actor = request.api_actor
    case = selectors.case_for_library(organisation=actor.organisation, pk=case_id)
    if case is None:
        raise Http404
    e = services.library_entry_create(
        actor=actor, case=case, data=services.EntryInput(**payload.dict())
    )
    return Status(201, _own_out(e, with_similar=True))


def _own(request, entry_id: int) -> LibraryEntry:
    actor = request.api_actor
    e = selectors.library_entry_get(actor=actor, pk=entry_id)
    if e is None or e.organisation_id != actor.organisation.pk:
        raise Http404
    return e


@router.put(
    "/entries/{entry_id}",
    response={200: OwnEntryOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    summary="Change a draft entry",
)
def update_entry(request, entry_id: Id, payload: EntryIn):
    """Change a draft (the coordinator); both parties' consent is asked again. An entry that is
    no longer a draft answers 409."""
    e = services.library_entry_update(
        actor=request.api_actor,
        entry=_own(request, entry_id),
        data=services.EntryInput(**payload.dict()),
    )
    return _own_out(e, with_similar=True)


@router.post(
    "/entries/{entry_id}/consent",
    response={200: OwnEntryOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Consent to publishing, for one party",
)
def consent(request, entry_id: Id, payload: ConsentIn):
    e = services.library_consent(
        actor=request.api_actor, entry=_own(request, entry_id), side=payload.side
    )
    return _own_out(e, with_similar=True)


@router.post(
    "/entries/{entry_id}/publish-anyway",
    response={200: OwnEntryOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Confirm publishing a draft close to a published entry",
)
def publish_anyway(request, entry_id: Id):
    """The coordinator confirms that the draft describes a measure of its own, though it is
    close to an entry the organisation has published (`similar_published`); it is published
    when both parties have consented."""
    e = services.library_publish_anyway(actor=request.api_actor, entry=_own(request, entry_id))
    return _own_out(e, with_similar=True)


@router.post(
    "/entries/{entry_id}/withdraw",
    response={200: OwnEntryOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Withdraw an entry from the library",
)
def withdraw(request, entry_id: Id, payload: WithdrawIn):
    e = services.library_entry_withdraw(
        actor=request.api_actor, entry=_own(request, entry_id), reason=payload.reason
    )
    return _own_out(e)
