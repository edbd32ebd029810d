"""Recall@5 and MRR of the library search on a labelled Swedish test set
(src/lom/library/data/relevance_sv.json: queries -> the demo measures they should find, each
marked as a topic, an inflection, a compound or a misspelling), over the demo's distinct
measures (src/lom/library/data/demo_measures.json).

    DATABASE_URL=sqlite:////tmp/lib-rel.sqlite3 .venv/bin/python bench/library_relevance.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lom_rel \
        .venv/bin/python bench/library_relevance.py

Recall@5 of a query is the share of its relevant measures in the first five, out of at most
five (a query with eight relevant measures that shows five of them in its first five has
recall 1). MRR: the mean of 1 / the rank of the first relevant measure (0 when none is in the
first five).

Text search always; embeddings and the hybrid when an encoder is installed and configured
(LOM_LIBRARY_SEARCH=embedding in the environment is not needed: this script asks the encoder
directly)."""

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lom.config.settings")
os.environ.setdefault("DEBUG", "1")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402

from lom.accounts.models import User  # noqa: E402
from lom.demo.management.commands.load_demo_library import MEASURES  # noqa: E402
from lom.library import search  # noqa: E402
from lom.library.models import EntryStatus, LibraryEntry  # noqa: E402
from lom.library.selectors import published_entries, reciprocal_rank_fusion  # noqa: E402
from lom.organisations.models import Organisation  # noqa: E402


def setup() -> dict[int, str]:
    call_command("migrate", verbosity=0)
    org, _ = Organisation.objects.get_or_create(slug="relevance", defaults={"name": "R"})
    user, _ = User.objects.get_or_create(username="relevance")
    LibraryEntry.objects.filter(organisation=org).delete()
    titles = {}
    for title, need, cat, summary, lessons, *_ in MEASURES:
        e = LibraryEntry.objects.create(
            organisation=org,
            status=EntryStatus.PUBLISHED,
            title=title,
            need=need,
            need_category=cat,
            summary=summary,
            lessons=lessons,
            participants_band="5-9",
            sector="agency",
            size_band="50–249",
            year=2025,
            created_by=user,
        )
        search.index_entry(e)
        titles[e.pk] = title
    return titles


def score(rank_fn, cases, titles, *, show_misses: bool = False) -> tuple[float, float]:
    recall = mrr = 0.0
    for c in cases:
        ids = rank_fn(c["query"])[:5]
        got = [titles.get(i) for i in ids]
        rel = set(c["relevant"])
        r = len(rel & set(got)) / min(5, len(rel & set(titles.values()) or rel))
        m = next((1 / (k + 1) for k, t in enumerate(got) if t in rel), 0.0)
        recall += r
        mrr += m
        if show_misses and (r < 1 or m < 1):
            print(f"  {c['query']!r}: recall {r:.2f} rr {m:.2f} -> {got}")
    return recall / len(cases), mrr / len(cases)


def main() -> None:
    titles = setup()
    cases = json.loads((ROOT / "src/lom/library/data/relevance_sv.json").read_text())
    qs = published_entries().filter(organisation__slug="relevance")
    rows = [
        ("text (stemmed + vocabulary)", lambda q: search.ranked_ids(qs, q, limit=5)),
        ("text (stemmed only)", lambda q: search.ranked_ids(qs, q, limit=5, expand=False)),
    ]
    settings.LOM_LIBRARY_EMBED_ENTRIES = True
    from lom.library.embedding import get_encoder, semantic_ids, to_bytes

    enc = get_encoder()
    if enc is not None:
        for e in qs:
            LibraryEntry.objects.filter(pk=e.pk).update(
                embedding=to_bytes(enc.encode([e.search_document])[0]), embedding_model=enc.name
            )
        rows.append((f"embeddings ({enc.name})", lambda q: semantic_ids(qs, q, limit=5)))
        rows.append(
            (
                "hybrid (RRF)",
                lambda q: reciprocal_rank_fusion(
                    [search.ranked_ids(qs, q, limit=20), semantic_ids(qs, q, limit=20)]
                ),
            )
        )
    else:
        print("no embedding model installed: text search only")
    from django.db import connection

    print(f"{connection.vendor}: {len(cases)} queries, {len(titles)} entries")
    print(f"{'method':<28} {'recall@5':>9} {'MRR':>6}")
    for name, fn in rows:
        r, m = score(fn, cases, titles)
        print(f"{name:<28} {r:>9.3f} {m:>6.3f}")
    text = rows[0][1]
    print(f"{'text search, by kind':<28} {'recall@5':>9} {'MRR':>6} {'queries':>8}")
    for kind in sorted({c.get("kind", "") for c in cases}):
        part = [c for c in cases if c.get("kind", "") == kind]
        r, m = score(text, part, titles)
        print(f"{kind:<28} {r:>9.3f} {m:>6.3f} {len(part):>8}")
    if "-v" in sys.argv:
        print("queries below 1:")
        score(text, cases, titles, show_misses=True)


if __name__ == "__main__":
    main()
