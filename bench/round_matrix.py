"""The pages of a round at a real agency's size: the scoring matrix (100 applications × 5
criteria, four assessors, 2 000 scores), the round page with its ranking, and the projects
page, against bare `/ping` in the same run (the machine is shared: the ratio is the figure).

    .venv/bin/python bench/round_matrix.py                    # a scratch SQLite database
    DATABASE_URL=postgres://postgres@127.0.0.1:54330/lom_round_bench .venv/bin/python \\
        bench/round_matrix.py

The database is migrated and loaded once with the demo (`load_demo`, `load_demo_planning`,
`load_demo_rounds`); `--reload` starts again. Requests go through Django's whole stack (the
test client, signed in as the demo coordinator), interleaved, `--runs` of each."""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
os.environ.setdefault("DATABASE_URL", "sqlite:////tmp/lom-round-bench.sqlite3")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lom.config.settings")
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from lom.accounts.models import User  # noqa: E402
from lom.decisions.models import ApplicationRound  # noqa: E402

LOADERS = ("load_demo", "load_demo_planning", "load_demo_rounds")


def _load(reload: bool) -> ApplicationRound:
    db = settings.DATABASES["default"]
    if reload and db["ENGINE"].endswith("sqlite3") and Path(db["NAME"]).exists():
        Path(db["NAME"]).unlink()
    call_command("migrate", verbosity=0)
    if not ApplicationRound.objects.filter(organisation__slug="tillsynsverket").exists():
        for name in LOADERS:
            call_command(name, verbosity=0)
    return ApplicationRound.objects.get(organisation__slug="tillsynsverket")


def _client(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--reload", action="store_true")
    args = parser.parse_args()
    rnd = _load(args.reload)
    settings.ALLOWED_HOSTS = ["*"]
    coordinator = _client("samordnare")
    pages = {
        "/ping (baseline)": "/ping",
        "matrix, revealed": f"/decisions/rounds/{rnd.pk}/matrix/",
        "round page with ranking": f"/decisions/rounds/{rnd.pk}/",
        "projects page": f"/decisions/rounds/{rnd.pk}/projects/",
    }
    for url in pages.values():  # warm caches and the session
        assert coordinator.get(url).status_code == 200, url
    times: dict[str, list[float]] = {name: [] for name in pages}
    for _ in range(args.runs):
        for name, url in pages.items():
            started = time.perf_counter()
            coordinator.get(url)
            times[name].append((time.perf_counter() - started) * 1000)
    base = statistics.median(times["/ping (baseline)"])
    cases = rnd.cases.count()
    criteria = rnd.criteria.count()
    print(f"round of {cases} applications × {criteria} criteria; {args.runs} runs each")
    print(f"{'page':28} {'p50 ms':>8} {'p95 ms':>8} {'p50 / ping':>11}")
    for name, values in times.items():
        values.sort()
        p50 = statistics.median(values)
        p95 = values[max(0, int(len(values) * 0.95) - 1)]
        print(f"{name:28} {p50:8.1f} {p95:8.1f} {p50 / base:11.1f}")


if __name__ == "__main__":
    main()
