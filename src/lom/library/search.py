"""Swedish free-text search over the library, on PostgreSQL and on SQLite.

PostgreSQL stems with its `swedish` text-search configuration and ranks with ts_rank (title
three times the body, length-normalised, as SQLite's bm25 is set).
SQLite's FTS5 has no Swedish stemmer, so the indexed text and the query are stemmed here with
the Swedish Snowball stemmer and ranked with bm25. Either way "omställningar" finds
"omställning" and "chefer" finds "chef".

The query is an OR of its words, ranked: an entry that has more of the words, in its title in
particular, comes first. That suits both a user's few words and a case's whole text (the
suggestions).

Before the query runs, its words are expanded from the library's vocabulary (see
lom.library.vocabulary): compounds that hold a query word, the parts of a compound query word,
and known words like a misspelt one are added as further OR terms of the same ranked query."""

import re
import time
from dataclasses import dataclass
from functools import lru_cache

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import BooleanField, FloatField, QuerySet
from django.db.models.expressions import RawSQL

from lom.library import vocabulary

WORD = re.compile(r"[^\W\d_]{2,}", re.UNICODE)
# Very common Swedish words that carry no meaning for the search (kept short on purpose).
STOPWORDS = frozenset(
    [
        "och",
        "att",
        "det",
        "som",
        "en",
        "ett",
        "för",
        "med",
        "till",
        "av",
        "på",
        "är",
        "i",
        "om",
        "har",
        "inte",
        "vi",
        "de",
        "den",
        "man",
        "kan",
        "ska",
        "så",
        "men",
        "eller",
        "var",
        "från",
        "under",
        "efter",
        "vid",
        "hos",
        "sig",
        "sin",
        "sina",
        "sitt",
        "också",
        "mer",
        "mycket",
        "alla",
        "andra",
        "deras",
        "vår",
        "våra",
        "ni",
        "dem",
        "där",
        "när",
        "hur",
        "vad",
        "vilka",
        "vilken",
        "detta",
        "dessa",
        "blev",
        "bli",
        "blir",
        "skulle",
        "kunde",
        "få",
        "fick",
        "ha",
        "hade",
        "hela",
        "nya",
        "nytt",
        "ny",
    ]
)
MAX_TERMS = 40
# How much more the words of the query weigh in the ranking than the words the vocabulary
# added (compounds, parts, corrections of a misspelling).
ORIGINAL_WEIGHT = 2
# PostgreSQL's rank, set to weigh as SQLite's bm25(3.0, 1.0) does: the title (weight A) three
# times the rest (D), normalised by the log of the document's length (flag 1).
PG_RANK = "ts_rank('{{0.1, 0.2, 0.4, 0.3}}', library_libraryentry.search_vector, {}, 1)"


@lru_cache(maxsize=1)
def _stemmer():
    import snowballstemmer

    return snowballstemmer.stemmer("swedish")


def words(text: str) -> list[str]:
    return [w for w in (m.lower() for m in WORD.findall(text or "")) if w not in STOPWORDS]


def stem_words(text: str) -> list[str]:
    return _stemmer().stemWords(words(text))


def stem_text(text: str) -> str:
    return " ".join(stem_words(text))


def query_terms(query: str) -> list[str]:
    """Distinct words of a query in order, at most MAX_TERMS (a case text can be long)."""
    seen: list[str] = []
    for w in words(query):
        if w not in seen:
            seen.append(w)
        if len(seen) >= MAX_TERMS:
            break
    return seen


# -- index -----------------------------------------------------------------------------------


def _vocabulary_words(*texts: str) -> set[str]:
    return {m.lower() for text in texts for m in WORD.findall(text or "")}


def index_entry(entry) -> None:
    """Put a published entry into the full-text index, or take any other out of it."""
    if entry.is_published:
        vocabulary.add_words(_vocabulary_words(entry.title, entry.search_document))
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            if entry.is_published:
                cur.execute(
                    "UPDATE library_libraryentry SET search_vector = "
                    "setweight(to_tsvector('swedish', %s), 'A') || "
                    "to_tsvector('swedish', %s) WHERE id = %s",
                    [entry.title, entry.search_document, entry.pk],
                )
            else:
                cur.execute(
                    "UPDATE library_libraryentry SET search_vector = NULL WHERE id = %s",
                    [entry.pk],
                )
    elif connection.vendor == "sqlite":
        with connection.cursor() as cur:
            cur.execute("DELETE FROM library_fts WHERE rowid = %s", [entry.pk])
            if entry.is_published:
                cur.execute(
                    "INSERT INTO library_fts (rowid, title, body) VALUES (%s, %s, %s)",
                    [entry.pk, stem_text(entry.title), stem_text(entry.search_document)],
                )


def index_entries_bulk(rows: list[tuple[int, str, str]]) -> None:
    """(id, title, document) of published entries: for the demo and the benchmark."""
    if not rows:
        return
    vocabulary.add_words({w for _pk, t, d in rows for w in _vocabulary_words(t, d)})
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.executemany(
                "UPDATE library_libraryentry SET search_vector = "
                "setweight(to_tsvector('swedish', %s), 'A') || "
                "to_tsvector('swedish', %s) WHERE id = %s",
                [(t, d, pk) for pk, t, d in rows],
            )
    elif connection.vendor == "sqlite":
        with connection.cursor() as cur:
            cur.executemany(
                "DELETE FROM library_fts WHERE rowid = %s", [(pk,) for pk, _t, _d in rows]
            )
            cur.executemany(
                "INSERT INTO library_fts (rowid, title, body) VALUES (%s, %s, %s)",
                [(pk, stem_text(t), stem_text(d)) for pk, t, d in rows],
            )


# -- query -----------------------------------------------------------------------------------


# A long text (a case's description asking for suggestions) is cut to its most selective
# words: an OR of forty common words matches nearly every entry, and ranking all of them is
# what made such a search take seconds at 100 000 entries. Rare words also carry the meaning.
SELECTIVE_TERMS = 8
_STATS_SECONDS = 600
# "stats": (when read, share per lexeme)
_pg_stats_cache: dict[str, tuple[float, dict[str, float]]] = {}


def _pg_lexeme_shares() -> dict[str, float]:
    """Share of entries holding each of the most common lexemes, from PostgreSQL's own
    statistics of the tsvector column (refreshed by ANALYZE; cached for a few minutes)."""
    now = time.monotonic()
    hit = _pg_stats_cache.get("stats")
    if hit is not None and now - hit[0] < _STATS_SECONDS:
        return hit[1]
    with connection.cursor() as cur:
        cur.execute(
            "SELECT most_common_elems::text::text[], most_common_elem_freqs FROM pg_stats "
            "WHERE tablename = 'library_libraryentry' AND attname = 'search_vector'"
        )
        row = cur.fetchone()
    shares = dict(zip(row[0], row[1], strict=False)) if row and row[0] else {}
    _pg_stats_cache["stats"] = (now, shares)
    return shares


# stem: (when read, entries holding it), for the same few minutes as PostgreSQL's statistics.
_sqlite_counts_cache: dict[str, tuple[float, int]] = {}


def _sqlite_stem_counts(stems: list[str]) -> dict[str, int]:
    """Entries holding each stem, from the index's own vocabulary (fts5vocab reads the stem's
    whole list of entries to count them, so counts are kept for a few minutes)."""
    now = time.monotonic()
    counts: dict[str, int] = {}
    with connection.cursor() as cur:
        for stem in stems:
            hit = _sqlite_counts_cache.get(stem)
            if hit is None or now - hit[0] >= _STATS_SECONDS:
                # One equality at a time: fts5vocab seeks a term, but scans for an IN list.
                cur.execute("SELECT doc FROM library_fts_vocab WHERE term = %s", [stem])
                row = cur.fetchone()
                hit = (now, row[0] if row else 0)
                if len(_sqlite_counts_cache) > 50_000:
                    _sqlite_counts_cache.clear()
                _sqlite_counts_cache[stem] = hit
            counts[stem] = hit[1]
    return counts


def _commonness(terms: list[str]) -> list[float]:
    """How common each term is in the index (its stem's share or count of entries); a term
    the index has never seen counts as rarest (0)."""
    stems = _stemmer().stemWords(terms)
    if connection.vendor == "postgresql":
        shares = _pg_lexeme_shares()
        return [shares.get(stem, 0.0) for stem in stems]
    counts = _sqlite_stem_counts(sorted(set(stems)))
    return [float(counts.get(stem, 0)) for stem in stems]


def _rarest(terms: list[str], weight: list[float], n: int) -> list[str]:
    keep = sorted(range(len(terms)), key=lambda i: (weight[i], i))[:n]
    return [terms[i] for i in sorted(keep)]


def selective_terms(terms: list[str]) -> list[str]:
    """At most SELECTIVE_TERMS of `terms`, the rarest in the index first choice, kept in the
    order of the query. Terms the index has never seen count as rarest."""
    if len(terms) <= SELECTIVE_TERMS:
        return terms
    return _rarest(terms, _commonness(terms), SELECTIVE_TERMS)


# -- ranking a bounded window ------------------------------------------------------------------
#
# Ranking is the expensive part of a search (bm25 or ts_rank reads each match's text), and a
# common word matches a fifth of a library of 100 000 entries. So a search ranks a bounded
# set of candidates, taken from the index by the cheap order it keeps (the entry id, newest
# first) in two tiers:
#   - the RANK_WINDOW newest entries that match any of the words (OR), and
#   - when that cut any match off, the RANK_WINDOW newest entries that hold all the core words
#     (all of a short query's words, the CORE_TERMS rarest of a long text's), so an older entry
#     with every word is not lost behind newer entries with one of them.
# Both tiers are scored with the same rank, merged and ordered. With fewer matches than the
# window (every search of a library of a few thousand entries) every match is ranked, exactly
# as before; with more, the result says so (`more`), and the page asks for another word or a
# filter.
RANK_WINDOW = 1000
CORE_TERMS = 3


@dataclass(frozen=True)
class Ranking:
    ids: list[int]
    more: bool = False  # more entries match than were ranked


def ranked_ids(
    qs: QuerySet,
    query: str,
    *,
    limit: int = 2 * RANK_WINDOW,
    expand: bool = True,
    whole_index: bool = False,
) -> list[int]:
    """Ids of the entries in `qs` that match `query`, best first (at most `limit`)."""
    return ranking(qs, query, expand=expand, whole_index=whole_index).ids[:limit]


def ranking(
    qs: QuerySet,
    query: str,
    *,
    expand: bool = True,
    whole_index: bool = False,
    window: int = RANK_WINDOW,
) -> Ranking:
    """The entries in `qs` that match `query`, best first, from the bounded window above.
    `expand=False` leaves out the vocabulary's words (for the benchmark's comparison).
    `whole_index=True` says that `qs` is every published entry, which is what the index holds:
    SQLite then needs no check of each match against `qs`."""
    terms = query_terms(query)
    if not terms:
        return Ranking([])
    core = terms
    if len(terms) > CORE_TERMS:
        weight = _commonness(terms)
        if len(terms) > SELECTIVE_TERMS:
            kept = _rarest(terms, weight, SELECTIVE_TERMS)
            weight = [weight[terms.index(t)] for t in kept]
            terms = kept
        core = _rarest(terms, weight, CORE_TERMS)
    extra = vocabulary.expand(terms) if expand else []
    if connection.vendor == "postgresql":
        return _pg_ranking(qs, terms, core, extra, expand=expand, window=window)
    if connection.vendor == "sqlite":
        return _sqlite_ranking(qs, terms, core, extra, whole_index=whole_index, window=window)
    return Ranking([])  # pragma: no cover - only PostgreSQL and SQLite are supported


def _pg_ranking(
    qs: QuerySet, terms: list[str], core: list[str], extra: list[str], *, expand: bool, window: int
) -> Ranking:
    # The filters stay in the same query as the match (no IN over all published ids), so the
    # planner can start from the GIN index, from the id order or from a selective filter.
    if expand:
        # PostgreSQL's older Swedish stemmer leaves some inflected forms whole: the forms the
        # library holds go into the query (as typed, for the query's words).
        typed = terms + [w for w in vocabulary.inflections(terms) if w not in terms]
        extra = [w for w in extra if w not in typed]
        extra += [w for w in vocabulary.inflections(extra) if w not in typed + extra]
        terms = typed
    everything = " | ".join(terms + extra)

    def matching(tsquery: str) -> QuerySet:
        return qs.filter(
            RawSQL(
                "library_libraryentry.search_vector @@ to_tsquery('swedish', %s)",
                (tsquery,),
                output_field=BooleanField(),
            )
        )

    newest = list(matching(everything).order_by("-id").values_list("id", flat=True)[: window + 1])
    more = len(newest) > window
    ids = set(newest[:window])
    if more and len(core) > 1:
        every = " & ".join(core)
        ids.update(matching(every).order_by("-id").values_list("id", flat=True)[:window])
    if not ids:
        return Ranking([])
    if extra:
        # The words as typed weigh more than the words the vocabulary added.
        rank = RawSQL(  # noqa: S611 - constants and placeholders only
            PG_RANK.format("to_tsquery('swedish', %s)")
            + f" * {ORIGINAL_WEIGHT} + "
            + PG_RANK.format("to_tsquery('swedish', %s)"),
            (" | ".join(terms), everything),
            output_field=FloatField(),
        )
    else:
        rank = RawSQL(  # noqa: S611 - a constant and a placeholder only
            PG_RANK.format("to_tsquery('swedish', %s)"),
            (everything,),
            output_field=FloatField(),
        )
    ordered = (
        qs.model._default_manager.filter(pk__in=ids)
        .annotate(search_rank=rank)
        .order_by("-search_rank", "-id")
        .values_list("id", flat=True)
    )
    return Ranking(list(ordered), more)


def _fts_phrases(stems: set[str]) -> str:
    return " OR ".join('"' + s.replace('"', "") + '"' for s in sorted(stems))


def _sqlite_ranking(
    qs: QuerySet,
    terms: list[str],
    core: list[str],
    extra: list[str],
    *,
    whole_index: bool,
    window: int,
) -> Ranking:
    filter_sql, filter_params = "", []
    if not whole_index:
        try:
            inner_sql, inner_params = qs.order_by().values("id").query.sql_with_params()
        except EmptyResultSet:  # a filter that can match nothing (an unknown measure type)
            return Ranking([])
        # `rowid + 0`: the filter is checked on each match the index yields; a bare rowid
        # constraint would be handed to FTS5, which runs the whole MATCH once per value.
        filter_sql, filter_params = " AND rowid + 0 IN (" + inner_sql + ")", list(inner_params)
    stem = _stemmer().stemWords
    typed = set(stem(terms))
    added = set(stem(extra)) - typed
    # The words as typed weigh ORIGINAL_WEIGHT times the added ones: FTS5's bm25 sums over the
    # query's phrases, so each typed phrase is put in twice (one match, one ranking).
    typed_or = _fts_phrases(typed)
    tail = " OR " + _fts_phrases(added) if added else ""
    match = " OR ".join([typed_or] * ORIGINAL_WEIGHT) + tail
    scores: dict[int, float] = {}
    more = _sqlite_tier(match, filter_sql, filter_params, window, scores)
    core_stems = set(stem(core))
    if more and len(core_stems) > 1:
        # All the core words, written so the expression holds exactly the same phrases as
        # `match` (the core ones once in the AND, the rest of the typed ones once more in the
        # OR): FTS5's bm25 sums over the phrases, so the two tiers' scores are the same scale.
        rest = typed - core_stems
        every = (
            "("
            + " AND ".join('"' + s.replace('"', "") + '"' for s in sorted(core_stems))
            + ") AND ("
            + typed_or
            + (" OR " + _fts_phrases(rest) if rest else "")
            + tail
            + ")"
        )
        _sqlite_tier(every, filter_sql, filter_params, window, scores)
    ordered = sorted(scores, key=lambda pk: (scores[pk], -pk))
    return Ranking(ordered, more)


def _sqlite_tier(
    match: str, filter_sql: str, filter_params: list, window: int, scores: dict[int, float]
) -> bool:
    """Score the `window` newest matches of `match` into `scores`; True when there are more."""
    with connection.cursor() as cur:
        # The first match past the window, by the index's own rowid order (no ranking).
        cur.execute(
            "SELECT rowid FROM library_fts WHERE library_fts MATCH %s"  # noqa: S608 - Django-built SQL
            + filter_sql
            + " ORDER BY rowid DESC LIMIT 1 OFFSET %s",
            [match, *filter_params, window],
        )
        past = cur.fetchone()
        floor = past[0] if past else 0
        cur.execute(
            "SELECT rowid, bm25(library_fts, 3.0, 1.0) FROM library_fts "  # noqa: S608 - Django-built SQL
            "WHERE library_fts MATCH %s AND rowid > %s" + filter_sql,
            [match, floor, *filter_params],
        )
        scores.update(cur.fetchall())
    return past is not None
