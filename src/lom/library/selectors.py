"""Reads of the measure library. Published entries are shared by every organisation of the
installation; drafts and withdrawn entries are seen only by their own organisation's parties."""

from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.db.models import Exists, OuterRef, QuerySet, Sum
from django.utils import timezone

from lom.agreements.models import MeasureType
from lom.cases.models import Case, Status
from lom.common.bounds import DB_ID_MAX
from lom.followup.models import FollowUp, NeedMet, ParticipantOutcome
from lom.followup.selectors import case_completed_on
from lom.funds.models import EntryKind, LedgerEntry
from lom.library import search
from lom.library.embedding import get_encoder, semantic_ids
from lom.library.models import (
    EntryStatus,
    LibraryEntry,
    ParticipantsBand,
    participants_band_for,
)
from lom.organisations.access import Actor
from lom.organisations.models import Organisation
from lom.organisations.selectors import SIZE_BANDS, active_employee_counts, size_band

PER_PAGE = 20
# A text search lists at most this many entries (the ranked window, both tiers).
MAX_RESULTS = 2 * search.RANK_WINDOW
PARTY_ROLES = ("coordinator", "decision_maker", "union_rep", "org_admin")


def published_entries() -> QuerySet[LibraryEntry]:  # tenant-scope: published for all
    return LibraryEntry.objects.filter(status=EntryStatus.PUBLISHED)


def _with_related(qs: QuerySet[LibraryEntry]) -> QuerySet[LibraryEntry]:
    return qs.select_related("organisation").prefetch_related("measure_types")


def library_examples(*, measure_type_codes: list[str] | None = None, limit: int = 3) -> list:
    """Published examples for information pages: newest first, those with a follow-up that
    says the need was met before the rest. Optionally only of some measure types."""
    qs = published_entries()
    if measure_type_codes:
        qs = qs.filter(measure_types__code__in=measure_type_codes).distinct()
    limit = max(0, min(int(limit), 50))
    met = list(_with_related(qs.filter(need_met="yes")).order_by("-published_at", "-id")[:limit])
    if len(met) < limit:
        rest = _with_related(qs.exclude(pk__in=[e.pk for e in met])).order_by(
            "-published_at", "-id"
        )
        met += list(rest[: limit - len(met)])
    return met


@dataclass
class LibraryFilters:
    q: str = ""
    need_category: str = ""
    measure_type: str = ""  # MeasureType.code
    sector: str = ""
    size_band: str = ""
    need_met: str = ""
    year: int | None = None

    @property
    def active(self) -> bool:
        return any(
            [
                self.q,
                self.need_category,
                self.measure_type,
                self.sector,
                self.size_band,
                self.need_met,
                self.year,
            ]
        )


@dataclass
class SearchPage:
    items: list[LibraryEntry]
    total: int
    page: int
    pages: int
    mode: str = "text"  # text | embedding | hybrid | browse
    filters: LibraryFilters = field(default_factory=LibraryFilters)
    # More entries match than were ranked (search.RANK_WINDOW): another word or a filter helps.
    more: bool = False

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1


def _filtered(filters: LibraryFilters) -> QuerySet[LibraryEntry]:
    qs = published_entries()
    if filters.need_category:
        qs = qs.filter(need_category=filters.need_category)
    if filters.measure_type:
        qs = qs.filter(
            Exists(
                LibraryEntry.measure_types.through.objects.filter(
                    libraryentry_id=OuterRef("pk"), measuretype__code=filters.measure_type
                )
            )
        )
    if filters.sector:
        qs = qs.filter(sector=filters.sector)
    if filters.size_band:
        qs = qs.filter(size_band=filters.size_band)
    if filters.need_met:
        qs = qs.filter(need_met=filters.need_met)
    if filters.year:
        qs = qs.filter(year=filters.year)
    return qs


def search_mode() -> str:
    """The configured mode when the embedding model is there; text search otherwise."""
    wanted = getattr(settings, "LOM_LIBRARY_SEARCH", "text")
    if wanted in ("embedding", "hybrid") and get_encoder() is not None:
        return wanted
    return "text"


def _ranking(
    qs: QuerySet[LibraryEntry], q: str, *, limit: int, mode: str, whole_index: bool = False
) -> search.Ranking:
    if mode == "text":
        return search.ranking(qs, q, whole_index=whole_index)
    sem = semantic_ids(qs, q, limit=limit)
    if mode == "embedding":
        return search.Ranking(sem)
    text = search.ranking(qs, q, whole_index=whole_index)
    return search.Ranking(reciprocal_rank_fusion([text.ids, sem])[:limit], text.more)


def reciprocal_rank_fusion(rankings: list[list[int]], k: int = 60) -> list[int]:
    scores: dict[int, float] = {}
    for ranking in rankings:
        for pos, pk in enumerate(ranking):
            scores[pk] = scores.get(pk, 0.0) + 1.0 / (k + pos + 1)
    return sorted(scores, key=lambda pk: (-scores[pk], -pk))


def library_search(  # tenant-scope: published entries are for every organisation
    *, actor: Actor, filters: LibraryFilters, page: int = 1, per_page: int = PER_PAGE
) -> SearchPage:
    """Published entries of the whole installation, filtered, ranked by the free text when
    there is one (newest first otherwise), one page at a time."""
    qs = _filtered(filters)
    per_page = max(1, min(per_page, 100))
    page = max(1, page)
    if filters.q.strip():
        mode = search_mode()
        # Only the text, no filter: every published entry, which is what the index holds.
        whole = not LibraryFilters(**{**filters.__dict__, "q": ""}).active
        ranked = _ranking(qs, filters.q, limit=MAX_RESULTS, mode=mode, whole_index=whole)
        ids = ranked.ids[:MAX_RESULTS]
        total = len(ids)
        pages = max(1, -(-total // per_page))
        page = min(page, pages)
        chunk = ids[(page - 1) * per_page : page * per_page]
        by_id = {e.pk: e for e in _with_related(LibraryEntry.objects.filter(pk__in=chunk))}
        items = [by_id[pk] for pk in chunk if pk in by_id]
        return SearchPage(items, total, page, pages, mode, filters, more=ranked.more)
    total = qs.count()
    pages = max(1, -(-total // per_page))
    page = min(page, pages)
    items = list(
        _with_related(qs).order_by("-published_at", "-id")[(page - 1) * per_page : page * per_page]
    )
    return SearchPage(items, total, page, pages, "browse", filters)


def library_similar(*, text: str, limit: int = 3, exclude_organisation_id: int | None = None):
    """'Organisations that faced this funded…': the best matches for a case's or a need's text,
    in one search query."""
    if not search.query_terms(text):
        return []
    qs = published_entries()
    if exclude_organisation_id is not None:
        qs = qs.exclude(organisation_id=exclude_organisation_id)
    ids = _ranking(qs, text, limit=limit, mode=search_mode()).ids[:limit]
    by_id = {e.pk: e for e in _with_related(LibraryEntry.objects.filter(pk__in=ids))}
    return [by_id[pk] for pk in ids if pk in by_id]


def library_entry_get(*, actor: Actor, pk: int) -> LibraryEntry | None:
    """A published entry (any organisation), or one of the actor's own organisation's drafts
    and withdrawn entries when the actor is one of the parties."""
    if not 0 < pk <= DB_ID_MAX:
        return None
    entry = _with_related(LibraryEntry.objects.filter(pk=pk)).first()
    if entry is None:
        return None
    if entry.is_published:
        return entry
    if entry.organisation_id == actor.organisation.pk and actor.has(*PARTY_ROLES):
        return entry
    return None


# -- near-duplicates -------------------------------------------------------------------------

# A draft is "close" to a published entry of its own organisation when the mean of two Jaccard
# similarities, of the titles' and of the texts' stemmed words (stop words left out), is at
# least this: the same title with another text, or the same text under another title, is
# flagged; two different measures of one organisation score well below it (at most 0.2 among
# the demo's measures).
DUPLICATE_MIN = 0.5
DUPLICATE_SCAN = 500  # the organisation's most recent published entries compared


@dataclass
class CloseEntry:
    entry: LibraryEntry
    score: float


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def _word_sets(title: str, *texts: str) -> tuple[set[str], set[str]]:
    return set(search.stem_words(title)), set(search.stem_words("\n".join(texts)))


def closeness(a: LibraryEntry, b: LibraryEntry) -> float:
    """0..1: how alike two entries' titles and texts are (see DUPLICATE_MIN)."""
    ta, xa = _word_sets(a.title, a.need, a.summary, a.lessons)
    tb, xb = _word_sets(b.title, b.need, b.summary, b.lessons)
    return (_jaccard(ta, tb) + _jaccard(xa, xb)) / 2


def similar_published(*, entry: LibraryEntry) -> list[CloseEntry]:
    """The organisation's own published entries close to `entry` (a draft before it is
    published), closest first."""
    qs = (
        published_entries()
        .filter(organisation_id=entry.organisation_id)
        .exclude(pk=entry.pk)
        .only("id", "title", "need", "summary", "lessons", "organisation_id", "status")
        .order_by("-published_at", "-id")[:DUPLICATE_SCAN]
    )
    close = [CloseEntry(other, round(closeness(entry, other), 2)) for other in qs]
    close = [c for c in close if c.score >= DUPLICATE_MIN]
    return sorted(close, key=lambda c: (-c.score, -c.entry.pk))


def library_entries_for_org(*, organisation: Organisation) -> QuerySet[LibraryEntry]:
    return _with_related(LibraryEntry.objects.filter(organisation=organisation)).order_by(
        "-updated_at", "-id"
    )


def case_for_library(*, organisation: Organisation, pk: int) -> Case | None:
    """One of the organisation's own cases (the source of a draft), or None: also for an id
    no database column can hold."""
    if not 0 < pk <= DB_ID_MAX:
        return None
    return Case.objects.filter(pk=pk, organisation=organisation).first()


def publishable_cases(*, organisation: Organisation) -> QuerySet[Case]:
    """Completed cases with a follow-up at the end and no library entry yet."""
    return (
        Case.objects.filter(organisation=organisation, status=Status.COMPLETED)
        .filter(Exists(FollowUp.objects.filter(case=OuterRef("pk"), kind=FollowUp.Kind.END)))
        .exclude(Exists(LibraryEntry.objects.filter(case=OuterRef("pk"))))
        .order_by("-updated_at", "-id")
    )


@dataclass
class FilterOptions:
    measure_types: list[tuple[str, str]]
    sectors: list[tuple[str, str]]
    size_bands: list[str]
    need_met: list[tuple[str, str]]
    years: list[int]
    need_categories: list[str]


def library_filter_options() -> FilterOptions:
    pub = published_entries()
    years = sorted(set(pub.values_list("year", flat=True).distinct()), reverse=True)
    cats = sorted(
        set(pub.exclude(need_category="").values_list("need_category", flat=True).distinct())
    )
    return FilterOptions(
        measure_types=list(MeasureType.objects.values_list("code", "name")),
        sectors=[(k, str(v)) for k, v in Organisation.Kind.choices if k != Organisation.Kind.FUND],
        size_bands=[label for _lo, _hi, label in SIZE_BANDS],
        need_met=[(k, str(v)) for k, v in NeedMet.choices],
        years=years or [date.today().year],
        need_categories=cats[:200],
    )


__all__ = [
    "CloseEntry",
    "LibraryFilters",
    "ParticipantsBand",
    "SearchPage",
    "library_entries_for_org",
    "library_entry_get",
    "library_examples",
    "library_filter_options",
    "library_search",
    "library_similar",
    "publishable_cases",
    "similar_published",
]


# -- the snapshot ----------------------------------------------------------------------------


def _round(value: int, step: int) -> int:
    """To the nearest `step` öre, halves up, in integers (no float: 2 500 kr to the nearest
    1 000 kr is 3 000 kr, not the 2 000 kr of float round-half-to-even)."""
    return max(step, (value + step // 2) // step * step)


def published_costs(*, actual_ore: int, participants: int) -> tuple[int | None, int | None]:
    """(total, per participant) as published. With fewer than five participants the total is
    not shown at all, and the cost per participant is rounded to the nearest 1 000 kr: a total
    next to a cost per participant would give away the exact count, and with one participant
    the cost per participant would be that person's own cost. From five participants both are
    shown, the total rounded to 1 000 kr and the cost per participant to 100 kr."""
    participants = max(1, participants)
    if actual_ore <= 0:
        return None, None
    per = actual_ore // participants
    if participants < 5:
        return None, _round(per, 100_000)
    return _round(actual_ore, 100_000), _round(per, 10_000)


@dataclass
class Snapshot:
    total_cost_ore: int | None
    cost_per_participant_ore: int | None
    participants_band: str
    need_met: str
    main_outcome: str
    sector: str
    size_band: str
    year: int


def case_snapshot(case: Case) -> Snapshot:
    """What the library entry of `case` would publish: rounded costs, a participant band, the
    follow-up's outcome, sector, size and year. A read; the create service stores it."""
    spent = (
        LedgerEntry.objects.filter(case=case, kind=EntryKind.EXPENSE).aggregate(
            s=Sum("amount_ore")
        )["s"]
        or 0
    )
    actual = int(spent or case.approved_ore or 0)
    followups = {f.kind: f for f in FollowUp.objects.filter(case=case)}
    fu = followups.get(FollowUp.Kind.LATER) or followups.get(FollowUp.Kind.END)
    outcomes: dict[str, int] = {}
    if fu is not None:
        for o in ParticipantOutcome.objects.filter(followup=fu):
            outcomes[o.outcome] = outcomes.get(o.outcome, 0) + o.count
    n = sum(outcomes.values()) or case.participant_count or 1
    total, per = published_costs(actual_ore=actual, participants=n)
    band = participants_band_for(n)
    # The outcome of fewer than five people is not published: with the organisation named
    # (a contact person), colleagues could tell whose new job or retirement it was.
    main = ""
    if outcomes and band != ParticipantsBand.FEW:
        main = sorted(outcomes.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
    org = case.organisation
    head = active_employee_counts(organisation_ids=[org.pk]).get(org.pk, 0)
    done = case_completed_on(case=case) or timezone.localdate()
    return Snapshot(
        total_cost_ore=total,
        cost_per_participant_ore=per,
        participants_band=band,
        need_met=fu.need_met if fu else "",
        main_outcome=main,
        sector=org.kind,
        size_band=size_band(head),
        year=done.year,
    )


def draft_initial(*, case: Case) -> dict[str, object]:
    """Prefill for the coordinator to edit: the case's texts as a starting point, never the
    private reason, names or units. The coordinator must still review and edit them."""
    return {
        "title": case.title,
        "need": case.business_need,
        "need_category": case.need.area.name if case.need_id and case.need else "",
        "summary": case.description,
        "measure_type_ids": list(case.measure_types.values_list("pk", flat=True)),
    }
