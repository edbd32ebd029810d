"""The words of the published library, for what stemming alone cannot find.

Swedish writes compounds as one word: "karriärväxling" is one token to both PostgreSQL's
`swedish` configuration and the Snowball stemmer, so a search for "karriär" or "växling" would
miss it. A misspelt word ("koachning", "karriar") has no stem in the index at all. Both are
rescued here, before the ranked text search runs, by expanding the query with words the library
actually holds:

- compound parts: a query word (its stem, at least 4 letters) that occurs inside longer words
  of the vocabulary brings those words in ("karriär" → "karriärväxling", "karriärcoachning");
- compounds in the query: a word the index does not know is split into two known words
  ("ledarskapsutbildning" → "ledarskap" + "utbildning", a linking -s dropped);
- misspellings: a word the index does not know, and that cannot be split, brings in the known
  words most like it by trigram similarity (at least FUZZY_MIN, diacritics folded, so
  "karriar" → "karriär").

The vocabulary is a table of distinct words (and their stems) of published entries, with a
trigram index: pg_trgm's GIN index on PostgreSQL, an FTS5 table with the `trigram` tokenizer on
SQLite. It is written when an entry is published (search.index_entry) and only grows: a
withdrawn entry's words stay, and a word no entry holds any more only adds a term that matches
nothing."""

from functools import lru_cache

from django.db import connection

MIN_PART = 4  # a compound part shorter than this matches too much ("it", "ny", "del")
MAX_WORD = 40
EXPANSIONS_PER_TERM = 8
FUZZY_MIN = 0.4
FUZZY_PER_TERM = 3
_FOLD = str.maketrans("åäöéü", "aaoeu")


@lru_cache(maxsize=1)
def _stemmer():
    import snowballstemmer

    return snowballstemmer.stemmer("swedish")


def _stem(word: str) -> str:
    return _stemmer().stemWord(word)


def trigrams(word: str) -> set[str]:
    """Trigrams of a word padded as pg_trgm pads it (two spaces before, one after)."""
    padded = f"  {word} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def similarity(a: str, b: str) -> float:
    """Trigram Jaccard similarity, the better of as written and with diacritics folded
    (a user who types "karriar" for "karriär" meant the same word)."""

    def jac(x: str, y: str) -> float:
        tx, ty = trigrams(x), trigrams(y)
        return len(tx & ty) / len(tx | ty) if tx and ty else 0.0

    return max(jac(a, b), jac(a.translate(_FOLD), b.translate(_FOLD)))


# -- writing ---------------------------------------------------------------------------------


def add_words(words: set[str]) -> None:
    """Add the words of a published entry (or of many) to the vocabulary."""
    words = {w for w in words if 2 <= len(w) <= MAX_WORD}
    if not words:
        return
    rows = [(w, _stem(w)) for w in sorted(words)]
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.executemany(
                "INSERT INTO library_search_word (word, stem) VALUES (%s, %s) "
                "ON CONFLICT (word) DO NOTHING",
                rows,
            )
        elif connection.vendor == "sqlite":
            known = set()
            for i in range(0, len(rows), 500):
                chunk = [w for w, _s in rows[i : i + 500]]
                marks = ",".join("%s" for _ in chunk)
                cur.execute(
                    f"SELECT word FROM library_search_word WHERE word IN ({marks})",  # noqa: S608 - placeholders only
                    chunk,
                )
                known.update(r[0] for r in cur.fetchall())
            new = [(w, s) for w, s in rows if w not in known]
            cur.executemany("INSERT INTO library_search_word (word, stem) VALUES (%s, %s)", new)
            cur.executemany(
                "INSERT INTO library_word_tri (word) VALUES (%s)", [(w,) for w, _s in new]
            )


# -- reading ---------------------------------------------------------------------------------


def _in(column: str, values: list[str]) -> tuple[str, list[str]]:
    marks = ",".join("%s" for _ in values)
    return f"{column} IN ({marks})", list(values)


def _known(words_and_stems: list[str]) -> set[str]:
    """Which of the given strings are a word or a stem of the vocabulary."""
    if not words_and_stems:
        return set()
    w_sql, w_params = _in("word", words_and_stems)
    s_sql, s_params = _in("stem", words_and_stems)
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT word, stem FROM library_search_word WHERE {w_sql} OR {s_sql}",  # noqa: S608 - placeholders only
            w_params + s_params,
        )
        found: set[str] = set()
        for word, stem in cur.fetchall():
            found.add(word)
            found.add(stem)
    return found & set(words_and_stems)


def _containing(part: str) -> list[str]:
    """Vocabulary words that hold `part` inside them (compounds), shortest first."""
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute(
                "SELECT word FROM library_search_word WHERE word LIKE %s "
                "ORDER BY length(word), word LIMIT %s",
                ["%" + part + "%", EXPANSIONS_PER_TERM * 8],
            )
        else:
            cur.execute(
                "SELECT word FROM library_word_tri WHERE library_word_tri MATCH %s "
                "ORDER BY length(word), word LIMIT %s",
                ['"' + part + '"', EXPANSIONS_PER_TERM * 8],
            )
        return [r[0] for r in cur.fetchall()]


def _alike(term: str) -> list[str]:
    """Candidate vocabulary words sharing trigrams with `term` (scored by the caller)."""
    folded = term.translate(_FOLD)
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute(
                "SELECT word FROM library_search_word WHERE word %% %s OR word %% %s "
                "ORDER BY greatest(similarity(word, %s), similarity(word, %s)) DESC LIMIT 50",
                [term, folded, term, folded],
            )
        else:
            grams = sorted({term[i : i + 3] for i in range(len(term) - 2)})
            grams += sorted({folded[i : i + 3] for i in range(len(folded) - 2)} - set(grams))
            match = " OR ".join('"' + g + '"' for g in grams)
            cur.execute(
                "SELECT word FROM library_word_tri WHERE library_word_tri MATCH %s "
                "ORDER BY rank LIMIT 200",
                [match],
            )
        return [r[0] for r in cur.fetchall()]


# Derivational endings: "coachning" and "coachande" both come from "coach", "mentorskap" from
# "mentor", though the Snowball stemmer keeps them apart.
DERIVATIONS = ("ning", "ande", "ende", "are", "skap", "het", "else")
SPLIT_KNOWN_MIN = 9
COMPOUND_REST = 3  # a known word this long is also split into its parts, if it has two


def _heads(left: str) -> list[str]:
    """The first part of a compound as written before the second, and as a word of its own:
    a linking -s dropped ("ledarskaps-"), a linking -o/-u back to -a ("hälso-", "gatu-")."""
    out = [left]
    if len(left) > MIN_PART and left.endswith("s"):
        out.append(left[:-1])
    if len(left) >= MIN_PART and left[-1] in "ou":
        out.append(left[:-1] + "a")
    return out


def _split(term: str, known: set[str]) -> list[str]:
    """Two known words that make up `term`, the longest second part first; [] if none."""
    for i in range(MIN_PART, len(term) - MIN_PART + 1):
        right = term[i:]
        if right in DERIVATIONS or (right not in known and _stem(right) not in known):
            continue  # "ledarskap" is not "ledar" + "skap"
        heads = _heads(term[:i])
        head = next((h for h in heads if h in known), None) or next(
            (h for h in heads if _stem(h) in known), None
        )
        if head:
            return [head, right]
    return []


def _bases(term: str) -> list[str]:
    return [
        term[: -len(suffix)]
        for suffix in DERIVATIONS
        if term.endswith(suffix) and len(term) - len(suffix) >= MIN_PART + 1
    ]


def _candidates(term: str) -> list[str]:
    out: list[str] = [term, _stem(term), *_bases(term)]
    for i in range(MIN_PART, len(term) - MIN_PART + 1):
        right = term[i:]
        out += [right, _stem(right)]
        for head in _heads(term[:i]):
            out += [head, _stem(head)]
    return out


def _compounds(term: str) -> list[str]:
    """Known words that are compounds with `term` (by its stem) at their start or after a first
    part of at least COMPOUND_REST letters ("karriär" → "karriärväxling", "växling" →
    "karriärväxling", "skugga" → "jobbskuggning"; not "säkra" → "osäkra")."""
    stem = _stem(term)
    part = stem if len(stem) >= MIN_PART else term
    out = []
    for w in _containing(part):
        ws = _stem(w)
        if ws == stem:
            continue
        head = w.startswith(part) and len(w) - len(part) >= COMPOUND_REST
        later = w.find(part) >= COMPOUND_REST
        if head or later:
            out.append(w)
    return out[:EXPANSIONS_PER_TERM]


ENDINGS = ("arna", "erna", "orna", "en", "et", "er", "ar", "or", "na")
FUZZY_SPREAD = 0.1  # corrections as good as the best one, within this


def _corrections(term: str) -> list[str]:
    """Known words most like a misspelt `term`: the best and any within FUZZY_SPREAD of it
    (at most FUZZY_PER_TERM), with their compounds and the base of a derived one."""
    scored = sorted(
        ((similarity(term, w), w) for w in _alike(term)), key=lambda sw: (-sw[0], sw[1])
    )
    if not scored or scored[0][0] < FUZZY_MIN:
        return []
    best = scored[0][0]
    words = [w for s, w in scored[:FUZZY_PER_TERM] if s >= max(FUZZY_MIN, best - FUZZY_SPREAD)]
    bases = [b for w in words for b in _bases(w)]
    out: list[str] = []
    for w in words:
        out += [w, *_compounds(w)]
    return out + sorted(_known(bases)) if bases else out


def expand(terms: list[str]) -> list[str]:
    """Words to add to a query's `terms`: compounds that hold a term, the parts of a compound
    term, the base of a derived term, and known words like a misspelt term. Empty when the
    vocabulary adds nothing."""
    long_terms = [t for t in terms if len(t) >= MIN_PART]
    if not long_terms:
        return []
    known = _known(sorted({c for t in long_terms for c in _candidates(t)}))
    extra: list[str] = []
    for t in long_terms:
        extra += _compounds(t)
        extra += [b for b in _bases(t) if b in known]
        is_known = t in known or _stem(t) in known
        if is_known and len(t) < SPLIT_KNOWN_MIN:
            continue
        split = _split(t, known)
        if split:
            # A known compound brings in its parts; an unknown one also their compounds.
            extra += split
            if not is_known:
                extra += [w for part in split for w in _compounds(part)]
            continue
        if is_known:
            continue
        # An inflected form the stemmer leaves whole ("molnet"): its bare form's compounds.
        bare = [t[: -len(e)] for e in ENDINGS if t.endswith(e) and len(t) - len(e) >= MIN_PART]
        found = [w for b in bare for w in _compounds(b)]
        if found:
            extra += found
            continue
        extra += _corrections(t)
    seen = set(terms)
    out = []
    for w in extra:
        if w not in seen:
            seen.add(w)
            out.append(w)
    return out


INFLECTIONS_PER_WORD = 6


def inflections(words: list[str]) -> list[str]:
    """Known words with the same Snowball stem as one of `words` (not those themselves).

    For PostgreSQL: its `swedish` stemmer is an older Snowball that leaves some forms whole
    ("flödet", "ärendet"), so a query for "flöde" would miss "flödet" there; the forms the
    library holds are added to the query instead."""
    stems = sorted({_stem(w) for w in words if len(w) >= MIN_PART})
    if not stems:
        return []
    s_sql, s_params = _in("stem", stems)
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT word, stem FROM library_search_word WHERE {s_sql} ORDER BY word",  # noqa: S608 - placeholders only
            s_params,
        )
        rows = cur.fetchall()
    given = set(words)
    per_stem: dict[str, int] = {}
    out = []
    for word, stem in rows:
        if word in given or per_stem.get(stem, 0) >= INFLECTIONS_PER_WORD:
            continue
        per_stem[stem] = per_stem.get(stem, 0) + 1
        out.append(word)
    return out
