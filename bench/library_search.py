"""Library search at 100 000 published measures: p50/p95 of representative queries.

    DATABASE_URL=sqlite:////tmp/library-bench.sqlite3 .venv/bin/python bench/library_search.py
    DATABASE_URL=postgres://.../lom_library_bench .venv/bin/python bench/library_search.py

The database named by DATABASE_URL is migrated and filled (once; --reload to refill) with N
synthetic published entries built from Swedish measure texts, indexed as the services index
them, then each query runs through the same selector as the page (library_search)."""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lom.config.settings")
os.environ.setdefault("DEBUG", "1")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from lom.accounts.models import User  # noqa: E402
from lom.agreements.models import MeasureType  # noqa: E402
from lom.demo.management.commands.load_demo_library import MEASURES  # noqa: E402
from lom.library import search  # noqa: E402
from lom.library.models import EntryStatus, LibraryEntry  # noqa: E402
from lom.library.selectors import LibraryFilters, library_search  # noqa: E402
from lom.organisations.models import Organisation  # noqa: E402

WORDS = [
    "digitalisering",
    "omställning",
    "chefer",
    "ledarskap",
    "kompetens",
    "analys",
    "handläggning",
    "utbildning",
    "coachning",
    "pension",
    "seniorer",
    "arbetsmiljö",
    "växeltjänstgöring",
    "klarspråk",
    "säkerhet",
    "projekt",
    "vård",
    "omsorg",
    "administration",
    "automatisering",
    "data",
    "statistik",
    "kommunikation",
    "flytt",
    "region",
    "kommun",
    "myndighet",
    "undersköterskor",
    "sjuksköterskor",
    "lärare",
    "IT-stöd",
]
QUERIES = [
    ("one word", LibraryFilters(q="ledarskap")),
    ("inflected", LibraryFilters(q="omställningar")),
    ("inflected 2", LibraryFilters(q="chefer")),
    ("compound part", LibraryFilters(q="karriär")),
    ("compound part 2", LibraryFilters(q="växling")),
    ("three words", LibraryFilters(q="digitalisering av handläggningen")),
    ("misspelling", LibraryFilters(q="koachning")),
    ("misspelling 2", LibraryFilters(q="arbetsmiljo")),
    ("rare word", LibraryFilters(q="klarspråk")),
    ("text + filter", LibraryFilters(q="coachning", sector="region")),
    ("case text", LibraryFilters(q=MEASURES[0][0] + " " + MEASURES[0][1])),
    ("filters only", LibraryFilters(measure_type="coaching", year=2024)),
    ("browse", LibraryFilters()),
]


def load(n: int) -> None:
    rnd = random.Random(1)
    orgs = []
    for i, kind in enumerate(["agency", "region", "municipality"] * 4):
        org, _ = Organisation.objects.get_or_create(
            slug=f"bench-lib-{i}", defaults={"name": f"Bench {i}", "kind": kind}
        )
        orgs.append(org)
    user, _ = User.objects.get_or_create(username="bench-library")
    types = list(MeasureType.objects.all())
    bands = ["1-4", "5-9", "10-24", "25+"]
    sizes = ["1–49", "50–249", "250–999", "1 000–4 999", "5 000+"]
    batch = 5000
    through = LibraryEntry.measure_types.through
    for start in range(0, n, batch):
        with transaction.atomic():
            rows = []
            for _i in range(start, min(n, start + batch)):
                title, need, cat, summary, lessons, *_ = rnd.choice(MEASURES)
                extra = " ".join(rnd.sample(WORDS, 4))
                org = rnd.choice(orgs)
                rows.append(
                    LibraryEntry(
                        organisation=org,
                        status=EntryStatus.PUBLISHED,
                        title=f"{title} {rnd.choice(WORDS)}",
                        need=f"{need} {extra}",
                        need_category=cat,
                        summary=summary,
                        lessons=lessons,
                        cost_per_participant_ore=rnd.randrange(5, 60) * 100_000,
                        participants_band=rnd.choice(bands),
                        need_met=rnd.choice(["yes", "partly", "no"]),
                        sector=org.kind,
                        size_band=rnd.choice(sizes),
                        year=rnd.choice([2023, 2024, 2025]),
                        created_by=user,
                    )
                )
            made = LibraryEntry.objects.bulk_create(rows)
            if connection.vendor == "sqlite" and made[0].pk is None:
                last = LibraryEntry.objects.order_by("-id").values_list("id", flat=True)[
                    : len(made)
                ]
                for obj, pk in zip(made, reversed(list(last)), strict=True):
                    obj.pk = pk
            through.objects.bulk_create(
                [through(libraryentry_id=e.pk, measuretype_id=rnd.choice(types).pk) for e in made]
            )
            search.index_entries_bulk([(e.pk, e.title, e.search_document) for e in made])
        print(f"  {min(n, start + batch)} / {n}", flush=True)
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("ANALYZE library_libraryentry")


def _timed(filters: LibraryFilters, repeat: int) -> tuple[str, float, float]:
    """Hits ("+" when more entries match than were ranked), p50 and p95 in ms."""
    times = []
    hits = 0
    more = False
    library_search(actor=None, filters=filters, page=1)  # warm: the process's first call
    for _i in range(repeat):
        t = time.perf_counter()
        res = library_search(actor=None, filters=filters, page=1)
        times.append((time.perf_counter() - t) * 1000)
        hits = res.total
        more = res.more
    times.sort()
    p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
    return f"{hits}{'+' if more else ''}", statistics.median(times), p95


def measure(repeat: int) -> None:
    """Each query's p50/p95, and its p95 as a multiple of the browse page's p95 measured in
    the same run (the baseline: the cheapest page of the library)."""
    _hits, _p50, base = _timed(LibraryFilters(), repeat)
    print(f"baseline (browse) p95 {base:.1f} ms; target p95 < 150 ms")
    print(f"{'query':<16} {'hits':>7} {'p50 ms':>8} {'p95 ms':>8} {'x browse':>9} {'<150':>5}")
    for label, filters in QUERIES:
        hits, p50, p95 = _timed(filters, repeat)
        ok = "yes" if p95 < 150 else "no"
        print(f"{label:<16} {hits:>7} {p50:>8.1f} {p95:>8.1f} {p95 / base:>9.1f} {ok:>5}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--reload", action="store_true")
    args = ap.parse_args()
    call_command("migrate", verbosity=0)
    have = LibraryEntry.objects.filter(organisation__slug__startswith="bench-lib-").count()
    if args.reload or have < args.n:
        LibraryEntry.objects.filter(organisation__slug__startswith="bench-lib-").delete()
        print(f"loading {args.n} entries into {connection.vendor} …")
        load(args.n)
    print(f"{connection.vendor}: {LibraryEntry.objects.count()} entries")
    measure(args.repeat)


if __name__ == "__main__":
    main()
