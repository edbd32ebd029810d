#!/usr/bin/env python
"""Simulated users against gunicorn on loopback with locust: `make bench-users`.

    .venv/bin/python bench/users.py --database-url postgres://.../lom_bench_0_1_mine \
        --users 200 --run-time 600                      # the target run: 200 users, 10 minutes
    .venv/bin/python bench/users.py --scale 0.001 --users 10 --run-time 20 --rss-requests 0

1. opens sessions in the benchmark database (rows in django_session: use a database of your
   own, e.g. `createdb -T lom_bench_1 lom_bench_1_mine`) for applicants with cases, for the
   coordinators of the largest organisations and the API tokens of the same organisations,
   and writes them to a file for bench/locustfile.py;
2. starts gunicorn as deploy/lom does (4 sync workers, the application preloaded, DEBUG off)
   on 127.0.0.1 and checks every request type answers 200 once;
3. runs locust headless (`--users`, `--spawn-rate`, `--run-time`; think time `--think`),
   employees, coordinators and API clients in the ratio of `--weights`;
4. tops every worker up to `--rss-requests` requests (key routes, bounded by
   `--rss-max-seconds`) and reads each worker's resident memory;
5. prints errors, p50/p95 per request type and overall, requests per worker, worker RSS, the
   machine's load, and what the targets say; writes bench/results/users-<time>.json.

Bounded: at most MAX_USERS users and MAX_RUN_TIME seconds; only loopback is ever a target.
Exit status 1 when a request failed (errors must be 0), 3 with --strict when a target is missed.
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import common
from bench.run import (
    CLK,
    CpuMeter,
    PgCpu,
    Server,
    bench_context,
    code_state,
    git_state,
    http_get,
    loadavg,
    make_routes,
    open_session,
    run_python_load,
)

MAX_USERS = 500
MAX_RUN_TIME = 3600
TARGETS = {"errors": 0, "max_p95_ms": 1000, "max_rss_mb": 150, "rss_after_requests": 10_000}


# --------------------------------------------------------------------------------------------
# Who the simulated users are
# --------------------------------------------------------------------------------------------
def largest_organisations(n: int) -> list[int]:
    from django.db.models import Count

    from lom.organisations.models import Employee

    rows = (
        Employee.objects.values("organisation_id")
        .annotate(n=Count("id"))
        .order_by("-n", "organisation_id")[:n]
    )
    return [r["organisation_id"] for r in rows]


def employee_pool(org_ids: list[int], n: int) -> list[dict]:
    """Applicants with cases in these organisations (the largest first), one session each,
    with up to five of their case ids."""
    from lom.accounts.models import User
    from lom.cases.models import Case

    cases: dict[int, list[int]] = {}
    orgs: dict[int, int] = {}
    rows = (
        Case.objects.filter(organisation_id__in=org_ids, applicant__user__isnull=False)
        .exclude(status="draft")
        .order_by("organisation_id", "-id")
        .values_list("applicant__user_id", "organisation_id", "id")[: n * 20]
    )
    for user_id, org_id, case_id in rows:
        if user_id not in cases and len(cases) >= n:
            continue
        cases.setdefault(user_id, [])
        if len(cases[user_id]) < 5:
            cases[user_id].append(case_id)
        orgs[user_id] = org_id
    users = User.objects.in_bulk(list(cases))
    return [
        {
            "user": users[uid].username,
            "session": open_session(users[uid], orgs[uid]),
            "cases": ids,
        }
        for uid, ids in cases.items()
    ]


def coordinator_pool(org_ids: list[int], n: int) -> list[dict]:
    """The benchmark coordinator of each organisation, one session per simulated
    coordinator (organisations in turn), with what the queue's filters and searches use."""
    from lom.accounts.models import User
    from lom.cases.models import Case
    from lom.organisations.models import Unit

    per_org: dict[int, dict] = {}
    users: dict[int, User] = {}
    for org_id in org_ids:
        user = User.objects.filter(username=common.username(org_id, "coordinator")).first()
        if user is None:
            continue
        users[org_id] = user
        open_cases = list(
            Case.objects.filter(organisation_id=org_id, status__in=["submitted", "in_review"])
            .order_by("-id")
            .values_list("id", flat=True)[:50]
        )
        old = list(
            Case.objects.filter(organisation_id=org_id)
            .exclude(number="")
            .order_by("id")
            .values_list("number", "title")[:200:10]
        )
        units = list(
            Unit.objects.filter(organisation_id=org_id, parent__isnull=False)
            .order_by("path")
            .values_list("id", flat=True)[:10]
        )
        words = sorted({w for _n, t in old for w in t.split() if len(w) > 4})[:10]
        per_org[org_id] = {
            "cases": open_cases,
            "numbers": [number for number, _t in old],
            "words": words,
            "units": units,
        }
    if not per_org:
        raise SystemExit("no benchmark coordinators: run bench/generate.py first")
    pool = []
    orgs = list(per_org)
    for i in range(n):
        org_id = orgs[i % len(orgs)]
        entry = dict(per_org[org_id])
        coordinator = users[org_id]
        pool.append(
            {"user": coordinator.username, "session": open_session(coordinator, org_id), **entry}
        )
    return pool


def api_pool(org_ids: list[int]) -> list[dict]:
    """The API token the generator made for each organisation's coordinator."""
    return [{"org": org_id, "token": common.api_token_raw(org_id)} for org_id in org_ids]


def identities(args) -> dict:
    orgs = largest_organisations(args.organisations)
    weights = dict(zip(("employees", "coordinators", "api"), args.weights, strict=True))
    total = sum(weights.values())
    n_emp = max(1, round(args.users * weights["employees"] / total))
    n_coord = max(1, round(args.users * weights["coordinators"] / total))
    return {
        "organisations": orgs,
        "weights": weights,
        "think": args.think,
        "api_pages": args.api_pages,
        "employees": employee_pool(orgs, n_emp),
        "coordinators": coordinator_pool(orgs, n_coord),
        "api": api_pool(orgs),
    }


def preflight(port: int, data: dict) -> list[str]:
    """One request of each type the scenario makes, as the first identity of its pool:
    anything but 200 stops the run before the load starts."""
    emp, coord, api = data["employees"][0], data["coordinators"][0], data["api"][0]
    e = {"Cookie": f"sessionid={emp['session']}"}
    c = {"Cookie": f"sessionid={coord['session']}"}
    checks = [
        ("/", e),
        ("/cases/?mine=1", e),
        ("/library/", e),
        ("/information/", e),
        ("/cases/", c),
        ("/cases/?page=2", c),
        ("/funds/", c),
        ("/api/v1/cases?limit=50", {"Authorization": f"Bearer {api['token']}"}),
    ]
    if emp["cases"]:
        checks.append((f"/cases/{emp['cases'][0]}/", e))
    if coord["cases"]:
        checks.append((f"/cases/{coord['cases'][0]}/", c))
    bad = []
    for path, headers in checks:
        status, _n = http_get(port, path, headers)
        if status != 200:
            bad.append(f"{path} answered {status}")
    return bad


# --------------------------------------------------------------------------------------------
# locust
# --------------------------------------------------------------------------------------------
def locust_command(explicit: str) -> list[str]:
    if explicit:
        return shlex.split(explicit)
    if importlib.util.find_spec("locust") is not None:
        return [sys.executable, "-m", "locust"]
    found = shutil.which("locust")
    if found:
        return [found]
    raise SystemExit("locust is not installed: `make install` (requirements-dev.lock has it)")


def read_locust_stats(prefix: str) -> dict:
    """Per request type and overall ("Aggregated"): requests, failures, p50, p95, p99, req/s
    from locust's <prefix>_stats.csv."""
    out = {}
    with open(f"{prefix}_stats.csv", newline="") as fh:
        for row in csv.DictReader(fh):

            def num(key: str, row=row) -> float:
                try:
                    return float(row.get(key) or 0)
                except ValueError:
                    return 0.0

            out[row["Name"]] = {
                "requests": int(num("Request Count")),
                "failures": int(num("Failure Count")),
                "p50_ms": num("50%"),
                "p95_ms": num("95%"),
                "p99_ms": num("99%"),
                "max_ms": num("Max Response Time"),
                "rps": round(num("Requests/s"), 2),
            }
    failures = []
    path = Path(f"{prefix}_failures.csv")
    if path.exists():
        with path.open(newline="") as fh:
            failures = [
                {"name": r["Name"], "error": r["Error"], "count": int(r["Occurrences"])}
                for r in csv.DictReader(fh)
            ]
    return {"by_type": out, "failures": failures}


def requests_per_worker(access_log: str) -> dict[int, int]:
    """Requests each gunicorn worker served, from the access log (`<pid> <status>`)."""
    counts: Counter[int] = Counter()
    try:
        with open(access_log) as fh:
            for line in fh:
                pid = line.split(" ", 1)[0].strip("<>")
                if pid.isdigit():
                    counts[int(pid)] += 1
    except OSError:
        pass
    return dict(counts)


def top_up(server: Server, routes, args, access_log: str) -> dict:
    """More requests round-robin over the key routes until every live worker served
    --rss-requests (or --rss-max-seconds passed)."""
    fired = {"requests": 0, "errors": 0, "seconds": 0.0}
    deadline = time.monotonic() + args.rss_max_seconds
    while time.monotonic() < deadline:
        served = requests_per_worker(access_log)
        live = server.worker_pids()
        missing = max((args.rss_requests - served.get(pid, 0) for pid in live), default=0)
        if missing <= 0:
            break
        t0 = time.monotonic()
        batch = min(missing * len(live), 5000)
        data = run_python_load(server.port, routes, deadline - time.monotonic(), 8, batch)
        fired["requests"] += data["requests"]
        fired["errors"] += data["errors"]
        fired["seconds"] = round(fired["seconds"] + time.monotonic() - t0, 1)
    return fired


# --------------------------------------------------------------------------------------------
# The run
# --------------------------------------------------------------------------------------------
def run(args) -> dict:
    url = args.database_url
    if not common.database_name(url).startswith("lom_bench"):
        raise SystemExit("bench/users.py only runs against lom_bench_* databases")
    if not common.is_loopback_url(url):
        raise SystemExit("the benchmark database must be on this machine (loopback)")
    start_load = loadavg()
    common.setup_django(url)
    from django.db import connection

    print(f"== {common.database_name(url)}: opening sessions", flush=True)
    data = identities(args)
    ctx = bench_context("largest")  # the key routes the top-up requests use
    key_routes = [r for r in make_routes(ctx) if r.key]
    connection.close()
    print(
        f"   {len(data['employees'])} employees, {len(data['coordinators'])} coordinators, "
        f"{len(data['api'])} API tokens over organisations {data['organisations']}",
        flush=True,
    )
    work = Path(tempfile.mkdtemp(prefix="lom-bench-users-"))
    users_file, access_log, prefix = work / "users.json", str(work / "access.log"), work / "locust"
    users_file.write_text(json.dumps(data))
    try:
        return run_with_server(
            args, url, data, key_routes, users_file, access_log, prefix, start_load
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)


def run_with_server(args, url, data, key_routes, users_file, access_log, prefix, start_load):
    with Server(url, args.port, args.workers, access_log=access_log) as server:
        host = f"http://127.0.0.1:{server.port}"
        assert common.is_loopback_url(host)
        bad = preflight(server.port, data)
        if bad:
            raise SystemExit("a request type does not answer 200:\n  " + "\n  ".join(bad))
        for r in key_routes:  # warm every worker (templates, connections)
            for _ in range(2 * args.workers):
                http_get(server.port, r.path, r.headers)
        rss_warm = server.rss_mb()
        cmd = [
            *locust_command(args.locust),
            "-f",
            str(common.ROOT / "bench" / "locustfile.py"),
            "--headless",
            "--host",
            host,
            "--users",
            str(args.users),
            "--spawn-rate",
            str(args.spawn_rate),
            "--run-time",
            f"{args.run_time}s",
            "--stop-timeout",
            "10",
            "--csv",
            str(prefix),
            "--only-summary",
            "--loglevel",
            "WARNING",
            "--exit-code-on-error",
            "0",
        ]
        env = dict(os.environ, LOM_BENCH_USERS_FILE=str(users_file))
        print(
            f"   locust: {args.users} users, spawn {args.spawn_rate}/s, {args.run_time} s, "
            f"think {args.think[0]:g}-{args.think[1]:g} s, against {host} "
            f"({args.workers} workers)",
            flush=True,
        )
        meter = CpuMeter(server, common.database_name(url))
        meter.start()
        with PgCpu(database=common.database_name(url)) as pgcpu:
            j0 = meter.gunicorn_jiffies()
            t0 = time.monotonic()
            proc = subprocess.run(
                cmd,
                env=env,
                cwd=common.ROOT,
                timeout=args.run_time + 180,
                capture_output=True,
                text=True,
            )
            seconds = time.monotonic() - t0
            app_ms = (meter.gunicorn_jiffies() - j0) * 1000 / CLK
        foreign = meter.foreign_percent()
        if proc.returncode != 0 or not Path(f"{prefix}_stats.csv").exists():
            raise SystemExit(f"locust failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
        stats = read_locust_stats(str(prefix))
        served_load = requests_per_worker(access_log)
        rss_load = server.rss_mb()
        extra = {}
        if args.rss_requests:
            print(f"   topping every worker up to {args.rss_requests:,} requests", flush=True)
            extra = top_up(server, key_routes, args, access_log)
        served = requests_per_worker(access_log)
        rss_final = server.rss_mb()
        memory = server.memory_mb()
    total = stats["by_type"].get("Aggregated", {}).get("requests", 0)
    return {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "database": common.database_name(url),
        "code": code_state(),
        "users": args.users,
        "run_time_s": args.run_time,
        "seconds": round(seconds, 1),
        "spawn_rate": args.spawn_rate,
        "think_s": args.think,
        "workers": args.workers,
        "organisations": data["organisations"],
        "identities": {k: len(data[k]) for k in ("employees", "coordinators", "api")},
        "weights": data["weights"],
        "stats": stats,
        "cpu_ms_per_request": {
            "gunicorn": round(app_ms / max(1, total), 1),
            "postgresql": round(pgcpu.ms() / max(1, total), 1),
        },
        "requests_per_worker_load": served_load,
        "requests_per_worker": served,
        "top_up": extra,
        "rss_mb": {"after_warmup": rss_warm, "after_load": rss_load, "final": rss_final},
        "memory_mb_final": memory,
        "machine": {
            "cores": os.cpu_count(),
            "loadavg_start": start_load,
            "loadavg_end": loadavg(),
            "foreign_cpu_during_load": foreign,
        },
    }


def judge(result: dict, args) -> tuple[list[str], list[str]]:
    """(missed targets, targets not judged)."""
    missed, unjudged = [], []
    overall = result["stats"]["by_type"].get("Aggregated", {})
    errors = overall.get("failures", 0) + result["top_up"].get("errors", 0)
    if errors:
        missed.append(f"{errors} errors (target 0)")
    if overall.get("p95_ms", 0) >= TARGETS["max_p95_ms"]:
        missed.append(f"p95 {overall['p95_ms']:.0f} ms overall (target < 1000 ms)")
    rss = result["rss_mb"]["final"]
    if rss and max(rss.values()) >= TARGETS["max_rss_mb"]:
        missed.append(f"worker RSS {max(rss.values()):.0f} MB (target < 150 MB)")
    served = result["requests_per_worker"]
    fewest = min((served.get(pid, 0) for pid in rss), default=0)
    if fewest < TARGETS["rss_after_requests"]:
        unjudged.append(
            f"worker RSS after 10 000 requests each: the fewest a worker served was {fewest:,}"
        )
    if args.users < 200 or args.run_time < 600:
        unjudged.append(
            f"200 users for 10 minutes: this run had {args.users} users for {args.run_time} s"
        )
    return missed, unjudged


def report(result: dict, missed: list[str], unjudged: list[str]) -> None:
    m = result["machine"]
    print()
    print(
        f"{result['users']} users for {result['seconds']:.0f} s on {result['workers']} "
        f"gunicorn workers (application preloaded), {result['database']}, organisations "
        f"{result['organisations']}; code {result['code']}"
    )
    print(
        f"machine: {m['cores']} cores, load average {'/'.join(map(str, m['loadavg_start']))} "
        f"at the start, {'/'.join(map(str, m['loadavg_end']))} at the end; other programs "
        f"used {m['foreign_cpu_during_load']:.0f} % of a core during the load"
    )
    head = f"{'request type':<22}{'requests':>9}{'errors':>8}{'p50 ms':>9}{'p95 ms':>9}"
    head += f"{'p99 ms':>9}{'req/s':>8}"
    print(head)
    print("-" * len(head))
    by_type = result["stats"]["by_type"]
    for name in sorted(by_type, key=lambda n: (n == "Aggregated", n)):
        s = by_type[name]
        label = "overall" if name == "Aggregated" else name
        print(
            f"{label:<22}{s['requests']:>9,}{s['failures']:>8}{s['p50_ms']:>9.0f}"
            f"{s['p95_ms']:>9.0f}{s['p99_ms']:>9.0f}{s['rps']:>8.1f}"
        )
    for f in result["stats"]["failures"][:10]:
        print(f"   error: {f['name']}: {f['error']} x{f['count']}")
    cpu = result["cpu_ms_per_request"]
    print(f"CPU per request: gunicorn {cpu['gunicorn']} ms, PostgreSQL {cpu['postgresql']} ms")
    load = result["requests_per_worker_load"]
    print(
        "requests per worker during the load: "
        + ", ".join(f"{pid}: {n:,}" for pid, n in sorted(load.items()))
    )
    if result["top_up"]:
        t = result["top_up"]
        print(
            f"topped up with {t['requests']:,} requests ({t['errors']} errors) in "
            f"{t['seconds']} s: "
            + ", ".join(f"{pid}: {n:,}" for pid, n in sorted(result["requests_per_worker"].items()))
        )
    for label, values in result["rss_mb"].items():
        if values:
            print(
                f"worker RSS {label.replace('_', ' ')}: "
                + ", ".join(f"{v:.0f} MB" for v in values.values())
            )
    mem = result.get("memory_mb_final") or {}
    if mem:
        print(
            "worker memory at the end (RSS / PSS / own pages, MB): "
            + ", ".join(f"{m['rss']:.0f}/{m['pss']:.0f}/{m['uss']:.0f}" for m in mem.values())
        )
    print("targets: 0 errors; p95 < 1 s; worker RSS < 150 MB after 10 000 requests each")
    if missed:
        print("missed:\n  " + "\n  ".join(missed))
    else:
        print("no target missed among those judged" if unjudged else "all targets met")
    if unjudged:
        print("not judged:\n  " + "\n  ".join(unjudged))


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument(
        "--database-url",
        help="a lom_bench_* database of your own (sessions are "
        "written to it); default: the scale's database on --server",
    )
    p.add_argument("--scale", type=float, default=0.01)
    p.add_argument("--server", help=f"PostgreSQL server URL (default {common.DEFAULT_SERVER})")
    p.add_argument("--users", type=int, default=200, help=f"at most {MAX_USERS}")
    p.add_argument("--spawn-rate", type=float, default=5, help="users started per second")
    p.add_argument("--run-time", type=int, default=600, help=f"seconds, at most {MAX_RUN_TIME}")
    p.add_argument("--think", default="2,8", help="seconds between a user's requests: min,max")
    p.add_argument(
        "--weights",
        default="6,3,1",
        help="employees,coordinators,API clients (their share of the users)",
    )
    p.add_argument("--api-pages", type=int, default=3, help="pages an API client follows")
    p.add_argument(
        "--organisations",
        type=int,
        default=10,
        help="the largest N organisations the users come from",
    )
    p.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    p.add_argument("--port", type=int, default=8766)
    p.add_argument(
        "--rss-requests",
        type=int,
        default=10_000,
        help="top every worker up to this many requests before reading its memory "
        "(0: read it after the load)",
    )
    p.add_argument("--rss-max-seconds", type=int, default=900, help="bound for the top-up")
    p.add_argument("--locust", default="", help="the locust command (default: this Python's)")
    p.add_argument("--strict", action="store_true", help="exit 3 when a target is missed")
    args = p.parse_args(argv)
    if not 1 <= args.users <= MAX_USERS:
        p.error(f"--users must be 1..{MAX_USERS}")
    if not 1 <= args.run_time <= MAX_RUN_TIME:
        p.error(f"--run-time must be 1..{MAX_RUN_TIME} seconds")
    if not 0 <= args.rss_max_seconds <= MAX_RUN_TIME:
        p.error(f"--rss-max-seconds must be 0..{MAX_RUN_TIME}")
    try:
        args.think = [float(x) for x in args.think.split(",")]
        args.weights = [int(x) for x in args.weights.split(",")]
    except ValueError:
        p.error("--think and --weights take numbers separated by commas")
    if len(args.think) != 2 or not 0 <= args.think[0] <= args.think[1] <= 60:
        p.error("--think is min,max seconds, 0 <= min <= max <= 60")
    if len(args.weights) != 3 or min(args.weights) < 0 or sum(args.weights) <= 0:
        p.error("--weights is three counts: employees,coordinators,API clients")
    args.database_url = common.resolve_database_url(args.scale, args.database_url, args.server)
    return args


def main() -> None:
    args = parse_args()
    os.environ.setdefault("LOM_BENCH_CODE_STATE", json.dumps(git_state()))
    result = run(args)
    missed, unjudged = judge(result, args)
    result.update(targets=TARGETS, missed=missed, not_judged=unjudged)
    report(result, missed, unjudged)
    common.RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    out = common.RESULTS / f"users-{stamp}-{result['database']}.json"
    out.write_text(json.dumps(result, indent=2, default=str))
    print(f"written {out.relative_to(common.ROOT)}")
    errors = result["stats"]["by_type"].get("Aggregated", {}).get("failures", 0)
    if errors or result["top_up"].get("errors"):
        sys.exit(1)
    if args.strict and missed:
        sys.exit(3)


if __name__ == "__main__":
    main()
