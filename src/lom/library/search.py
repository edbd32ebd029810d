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
from functools import lru_cache

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import QuerySet

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
MAX_CANDIDATES = 5000
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
_PG_STATS_SECONDS = 600
# "stats": (when read, share per lexeme)
_pg_stats_cache: dict[str, tuple[float, dict[str, float]]] = {}


def _pg_lexeme_shares() -> dict[str, float]:
    """Share of entries holding each of the most common lexemes, from PostgreSQL's own
    statistics of the tsvector column (refreshed by ANALYZE; cached for a few minutes)."""
    import time

    now = time.monotonic()
    hit = _pg_stats_cache.get("stats")
    if hit is not None and now - hit[0] < _PG_STATS_SECONDS:
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


def _sqlite_stem_counts(stems: list[str]) -> dict[str, int]:
    with connection.cursor() as cur:
        marks = ",".join("%s" for _ in stems)
        cur.execute(
            f"SELECT term, doc FROM library_fts_vocab WHERE term IN ({marks})",  # noqa: S608 - placeholders only
            stems,
        )
        return dict(cur.fetchall())


def selective_terms(terms: list[str]) -> list[str]:
    """At most SELECTIVE_TERMS of `terms`, the rarest in the index first choice, kept in the
    order of the query. Terms the index has never seen count as rarest."""
    if len(terms) <= SELECTIVE_TERMS:
        return terms
    stems = _stemmer().stemWords(terms)
    if connection.vendor == "postgresql":
        shares = _pg_lexeme_shares()
        weight = [shares.get(stem, 0.0) for stem in stems]
    else:
        counts = _sqlite_stem_counts(sorted(set(stems)))
        weight = [counts.get(stem, 0) for stem in stems]
    keep = sorted(range(len(terms)), key=lambda i: (weight[i], i))[:SELECTIVE_TERMS]
    return [terms[i] for i in sorted(keep)]


def ranked_ids(
    qs: QuerySet,
    query: str,
    *,
    limit: int = MAX_CANDIDATES,
    expand: bool = True,
    whole_index: bool = False,
) -> list[int]:
    """Ids of the entries in `qs` that match `query`, best first (at most `limit`).
    `expand=False` leaves out the vocabulary's words (for the benchmark's comparison).
    `whole_index=True` says that `qs` is every published entry, which is what the index holds:
    SQLite then needs no check of each match against `qs` (a third of the query's time)."""
    terms = selective_terms(query_terms(query))
    if not terms:
        return []
    extra = vocabulary.expand(terms) if expand else []
    if connection.vendor == "postgresql":
        from django.db.models import BooleanField, FloatField
        from django.db.models.expressions import RawSQL

        # The filters stay in the same query as the match (no IN over all published ids),
        # so the planner can start from the GIN index or from a selective filter.
        if expand:
            # PostgreSQL's older Swedish stemmer leaves some inflected forms whole: the
            # forms the library holds go into the query (as typed, for the query's words).
            typed = terms + [w for w in vocabulary.inflections(terms) if w not in terms]
            extra = [w for w in extra if w not in typed]
            extra += [w for w in vocabulary.inflections(extra) if w not in typed + extra]
            terms = typed
        everything = " | ".join(terms + extra)
        matches = RawSQL(
            "library_libraryentry.search_vector @@ to_tsquery('swedish', %s)",
            (everything,),
            output_field=BooleanField(),
        )
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
        return list(
            qs.filter(matches)
            .annotate(search_rank=rank)
            .order_by("-search_rank", "-id")
            .values_list("id", flat=True)[:limit]
        )
    try:
        inner_sql, inner_params = qs.values("id").query.sql_with_params()
    except EmptyResultSet:  # a filter that can match nothing (an unknown measure type)
        return []
    if whole_index:
        inner_params = ()
    where = "" if whole_index else " WHERE m.id IN (" + inner_sql + ")"
    if connection.vendor == "sqlite":

        def fts_query(words: list[str], leave_out: frozenset[str] = frozenset()) -> str:
            stems = sorted(set(_stemmer().stemWords(words)) - leave_out)
            return " OR ".join('"' + s.replace('"', "") + '"' for s in stems)

        # Materialise the matches first: with the IN filter inside the FTS query SQLite
        # would run the MATCH once per candidate row (seconds at 100 000 entries).
        if extra:
            # The words as typed weigh more: FTS5's bm25 sums over the query's phrases, so a
            # typed word's phrase is put in ORIGINAL_WEIGHT times (one match, one ranking).
            typed = fts_query(terms)
            added = fts_query(extra, leave_out=frozenset(_stemmer().stemWords(terms)))
            match = " OR ".join([typed] * ORIGINAL_WEIGHT + ([added] if added else []))
        else:
            match = fts_query(terms)
        sql = (
            "WITH m AS MATERIALIZED (SELECT rowid AS id, bm25(library_fts, 3.0, 1.0) AS r "  # noqa: S608 - Django-built SQL
            "FROM library_fts WHERE library_fts MATCH %s) "
            "SELECT m.id FROM m" + where + " ORDER BY m.r, m.id DESC LIMIT %s"
        )
        params = [match, *inner_params, limit]
    else:  # pragma: no cover - only PostgreSQL and SQLite are supported
        return []
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return [row[0] for row in cur.fetchall()]
