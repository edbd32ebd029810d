#!/usr/bin/env python
"""Load benchmark of LOM's key pages under gunicorn (2 sync workers) on PostgreSQL.

    make bench SCALES=0.1,1
    .venv/bin/python bench/run.py --scales 0.1,1 --duration 10 --rss-requests 10000

For each scale (database lom_bench_<scale>, made by bench/generate.py) it:
1. finds the benchmark organisation (the largest) and its users, and opens a session for each
   role directly through Django's session engine;
2. counts the SQL queries of one request per route in a Django test Client with
   CaptureQueriesContext, and times sequential in-process requests (server time);
3. starts gunicorn (DEBUG off, production settings plus the bare /ping view) on 127.0.0.1,
   drives each route with wrk (or a small Python load generator when wrk is missing) for a
   fixed time, and reads each worker's resident memory;
4. prints a table (median and p95 latency, req/s, queries, ratio to /ping) and writes JSON to
   bench/results/. With two scales it also prints how the time per page grows with the data.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import common

TARGETS = {
    "min_ratio_to_ping": 0.10,
    "max_queries": 12,
    "max_growth_10x": 1.3,
    "max_rss_mb": 150,
}


@dataclass
class Route:
    name: str
    role: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    key: bool = True  # one of the key pages the targets are about (ping is the baseline)


@dataclass
class Result:
    name: str
    role: str
    path: str
    status: int = 0
    bytes: int = 0
    queries: int = 0
    sql_ms: float = 0.0
    server_ms: float = 0.0  # median of sequential in-process requests
    slowest_sql_ms: float = 0.0
    slowest_sql: str = ""
    requests: int = 0
    rps: float = 0.0
    p50_ms: float = 0.0
    p95_ms: float = 0.0
    p99_ms: float = 0.0
    errors: int = 0
    ratio: float = 0.0
    cpu_ms: float = 0.0  # in-process CPU per page: this process + its PostgreSQL processes
    app_cpu_ms: float = 0.0  # of which this process (Django)
    db_cpu_ms: float = 0.0  # of which PostgreSQL: our backend and its parallel workers
    backend_cpu_ms: float = 0.0  # of which the backend alone
    parallel_workers: float = 0.0  # parallel worker processes started per page
    cluster_cpu_ms: float = 0.0  # every process of the cluster, other sessions' too (noise)
    pg_sql_ms: float = 0.0  # SQL execution time per page as PostgreSQL saw it (pg_stat_statements)
    pg_calls: float = 0.0  # statements per page as pg_stat_statements counted them
    load_cpu_ms: float = 0.0  # under load: gunicorn + PostgreSQL CPU per request
    foreign_cpu: float = 0.0  # other programs' CPU during the load, % of one core
    foreign_cpu_inproc: float = 0.0  # the same during the in-process timing
    explain: str = ""
    query_log: list = field(default_factory=list)


# --------------------------------------------------------------------------------------------
# The benchmark world: organisation, users, sessions, routes
# --------------------------------------------------------------------------------------------
def open_session(user, org_id: int) -> str:
    """A logged-in session of `user` in organisation `org_id`, made directly through Django's
    session engine (no password round-trip); returns the session cookie's value. It is a row
    in django_session: a write to the benchmark database."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from lom.organisations.middleware import SESSION_KEY as ORG_KEY

    s = SessionStore()
    s[SESSION_KEY] = str(user.pk)
    s[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    s[HASH_SESSION_KEY] = user.get_session_auth_hash()
    s[ORG_KEY] = org_id
    s.create()
    assert s.session_key is not None  # create() saved it
    return s.session_key


def bench_context(org_choice: str) -> dict:

    from lom.accounts.models import User
    from lom.cases.models import Case
    from lom.funds.models import LedgerEntry
    from lom.organisations.models import Employee, Membership, Organisation, Unit

    if org_choice == "largest":
        largest = common.largest_organisation()
        if largest is None:
            raise SystemExit("no organisations: run bench/generate.py first")
        org = Organisation.objects.get(pk=largest[0])
    else:
        org = Organisation.objects.get(pk=int(org_choice))
    users: dict[str, User] = {}
    for role in ("employee", "coordinator", "manager", "union_rep"):
        found = User.objects.filter(username=common.username(org.pk, role)).first()
        if found is None:
            raise SystemExit(f"user {common.username(org.pk, role)} is missing: regenerate")
        users[role] = found
    sessions = {role: open_session(user, org.pk) for role, user in users.items()}
    manager_unit = (
        Membership.objects.filter(user=users["manager"], organisation=org, role="manager")
        .values_list("unit_id", flat=True)
        .first()
    )
    case = (
        Case.objects.filter(organisation=org, status="in_review")
        .order_by("-submitted_at", "-id")
        .first()
    ) or Case.objects.filter(organisation=org).exclude(status="draft").order_by("-id").first()
    year = datetime.now(UTC).year - 1
    numbered = Case.objects.filter(organisation=org, number__startswith=f"{year}-").order_by(
        "number"
    )
    n = numbered.count()
    search = numbered[n // 2].number if n else (case.number if case else "")
    title_word = _title_word(org, year)
    sizes = {
        "employees": Employee.objects.filter(organisation=org).count(),
        "units": Unit.objects.filter(organisation=org).count(),
        "cases": Case.objects.filter(organisation=org).count(),
        "ledger_entries": LedgerEntry.objects.filter(organisation=org).count(),
        "all_cases": Case.objects.count(),
        "all_ledger_entries": LedgerEntry.objects.count(),
        "all_employees": Employee.objects.count(),
    }
    return {
        "org_id": org.pk,
        "org_name": org.name,
        "users": {r: u.username for r, u in users.items()},
        "sessions": sessions,
        "unit_id": manager_unit,
        "case_id": case.pk if case else None,
        "search": search,
        "title_word": title_word,
        "token": common.api_token_raw(org.pk),
        "sizes": sizes,
    }


def _title_word(org, year: int) -> str:
    """A word of last year's case titles that occurs in some but not most of them (the one
    whose share is closest to 5 % of a sample), for the title search route."""
    from collections import Counter

    from lom.cases.models import Case

    titles = list(
        Case.objects.filter(organisation=org, number__startswith=f"{year}-")
        .order_by("id")
        .values_list("title", flat=True)[:2000]
    )
    words = Counter(
        w for t in titles for w in {x.strip(":,.-").lower() for x in t.split()} if len(w) >= 5
    )
    if not words:
        return "kurs"
    return min(words, key=lambda w: (abs(words[w] / len(titles) - 0.05), w))


def make_routes(ctx: dict) -> list[Route]:
    def cookie(role: str) -> dict[str, str]:
        return {"Cookie": f"sessionid={ctx['sessions'][role]}"}

    q = urllib.parse.quote(ctx["search"])
    return [
        Route("ping", "anonymous", "/ping", key=False),
        Route("my_cases", "employee", "/cases/?mine=1", cookie("employee")),
        Route("queue", "coordinator", "/cases/", cookie("coordinator")),
        Route(
            "queue_filtered",
            "coordinator",
            f"/cases/?status=submitted&unit={ctx['unit_id']}",
            cookie("coordinator"),
        ),
        Route("queue_search", "coordinator", f"/cases/?q={q}", cookie("coordinator")),
        Route(
            "queue_title",
            "coordinator",
            f"/cases/?q={urllib.parse.quote(ctx.get('title_word', 'kurs'))}",
            cookie("coordinator"),
        ),
        Route("case_page", "coordinator", f"/cases/{ctx['case_id']}/", cookie("coordinator")),
        Route("funds", "coordinator", "/funds/", cookie("coordinator")),
        Route("home", "coordinator", "/", cookie("coordinator")),
        Route(
            "api_cases",
            "coordinator (token)",
            "/api/v1/cases",
            {"Authorization": f"Bearer {ctx['token']}"},
        ),
        Route("manager_queue", "manager", "/cases/", cookie("manager")),
        Route("home_employee", "employee", "/", cookie("employee")),
        Route("dashboard", "coordinator", "/reports/", cookie("coordinator")),
        Route("home_manager", "manager", "/", cookie("manager")),
        Route("home_union_rep", "union_rep", "/", cookie("union_rep")),
    ]


# --------------------------------------------------------------------------------------------
# In-process: queries per request and server time
# --------------------------------------------------------------------------------------------
class QueryTimer:
    """execute_wrapper: wall time of every query, to the microsecond."""

    def __init__(self):
        self.ms: list[float] = []

    def __call__(self, execute, sql_text, params, many, context):
        t0 = time.perf_counter()
        try:
            return execute(sql_text, params, many, context)
        finally:
            self.ms.append((time.perf_counter() - t0) * 1000)


def measure_in_process(routes: list[Route], args) -> dict[str, Result]:
    """Per route: the queries of one request (CaptureQueriesContext), then `repeat` sequential
    requests for the median wall time and median SQL time. No network, no gunicorn."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    out = {}
    for r in routes:
        client = Client(HTTP_HOST="127.0.0.1")
        headers = {k: v for k, v in r.headers.items() if k != "Cookie"}
        if "Cookie" in r.headers:
            client.cookies["sessionid"] = r.headers["Cookie"].split("=", 1)[1]
        res = Result(r.name, r.role, r.path)
        for _ in range(3):  # warm caches, templates, the token's last_used_at
            client.get(r.path, headers=headers)
        timer = QueryTimer()
        with CaptureQueriesContext(connection) as cq, connection.execute_wrapper(timer):
            resp = client.get(r.path, headers=headers)
        res.status = resp.status_code
        res.bytes = len(resp.content)
        res.queries = len(cq.captured_queries)
        res.query_log = [
            {"ms": round(t, 3), "sql": q["sql"][:500]}
            for t, q in zip(timer.ms, cq.captured_queries, strict=False)
        ]
        if timer.ms:
            i = max(range(len(timer.ms)), key=timer.ms.__getitem__)
            res.slowest_sql_ms = round(timer.ms[i], 2)
            res.slowest_sql = cq.captured_queries[i]["sql"]
            if args.explain:
                res.explain = explain_analyze(res.slowest_sql)

        def sequential(path=r.path, client=client, headers=headers):
            samples, sql_samples = [], []
            backend = backend_pid()
            pg0 = pg_statements()
            cl0 = cluster_jiffies()
            with PgCpu(backends=[backend] if backend else []) as pgcpu:
                cpu0, be0 = time.process_time(), jiffies(backend)
                for _ in range(args.repeat):
                    timer = QueryTimer()
                    with connection.execute_wrapper(timer):
                        t0 = time.perf_counter()
                        client.get(path, headers=headers)
                        samples.append((time.perf_counter() - t0) * 1000)
                    sql_samples.append(sum(timer.ms))
                app = (time.process_time() - cpu0) * 1000
                be = (jiffies(backend) - be0) * 1000 / CLK
            app -= pgcpu.own_ms  # the sampling thread is not the page's
            cluster = (cluster_jiffies() - cl0) * 1000 / CLK
            pg1 = pg_statements()
            same = backend_pid() == backend  # the same connection served every request
            db = pgcpu.ms() if same else 0.0
            n = args.repeat
            return {
                "server_ms": statistics.median(samples),
                "sql_ms": statistics.median(sql_samples),
                "cpu_ms": (app + db) / n,
                "app_cpu_ms": app / n,
                "backend_cpu_ms": be / n if same else 0.0,
                "db_cpu_ms": db / n,
                "parallel_workers": pgcpu.workers() / n,
                "cluster_cpu_ms": cluster / n,
                "pg_sql_ms": (pg1[0] - pg0[0]) / n if pg0 and pg1 else 0.0,
                "pg_calls": (pg1[1] - pg0[1]) / n if pg0 and pg1 else 0.0,
            }

        figures, res.foreign_cpu_inproc = least_disturbed(
            sequential, CpuMeter(), args, f"{r.name} in-process"
        )
        for key, value in figures.items():
            setattr(res, key, round(value, 2))
        if args.profile:
            print_profile(client, r, headers)
        out[r.name] = res
    return out


def print_profile(client, route: Route, headers: dict[str, str]) -> None:
    import cProfile
    import io
    import pstats

    prof = cProfile.Profile()
    prof.enable()
    for _ in range(5):
        client.get(route.path, headers=headers)
    prof.disable()
    buf = io.StringIO()
    stats = pstats.Stats(prof, stream=buf).sort_stats("cumulative")
    stats.print_stats(r"src/lom/|forms/(widgets|boundfield|renderers)|template/(loader|base)", 25)
    print(f"\n--- profile of {route.name} ({route.path}), 5 requests, cumulative:")
    print("\n".join(line for line in buf.getvalue().splitlines()[6:] if line.strip()))


def explain_analyze(sql_text: str) -> str:
    from django.db import connection

    if not sql_text.lstrip().upper().startswith("SELECT"):
        return ""
    with connection.cursor() as cur:
        cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql_text)
        return "\n".join(row[0] for row in cur.fetchall())


# --------------------------------------------------------------------------------------------
# gunicorn
# --------------------------------------------------------------------------------------------
class Server:
    """gunicorn on 127.0.0.1 as deploy/lom starts it (deploy/gunicorn.conf.py: the application
    preloaded in the master; preload=False leaves both out), sync workers, DEBUG off."""

    def __init__(
        self, url: str, port: int, workers: int, *, preload: bool = True, access_log: str = ""
    ):
        self.url, self.port, self.workers, self.preload = url, port, workers, preload
        self.access_log = access_log  # a file: one line per request, "<worker pid> <status>"
        self.proc: subprocess.Popen | None = None
        # closed in __exit__: the server outlives any single with-block here
        self.log = tempfile.NamedTemporaryFile(prefix="lom-bench-gunicorn-", suffix=".log")  # noqa: SIM115

    @staticmethod
    def free_port(preferred: int) -> int:
        """The preferred port, or any free one if something else listens there."""
        import socket

        for port in (preferred, 0):
            with socket.socket() as sock:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                try:
                    sock.bind(("127.0.0.1", port))
                except OSError:
                    continue
                return sock.getsockname()[1]
        raise SystemExit("no free port")

    def __enter__(self) -> Server:
        self.port = self.free_port(self.port)
        env = dict(
            os.environ,
            DJANGO_SETTINGS_MODULE="bench.bench_settings",
            DEBUG="0",
            SECRET_KEY=os.environ.get("SECRET_KEY", common.BENCH_SECRET_KEY),
            LOM_BASE_URL=os.environ.get("LOM_BASE_URL", "http://127.0.0.1:8000"),
            ALLOWED_HOSTS="127.0.0.1",
            DATABASE_URL=self.url,
            PYTHONDONTWRITEBYTECODE="1",
        )
        cmd = [
            sys.executable, "-m", "gunicorn", "lom.config.wsgi:application",
            "--workers", str(self.workers), "--worker-class", "sync",
            "--bind", f"127.0.0.1:{self.port}",
            "--pythonpath", f"{common.CODE_ROOT / 'src'},{common.ROOT}",
            "--chdir", str(common.CODE_ROOT), "--timeout", "120", "--log-level", "warning",
        ]  # fmt: skip
        if self.access_log:
            cmd += ["--access-logfile", self.access_log, "--access-logformat", "%(p)s %(s)s"]
        if self.preload:  # as deploy/lom; without it, each worker imports the application
            cmd += ["--config", str(common.ROOT / "deploy" / "gunicorn.conf.py"), "--preload"]
        self.proc = subprocess.Popen(
            cmd, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"gunicorn exited: {Path(self.log.name).read_text()[-2000:]}")
            try:
                if http_get(self.port, "/ping", {})[0] == 200 and len(self.worker_pids()) >= 1:
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        self.__exit__()
        raise SystemExit("gunicorn did not answer /ping within 60 s")

    def __exit__(self, *exc) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)  # only the master we started
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self.log.close()

    def worker_pids(self) -> list[int]:
        if not self.proc:
            return []
        pids = []
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            if ppid == self.proc.pid:
                pids.append(int(entry))
        return sorted(pids)

    def memory_mb(self) -> dict[int, dict[str, float]]:
        """Per worker: rss (what the target is about), pss (shared pages split between the
        processes sharing them) and uss (the worker's own pages), from smaps_rollup. With the
        application preloaded, much of a worker's RSS is the master's memory, shared."""
        out = {}
        for pid in self.worker_pids():
            try:
                text = Path(f"/proc/{pid}/smaps_rollup").read_text()
            except OSError:
                continue
            kb = {k: int(v) for k, v in re.findall(r"^(\w+):\s+(\d+) kB", text, re.M)}
            uss = kb.get("Private_Clean", 0) + kb.get("Private_Dirty", 0)
            out[pid] = {
                "rss": round(kb.get("Rss", 0) / 1024, 1),
                "pss": round(kb.get("Pss", 0) / 1024, 1),
                "uss": round(uss / 1024, 1),
            }
        return out

    def rss_mb(self) -> dict[int, float]:
        out = {}
        for pid in self.worker_pids():
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            m = re.search(r"^VmRSS:\s+(\d+) kB", status, re.M)
            if m:
                out[pid] = round(int(m.group(1)) / 1024, 1)
        return out


def fresh_worker(url: str, route: Route, args) -> dict:
    """The first request a new worker serves, with the application preloaded (as deploy/lom
    runs it) and without. gunicorn with one worker: a warm request, then the worker is killed
    and the time from the kill to the answer of the next request is taken (gunicorn forks a
    replacement, which boots and serves it), then a warm request again; --fresh-worker times,
    medians. Returned per mode: first_ms, warm_ms, boot_ms (first - warm)."""
    out: dict = {"route": route.name}
    for preload in (False, True):
        firsts, warms = [], []
        with Server(url, args.port, 1, preload=preload) as server:
            http_get(server.port, route.path, route.headers)
            for _ in range(args.fresh_worker):
                old = server.worker_pids()
                t0 = time.perf_counter()
                for pid in old:
                    os.kill(pid, signal.SIGKILL)  # a worker of the master we started
                try:
                    status: int | str = http_get(server.port, route.path, route.headers)[0]
                except OSError as exc:  # e.g. no answer within http_get's 60 s
                    status = f"no answer ({exc})"
                firsts.append((time.perf_counter() - t0) * 1000)
                t0 = time.perf_counter()
                http_get(server.port, route.path, route.headers)
                warms.append((time.perf_counter() - t0) * 1000)
                if status != 200:
                    print(f"   !! {route.name} answered {status} from a fresh worker")
        first, warm = statistics.median(firsts), statistics.median(warms)
        mode = "preload" if preload else "no_preload"
        out[mode] = {
            "first_ms": round(first, 1),
            "warm_ms": round(warm, 1),
            "boot_ms": round(first - warm, 1),
            "samples": [round(x) for x in firsts],
        }
        print(f"   fresh worker, {mode}: first request of {route.name} {first:.0f} ms, "
              f"warm {warm:.0f} ms", flush=True)  # fmt: skip
    return out


def http_get(port: int, path: str, headers: dict[str, str]) -> tuple[int, int]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", path, headers=headers)
        resp = conn.getresponse()
        body = resp.read()
        return resp.status, len(body)
    finally:
        conn.close()


# --------------------------------------------------------------------------------------------
# Load
# --------------------------------------------------------------------------------------------
def run_wrk(port: int, route: Route, duration: int, conns: int, threads: int) -> dict:
    cmd = [
        "wrk", f"-t{threads}", f"-c{conns}", f"-d{duration}s", "--timeout", "30s",
        "-s", str(common.ROOT / "bench" / "wrk_report.lua"),
    ]  # fmt: skip
    for k, v in route.headers.items():
        cmd += ["-H", f"{k}: {v}"]
    cmd.append(f"http://127.0.0.1:{port}{route.path}")
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 60, check=True)
    line = [x for x in out.stdout.splitlines() if x.startswith("{")][-1]
    data = json.loads(line)
    return {
        "requests": data["requests"],
        "seconds": data["duration_us"] / 1e6,
        "p50_ms": data["p50_us"] / 1000,
        "p95_ms": data["p95_us"] / 1000,
        "p99_ms": data["p99_us"] / 1000,
        "errors": sum(v for k, v in data.items() if k.startswith("errors_")),
    }


def run_python_load(
    port: int, routes: list[Route], duration: float, conns: int, max_requests: int | None = None
) -> dict:
    """A small load generator: `conns` threads, each a fresh connection per request (like the
    sync workers do), until `duration` seconds have passed or `max_requests` were made."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    counter = [0]
    deadline = time.monotonic() + duration

    def worker(offset: int) -> None:
        i = offset
        while time.monotonic() < deadline:
            with lock:
                if max_requests is not None and counter[0] >= max_requests:
                    return
                counter[0] += 1
            r = routes[i % len(routes)]
            i += 1
            t0 = time.perf_counter()
            try:
                status, _n = http_get(port, r.path, r.headers)
                ok = status == 200
            except OSError:
                ok = False
            dt = (time.perf_counter() - t0) * 1000
            with lock:
                latencies.append(dt)
                if not ok:
                    errors[0] += 1

    t0 = time.monotonic()
    threads = [threading.Thread(target=worker, args=(k,), daemon=True) for k in range(conns)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=duration + 120)
    seconds = time.monotonic() - t0
    lat = sorted(latencies) or [0.0]

    def pct(p: float) -> float:
        return lat[min(len(lat) - 1, int(p / 100 * len(lat)))]

    return {
        "requests": len(latencies),
        "seconds": seconds,
        "p50_ms": pct(50),
        "p95_ms": pct(95),
        "p99_ms": pct(99),
        "errors": errors[0],
    }


def git_state() -> dict:
    """The working tree's commit and how many files differ from it (read-only git)."""

    def git(*a: str) -> str:
        try:
            return subprocess.run(
                ["git", *a], cwd=common.ROOT, capture_output=True, text=True, timeout=10
            ).stdout.strip()
        except OSError:
            return ""

    return {"commit": git("rev-parse", "--short", "HEAD"),
            "changed_files": len(git("status", "--porcelain").splitlines())}  # fmt: skip


def tree_hash(root: Path) -> str:
    import hashlib

    h = hashlib.sha256()
    for path in sorted((root / "src").rglob("*")):
        if path.is_file() and path.suffix in (".py", ".html", ".txt", ".po"):
            h.update(str(path.relative_to(root)).encode())
            h.update(path.read_bytes())
    return h.hexdigest()[:12]


def code_state() -> dict:
    """Which code was measured."""
    state = json.loads(os.environ.get("LOM_BENCH_CODE_STATE", "{}")) or git_state()
    state["tree"] = tree_hash(common.CODE_ROOT)
    state["snapshot"] = common.CODE_ROOT != common.ROOT
    return state


def make_snapshot() -> Path:
    """A frozen copy of the application (src, static, manage.py) for the whole run."""
    snap = Path(tempfile.mkdtemp(prefix="lom-bench-code-"))
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(common.ROOT / "src", snap / "src", ignore=ignore)
    if (common.ROOT / "static").is_dir():
        shutil.copytree(common.ROOT / "static", snap / "static", ignore=ignore)
    shutil.copy2(common.ROOT / "manage.py", snap / "manage.py")
    return snap


CLK = os.sysconf("SC_CLK_TCK")


def jiffies(pid: int | None, *, reaped: bool = False) -> int:
    """utime + stime of a process, in clock ticks (0 when it is gone); with `reaped`, plus the
    CPU of its children that have ended and been waited for (cutime + cstime)."""
    if not pid:
        return 0
    try:
        rest = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    own = int(rest[11]) + int(rest[12])
    return own + int(rest[13]) + int(rest[14]) if reaped else own


def parent_pid(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except OSError:
        return 0


def backend_pid() -> int | None:
    """The PostgreSQL backend serving this process's Django connection (same machine only)."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()")
        pid = cur.fetchone()[0]
    return pid if Path(f"/proc/{pid}").exists() else None


_POSTMASTER: list[int] = []


def postmaster_pid() -> int:
    """The benchmark database's postmaster (the parent of our backend), 0 when unknown."""
    if not _POSTMASTER:
        pid = backend_pid()
        _POSTMASTER.append(parent_pid(pid) if pid else 0)
    return _POSTMASTER[0]


def postmaster_children() -> list[int]:
    """The postmaster's children, from /proc/<pid>/task/<pid>/children (one read, cheap enough
    to poll every few milliseconds), or by scanning /proc where the kernel lacks that file."""
    master = postmaster_pid()
    if not master:
        return []
    try:
        return [int(x) for x in Path(f"/proc/{master}/task/{master}/children").read_text().split()]
    except OSError:
        return [int(e) for e in os.listdir("/proc") if e.isdigit() and parent_pid(int(e)) == master]


def cluster_pids() -> list[int]:
    """The benchmark database's PostgreSQL processes: its postmaster and all its children
    (other clusters on the machine are other programs)."""
    master = postmaster_pid()
    return [master, *postmaster_children()] if master else []


def cluster_jiffies() -> int:
    """CPU of the whole benchmark cluster: every live process under its postmaster (backends,
    parallel workers, background writers) plus the postmaster's own and that of its children
    that have already ended. A parallel worker lives only as long as its query, so it is gone
    by the time anyone looks: its CPU shows up in the postmaster's cutime/cstime, which is why
    summing the live children alone misses it. Other sessions on the same cluster count too."""
    pids = cluster_pids()
    if not pids:
        return 0
    return jiffies(pids[0], reaped=True) + sum(jiffies(pid) for pid in pids[1:])


def cpu_ns(pid: int) -> int:
    """CPU time of a process in nanoseconds from the scheduler's own accounting
    (/proc/<pid>/schedstat), which, unlike utime/stime's 10 ms ticks, sees a parallel worker
    that ran for 3 ms; 0 when it is gone. Falls back to the ticks."""
    try:
        return int(Path(f"/proc/{pid}/schedstat").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return jiffies(pid) * 1_000_000_000 // CLK


def proc_title(pid: int) -> str:
    try:
        return (
            Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        )
    except OSError:
        return ""


class PgCpu:
    """CPU of our own PostgreSQL processes, parallel workers included, while it runs.

    Ours: the backends of `backends` (pids), or every backend of `database` (its name is in the
    process title), and every "parallel worker for PID <one of them>". A parallel worker lives
    only as long as its query, so it is gone by the time anyone looks after a request: a thread
    reads the postmaster's children every few milliseconds and keeps the last CPU reading of
    each, in nanoseconds (cpu_ns; a worker loses at most its last interval's CPU). Other
    sessions on the same cluster
    are not counted (cluster_jiffies() counts everything). The thread's own CPU is `own_ms`
    (subtract it from this process's CPU)."""

    def __init__(self, *, backends=(), database: str = "", interval: float = 0.005):
        self.backends, self.database, self.interval = set(backends), database, interval
        self.base: dict[int, int] = {}
        self.last: dict[int, int] = {}
        self.seen: set[int] = set()
        self.own_ms = 0.0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _ours(self, pid: int, title: str) -> bool:
        if pid in self.backends or (self.database and f" {self.database} " in title):
            self.backends.add(pid)
            return True
        m = re.search(r"parallel worker for PID (\d+)", title)
        return bool(m and int(m.group(1)) in self.backends)

    def _scan(self, first: bool) -> None:
        for pid in postmaster_children():
            if pid in self.last:
                self.last[pid] = cpu_ns(pid) or self.last[pid]
                continue
            if pid in self.seen:
                continue
            title = proc_title(pid)
            if not title.startswith("postgres:"):
                continue  # just forked, its title not set yet: look again next time
            self.seen.add(pid)
            if self._ours(pid, title):
                now = cpu_ns(pid)
                self.base[pid] = now if first else 0
                self.last[pid] = now

    def _run(self) -> None:
        t0 = time.thread_time()
        while not self._stop.wait(self.interval):
            self._scan(False)
        self.own_ms = (time.thread_time() - t0) * 1000

    def __enter__(self) -> PgCpu:
        postmaster_pid()  # found through the Django connection: before the thread starts
        self._scan(True)
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(timeout=10)
        self._scan(False)

    def ms(self) -> float:
        return sum(self.last[p] - self.base[p] for p in self.last) / 1e6

    def workers(self) -> int:
        """Parallel workers seen (processes of ours that were not a backend)."""
        return len(set(self.last) - self.backends)


_PGSS: list[bool] = []


def pg_statements() -> tuple[float, int] | None:
    """(total execution ms, calls) of every statement pg_stat_statements recorded in this
    database so far, or None without the extension. Read twice, the difference is what
    PostgreSQL itself spent on the SQL in between (parallel workers' time is inside their
    leader's execution time). Nothing is reset: others may be reading the same statistics.
    The extension is created when the server preloads it and the database lacks it (only in
    lom_bench_* databases, which the harness already migrates)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    if not _PGSS:
        ok = False
        try:
            with connection.cursor() as cur:
                cur.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_stat_statements'")
                ok = cur.fetchone() is not None
                if not ok and connection.settings_dict["NAME"].startswith("lom_bench"):
                    cur.execute("SHOW shared_preload_libraries")
                    if "pg_stat_statements" in cur.fetchone()[0]:
                        cur.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
                        ok = True
        except Exception as exc:  # a missing figure, not a failed run
            print(f"   (no pg_stat_statements: {exc})", flush=True)
            ok = False
        _PGSS.append(ok)
    if not _PGSS[0]:
        return None
    with connection.cursor() as cur:
        cur.execute(
            "SELECT coalesce(sum(total_exec_time), 0), coalesce(sum(calls), 0) "
            "FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database "
            "WHERE datname = current_database()) AND query NOT LIKE '%pg_stat_statements%'"
        )
        total, calls = cur.fetchone()
    return float(total), int(calls)


class CpuMeter:
    """How much CPU other programs took while we measured, in percent of one core: all busy
    time (/proc/stat) minus ours (this process and its waited children such as wrk, the
    gunicorn processes, the backends of the benchmark database). Other work on the machine,
    other sessions on the same PostgreSQL cluster included, skews a measurement."""

    def __init__(self, server: Server | None = None, database: str = ""):
        self.server = server
        self.database = database or common.database_name(os.environ.get("DATABASE_URL", ""))
        self.clk = os.sysconf("SC_CLK_TCK")

    @staticmethod
    def _busy() -> int:
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        return sum(fields[:8]) - fields[3] - fields[4]  # minus idle and iowait

    def _ours(self) -> int:
        import resource

        own = resource.getrusage(resource.RUSAGE_SELF)
        kids = resource.getrusage(resource.RUSAGE_CHILDREN)
        total = (own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime) * self.clk
        return int(total) + self.server_jiffies()

    def server_jiffies(self) -> int:
        """CPU of the gunicorn processes (ended workers included) and of the live backends of
        the benchmark database. Parallel workers have ended by the time this is read: PgCpu
        catches them while a measurement runs."""
        pids = cluster_pids()[1:]
        marker = f" {self.database} "
        total = sum(jiffies(pid) for pid in pids if marker in proc_title(pid))
        return total + self.gunicorn_jiffies()

    def gunicorn_jiffies(self) -> int:
        if not (self.server and self.server.proc):
            return 0
        workers = sum(jiffies(pid) for pid in self.server.worker_pids())
        return jiffies(self.server.proc.pid, reaped=True) + workers

    def start(self) -> None:
        self.t0, self.busy0, self.ours0 = time.monotonic(), self._busy(), self._ours()

    def foreign_percent(self) -> float:
        wall = time.monotonic() - self.t0
        foreign = (self._busy() - self.busy0) - (self._ours() - self.ours0)
        return round(max(0.0, foreign / self.clk / max(wall, 1e-6) * 100), 1)


# Every wait of one measurement process (one scale, one round) draws on one budget
# (--max-wait): a run on a busy machine finishes, slower figures and all, and says how busy.
WAITS: dict = {"waited_s": 0.0, "budget_s": 0.0, "exhausted": False, "readings": []}


def wait_left(args) -> float:
    WAITS["budget_s"] = args.max_wait
    return max(0.0, args.max_wait - WAITS["waited_s"])


def bounded_sleep(args, seconds: float) -> bool:
    """Sleep out of the budget; False (without sleeping) once it is spent."""
    seconds = min(seconds, wait_left(args))
    if seconds <= 0:
        WAITS["exhausted"] = True
        return False
    time.sleep(seconds)
    WAITS["waited_s"] = round(WAITS["waited_s"] + seconds, 1)
    return True


def wait_until_quiet(args, label: str) -> float | None:
    """Wait (at most --quiet-timeout seconds, and only while the run's --max-wait budget
    lasts) for a 3-second window in which other programs use less than --max-foreign % of a
    core. Returns the last reading (None when the budget was already spent)."""
    meter = CpuMeter()
    deadline = time.monotonic() + args.quiet_timeout
    while True:
        meter.start()
        if not bounded_sleep(args, 3):
            return None
        foreign = meter.foreign_percent()
        WAITS["readings"].append(foreign)
        if foreign <= args.max_foreign or time.monotonic() > deadline:
            return foreign
        print(f"   (waiting before {label}: other programs use {foreign:.0f} % of a core)",
              flush=True)  # fmt: skip


def least_disturbed(measure_fn, meter: CpuMeter, args, label: str):
    """Measure; when other programs took more than --max-foreign % of a core meanwhile, wait
    and measure again (--retries times, while the wait budget lasts); keep the least
    disturbed attempt."""
    best = None
    for attempt in range(args.retries + 1):
        wait_until_quiet(args, label)
        meter.start()
        data = measure_fn()
        foreign = meter.foreign_percent()
        if best is None or foreign < best[1]:
            best = (data, foreign)
        if foreign <= args.max_foreign:
            break
        if attempt < args.retries:
            print(f"   ({label}: other programs used {foreign:.0f} % of a core; again in "
                  f"{args.retry_wait} s)", flush=True)  # fmt: skip
            if not bounded_sleep(args, args.retry_wait):
                print(f"   ({label}: the wait budget of {args.max_wait} s is spent: keeping "
                      "this measurement)", flush=True)  # fmt: skip
                break
    return best


def loadavg() -> list[float]:
    return [float(x) for x in Path("/proc/loadavg").read_text().split()[:3]]


def machine_state(start: list[float], results: dict[str, Result]) -> dict:
    """How busy the machine was: load averages at the start and the end, other programs' CPU
    during each measurement (percent of one core), the time spent waiting for quiet."""

    def summary(values: list[float]) -> dict:
        values = [v for v in values if v is not None]
        if not values:
            return {}
        return {"median": round(statistics.median(values), 1), "max": round(max(values), 1)}

    return {
        "cores": os.cpu_count(),
        "loadavg_start": start,
        "loadavg_end": loadavg(),
        "foreign_cpu_in_process": summary([r.foreign_cpu_inproc for r in results.values()]),
        "foreign_cpu_under_load": summary([r.foreign_cpu for r in results.values() if r.requests]),
        "foreign_cpu_quiet_checks": summary(WAITS["readings"]),
        "waited_s": WAITS["waited_s"],
        "wait_budget_s": WAITS["budget_s"],
        "wait_budget_spent": WAITS["exhausted"],
    }


def migrate_if_behind(url: str) -> None:
    """The code may have gained migrations since the data was generated: apply them (new
    tables stay empty) so the pages can be measured, and say so."""
    env = dict(os.environ, DATABASE_URL=url, DEBUG="0",
               SECRET_KEY=os.environ.get("SECRET_KEY", common.BENCH_SECRET_KEY),
               LOM_BASE_URL=os.environ.get("LOM_BASE_URL", "http://127.0.0.1:8000"),
               ALLOWED_HOSTS="127.0.0.1",
               DJANGO_SETTINGS_MODULE="lom.config.settings")  # fmt: skip
    manage = [sys.executable, str(common.CODE_ROOT / "manage.py"), "migrate", "--noinput"]
    check = subprocess.run([*manage, "--check"], env=env, capture_output=True, text=True)
    if check.returncode == 0:
        return
    if not common.database_name(url).startswith("lom_bench"):
        raise SystemExit(f"{common.database_name(url)} has unapplied migrations")
    print("   the database is behind the code's migrations: applying them", flush=True)
    subprocess.run(manage, env=env, check=True)


def sql_statements(text: str) -> list[str]:
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("--"))
    return [stmt.strip() for stmt in re.split(r";\s*\n", body + "\n") if stmt.strip()]


def experiment_sql(path: str) -> tuple[list[str], list[str]]:
    """(up, down) statements of an experiment file: `-- down` separates the two parts."""
    parts = re.split(r"^-- down\s*$", Path(path).read_text(), maxsplit=1, flags=re.M)
    up, down = parts[0], parts[1] if len(parts) > 1 else ""
    return sql_statements(up), sql_statements(down)


def run_sql(url: str, statements: list[str]) -> None:
    import psycopg

    if not common.database_name(url).startswith("lom_bench"):
        raise SystemExit("experiments only run on lom_bench_* databases")
    with psycopg.connect(url, autocommit=True) as conn:
        for stmt in statements:
            print(f"   sql: {' '.join(stmt.split())[:110]}", flush=True)
            conn.execute(stmt)


# --------------------------------------------------------------------------------------------
# One scale
# --------------------------------------------------------------------------------------------
def run_one(args) -> dict:
    url = args.database_url
    print(f"== {common.database_name(url)}", flush=True)
    migrate_if_behind(url)
    if not args.experiment:
        return measure(args, url)
    up, down = experiment_sql(args.experiment)
    try:
        run_sql(url, up)
        run = measure(args, url)
    finally:
        run_sql(url, down)
    run["experiment"] = args.experiment
    return run


def measure(args, url: str) -> dict:
    load_start = loadavg()
    common.setup_django(url)
    from django.db import connection

    ctx = bench_context(args.org)
    routes = make_routes(ctx)
    if args.routes:
        wanted = set(args.routes.split(","))
        routes = [r for r in routes if r.name in wanted or r.name == "ping"]
    print(
        f"   organisation {ctx['org_id']} ({ctx['org_name']}): "
        + ", ".join(f"{k} {v:,}" for k, v in ctx["sizes"].items()),
        flush=True,
    )
    results = measure_in_process(routes, args)
    bad = [r for r in results.values() if r.status != 200]
    for bad_res in bad:
        print(f"   !! {bad_res.name} {bad_res.path} answered {bad_res.status} in the test client")
    reports = {}
    # The annual report and the dashboard figures (bench/report_timing.py); with --routes only
    # when "reports" is among them.
    if args.report_runs and (not args.routes or "reports" in args.routes.split(",")):
        from bench.report_timing import print_timing, time_reports

        reports = time_reports(ctx["org_id"], datetime.now(UTC).year - 1, args.report_runs)
        print_timing(reports)
    connection.close()

    def record(**load) -> dict:
        ping = results.get("ping")
        for res in results.values():
            res.ratio = round(res.rps / ping.rps, 3) if ping and ping.rps else 0.0
        return {
            "database": common.database_name(url),
            "scale": args.scale_label,
            "when": datetime.now(UTC).isoformat(timespec="seconds"),
            **load,
            "ping_rps": ping.rps if ping else 0.0,
            "code": code_state(),
            "machine": machine_state(load_start, results),
            "context": {k: v for k, v in ctx.items() if k not in ("sessions", "token")},
            "results": [asdict(r) for r in results.values()],
            "reports": reports,
        }

    fresh = {}
    if args.fresh_worker:
        first_key = next((r for r in routes if r.key), routes[0])
        fresh = fresh_worker(url, first_key, args)

    if args.no_load:
        return record(
            fresh_worker=fresh,
            loader="none (--no-load)",
            duration_s=0,
            connections=0,
            workers=0,
            rss_mb={"after_warmup": {}, "after_run": {}, "after_extra_requests": {}},
        )
    use_wrk = shutil.which("wrk") is not None and not args.python_load
    loader = "wrk" if use_wrk else "python"
    rss_before = rss_after_run = rss_after_extra = {}
    memory = {}
    extra = {}
    ping_rates: list[float] = []
    with Server(url, args.port, args.workers, preload=not args.no_preload) as server:
        port = server.port
        for r in routes:  # warm every worker: templates, connections, caches
            for _ in range(4 * args.workers):
                status, _n = http_get(port, r.path, r.headers)
                if status != 200:
                    print(f"   !! {r.name} {r.path} answered {status} under gunicorn")
                    results[r.name].status = status
        rss_before = server.rss_mb()

        meter = CpuMeter(server)

        def load(r: Route) -> dict:
            def once() -> dict:
                with PgCpu(database=common.database_name(url)) as pgcpu:
                    j0 = meter.gunicorn_jiffies()
                    if use_wrk:
                        data = run_wrk(port, r, args.duration, args.connections, args.threads)
                    else:
                        data = run_python_load(port, [r], args.duration, args.connections)
                    used = (meter.gunicorn_jiffies() - j0) * 1000 / CLK
                used += pgcpu.ms()  # the database's backends and their parallel workers
                data["load_cpu_ms"] = used / max(1, data["requests"])
                # let requests still in the workers when the client stopped finish first
                time.sleep(min(10.0, 2 * data["p99_ms"] / 1000 + 0.5))
                return data

            data, foreign = least_disturbed(once, meter, args, r.name)
            data["foreign_cpu"] = foreign
            return data

        ping_route = next((r for r in routes if r.name == "ping"), None)
        pings = []
        for i, r in enumerate(routes):
            data = load(r)
            if r is ping_route:
                pings.append(data)
            res = results[r.name]
            res.requests = data["requests"]
            res.rps = round(data["requests"] / data["seconds"], 1)
            res.p50_ms = round(data["p50_ms"], 2)
            res.p95_ms = round(data["p95_ms"], 2)
            res.p99_ms = round(data["p99_ms"], 2)
            res.errors = data["errors"]
            res.foreign_cpu = data["foreign_cpu"]
            res.load_cpu_ms = round(data["load_cpu_ms"], 2)
            print(
                f"   {r.name:<16} {res.rps:8.1f} req/s  p50 {res.p50_ms:7.1f} ms  "
                f"p95 {res.p95_ms:7.1f} ms  errors {res.errors}  other programs "
                f"{res.foreign_cpu:.0f} % of a core",
                flush=True,
            )
            # the bare view again every few routes and at the end: the machine's speed drifts
            if ping_route and r is not ping_route and (i % 4 == 0 or i == len(routes) - 1):
                again = load(ping_route)
                pings.append(again)
                print(f"   {'ping (again)':<16} {again['requests'] / again['seconds']:8.1f} req/s")
        if pings:
            rates = [p["requests"] / p["seconds"] for p in pings]
            order = sorted(range(len(pings)), key=rates.__getitem__)
            mid = pings[order[len(pings) // 2]]  # the median measurement is the baseline
            res = results["ping"]
            res.rps = round(rates[order[len(pings) // 2]], 1)
            res.p50_ms = round(mid["p50_ms"], 2)
            res.p95_ms = round(mid["p95_ms"], 2)
            res.p99_ms = round(mid["p99_ms"], 2)
            res.load_cpu_ms = round(mid["load_cpu_ms"], 2)
            res.foreign_cpu = mid["foreign_cpu"]
            res.requests = sum(p["requests"] for p in pings)
            ping_rates = [round(x, 1) for x in rates]
        rss_after_run = server.rss_mb()
        memory = server.memory_mb()
        if args.rss_requests:
            key = [r for r in routes if r.key]
            t0 = time.monotonic()
            extra = run_python_load(
                port, key, args.rss_max_seconds, args.connections, args.rss_requests
            )
            extra["seconds"] = round(time.monotonic() - t0, 1)
            rss_after_extra = server.rss_mb()
            print(
                f"   fired {extra['requests']:,} more requests over the key routes in "
                f"{extra['seconds']} s ({extra['errors']} errors)",
                flush=True,
            )
    return record(
        fresh_worker=fresh,
        preload=not args.no_preload,
        loader=loader,
        duration_s=args.duration,
        connections=args.connections,
        workers=args.workers,
        ping_rates=ping_rates,
        rss_mb={
            "after_warmup": rss_before,
            "after_run": rss_after_run,
            "after_extra_requests": rss_after_extra,
            "extra_requests": extra,
            "rss_pss_uss_after_run": memory,
        },
    )


# --------------------------------------------------------------------------------------------
# Reporting
# --------------------------------------------------------------------------------------------
def print_table(run: dict) -> list[str]:
    """Print one scale's table; return the targets it misses."""
    misses = []
    print()
    print(
        f"scale {run['scale']} ({run['database']}), organisation {run['context']['org_id']}: "
        + ", ".join(f"{k} {v:,}" for k, v in run["context"]["sizes"].items())
    )
    print(
        f"load: {run['loader']}, {run['connections']} connections, {run['duration_s']} s per "
        f"route, gunicorn {run['workers']} sync workers"
        f"{' (application preloaded)' if run.get('preload') else ''}; code {run['code']}"
    )
    print(machine_line(run))
    if run.get("experiment"):
        print(f"EXPERIMENT: measured with {run['experiment']} applied")
    loaded = bool(run["duration_s"])
    head = (
        f"{'route':<15}{'role':<12}{'p50 ms':>8}{'p95 ms':>8}{'req/s':>8}{'/ping':>6}"
        f"{'cpu/req':>8}{'other%':>7}{'queries':>8}{'sql ms':>7}{'pg ms':>7}{'srv ms':>7}"
        f"{'cpu ms':>7}{'db cpu':>7}{'KB':>6}"
    )
    print(head)
    print("-" * len(head))
    for r in run["results"]:
        flags = []
        if r["name"] != "ping":
            if loaded and r["ratio"] < TARGETS["min_ratio_to_ping"]:
                flags.append("ratio")
            if r["queries"] > TARGETS["max_queries"]:
                flags.append("queries")
            if r["status"] != 200 or r["errors"]:
                flags.append(f"status {r['status']}/errors {r['errors']}")
        for f in flags:
            misses.append(f"{r['name']}: {f}")
        print(
            f"{r['name']:<15}{r['role'][:11]:<12}{r['p50_ms']:8.1f}{r['p95_ms']:8.1f}"
            f"{r['rps']:8.1f}{r['ratio']:6.2f}{r.get('load_cpu_ms', 0):8.1f}"
            f"{r.get('foreign_cpu', 0):7.0f}{r['queries']:8d}{r['sql_ms']:7.1f}"
            f"{r.get('pg_sql_ms', 0):7.1f}{r['server_ms']:7.1f}{r.get('cpu_ms', 0):7.1f}"
            f"{r.get('db_cpu_ms', 0):7.1f}{r['bytes'] / 1024:6.0f}"
            f"  {' '.join('MISS:' + f for f in flags)}"
        )
    print(
        "sql ms: SQL time per page seen by Django; pg ms: the same seen by PostgreSQL "
        "(pg_stat_statements); srv ms: wall time per page in-process; cpu ms: CPU per page of "
        "this process plus its PostgreSQL backend and that backend's parallel workers (db cpu); "
        "cpu/req: gunicorn + PostgreSQL (backends of the database, parallel workers) per "
        "request under load"
    )
    for mode, f in (run.get("fresh_worker") or {}).items():
        if mode != "route":
            print(
                f"fresh worker ({mode.replace('_', ' ')}): first request of "
                f"{run['fresh_worker']['route']} {f['first_ms']:.0f} ms from the old worker's "
                f"end, warm {f['warm_ms']:.0f} ms"
            )
    if run.get("ping_rates"):
        print(f"/ping req/s, each measurement: {run['ping_rates']} (the median is the baseline)")
    rss = run["rss_mb"]
    for label in ("after_warmup", "after_run", "after_extra_requests"):
        if rss[label]:
            values = ", ".join(f"{v:.0f} MB" for v in rss[label].values())
            print(f"worker RSS {label.replace('_', ' ')}: {values}")
    if rss.get("rss_pss_uss_after_run"):
        print(
            "worker memory after the run (RSS / PSS / own pages, MB): "
            + ", ".join(
                f"{m['rss']:.0f}/{m['pss']:.0f}/{m['uss']:.0f}"
                for m in rss["rss_pss_uss_after_run"].values()
            )
        )
    final = rss["after_extra_requests"] or rss["after_run"]
    if final and max(final.values()) > TARGETS["max_rss_mb"]:
        misses.append(f"worker RSS {max(final.values())} MB")
    for r in run["results"]:
        if r.get("explain"):
            print(f"\nEXPLAIN ANALYZE, slowest query of {r['name']} ({r['slowest_sql_ms']} ms):")
            print("  " + r["slowest_sql"][:600])
            print("\n".join("    " + line for line in r["explain"].splitlines()))
    return misses


def machine_line(run: dict) -> str:
    """One line on how busy the machine was during a run (older JSON files lack it)."""
    m = run.get("machine")
    if not m:
        return "machine: not recorded"

    def pct(key: str) -> str:
        v = m.get(key) or {}
        return f"{v['median']:.0f}/{v['max']:.0f} %" if v else "-"

    spent = ", budget spent" if m.get("wait_budget_spent") else ""
    return (
        f"machine: {m['cores']} cores, load average {'/'.join(map(str, m['loadavg_start']))} "
        f"at the start, {'/'.join(map(str, m['loadavg_end']))} at the end; other programs "
        f"(median/max % of a core) in-process {pct('foreign_cpu_in_process')}, under load "
        f"{pct('foreign_cpu_under_load')}; waited {m['waited_s']:.0f} s for quiet (budget "
        f"{m['wait_budget_s']:.0f} s{spent}); /ping {run.get('ping_rps', 0):.0f} req/s"
    )


def not_judged(runs: list[dict]) -> list[str]:
    """The targets a run could not judge: --no-load measures neither req/s nor memory, one
    scale no growth, no --rss-requests no memory after 10 000 requests."""
    out = []
    if any(not r["duration_s"] for r in runs):
        out += ["key page >= 1/10 of /ping req/s (--no-load)", "worker RSS (--no-load)"]
    elif any(not r["rss_mb"].get("after_extra_requests") for r in runs):
        out.append("worker RSS after 10 000 requests (no --rss-requests; RSS after the run shown)")
    if len(runs) < 2:
        out.append("10x data <= 1.3x time (one scale)")
    return out


def print_growth(a: dict, b: dict) -> list[str]:
    """Time per page at scale b over scale a. Judged on the in-process CPU per page (this
    process + its PostgreSQL backend and that backend's parallel workers), which other
    programs on the machine do not inflate; wall time (srv ms),
    PostgreSQL's own SQL time (pg ms) and CPU per request under load are shown beside it."""
    misses = []
    ra = {r["name"]: r for r in a["results"]}
    rb = {r["name"]: r for r in b["results"]}

    def ratio(x: float, y: float) -> float:
        return y / x if x else 0.0

    print()
    print(f"growth from scale {a['scale']} to scale {b['scale']} (b / a):")
    head = (
        f"{'route':<15}{'cpu ms a':>9}{'cpu ms b':>9}{'x':>6}{'srv ms a':>9}{'srv ms b':>9}"
        f"{'x':>6}{'pg ms a':>8}{'pg ms b':>8}{'x':>6}{'cpu/req a':>10}{'cpu/req b':>10}"
        f"{'x':>6}{'req/s a':>8}{'req/s b':>8}{'q a':>4}{'q b':>4}"
    )
    print(head)
    print("-" * len(head))
    for name, x in ra.items():
        y = rb.get(name)
        if not y:
            continue
        cpu = ratio(x.get("cpu_ms", 0), y.get("cpu_ms", 0))
        srv = ratio(x["server_ms"], y["server_ms"])
        pg = ratio(x.get("pg_sql_ms", 0), y.get("pg_sql_ms", 0))
        load = ratio(x.get("load_cpu_ms", 0), y.get("load_cpu_ms", 0))
        flags = []
        if name != "ping" and cpu > TARGETS["max_growth_10x"]:
            flags.append("growth")
            misses.append(f"{name}: {cpu:.2f}x time (CPU) per page with 10x data")
        if name != "ping" and x["queries"] != y["queries"]:
            flags.append("queries change")
            misses.append(f"{name}: {x['queries']} -> {y['queries']} queries")
        print(
            f"{name:<15}{x.get('cpu_ms', 0):9.1f}{y.get('cpu_ms', 0):9.1f}{cpu:6.2f}"
            f"{x['server_ms']:9.1f}{y['server_ms']:9.1f}{srv:6.2f}"
            f"{x.get('pg_sql_ms', 0):8.1f}{y.get('pg_sql_ms', 0):8.1f}{pg:6.2f}"
            f"{x.get('load_cpu_ms', 0):10.1f}{y.get('load_cpu_ms', 0):10.1f}{load:6.2f}"
            f"{x['rps']:8.1f}{y['rps']:8.1f}{x['queries']:4d}{y['queries']:4d}"
            f"  {' '.join('MISS:' + f for f in flags)}"
        )
    return misses


def merge_rounds(runs: list[dict]) -> dict:
    """One run from several rounds of the same scale: per route the median of each figure
    (queries: the largest), the bare view's measurements pooled, memory from the last round."""
    if len(runs) == 1:
        return runs[0]
    merged = json.loads(json.dumps(runs[-1]))
    merged["rounds"] = len(runs)
    merged["ping_rates"] = [x for run in runs for x in run.get("ping_rates", [])]
    by_name = [{r["name"]: r for r in run["results"]} for run in runs]
    for r in merged["results"]:
        rows = [b[r["name"]] for b in by_name if r["name"] in b]
        for key in (
            "p50_ms",
            "p95_ms",
            "p99_ms",
            "rps",
            "sql_ms",
            "server_ms",
            "ratio",
            "cpu_ms",
            "app_cpu_ms",
            "backend_cpu_ms",
            "db_cpu_ms",
            "parallel_workers",
            "cluster_cpu_ms",
            "pg_sql_ms",
            "pg_calls",
            "load_cpu_ms",
            "foreign_cpu",
            "foreign_cpu_inproc",
        ):
            r[key] = round(statistics.median(x.get(key, 0) for x in rows), 3)
        r["queries"] = max(x["queries"] for x in rows)
        r["errors"] = sum(x["errors"] for x in rows)
        r["requests"] = sum(x["requests"] for x in rows)
        r["rounds"] = {
            key: [x[key] for x in rows] for key in ("server_ms", "cpu_ms", "rps", "p50_ms")
        }
    ping = next((r for r in merged["results"] if r["name"] == "ping"), None)
    if ping and merged["ping_rates"]:
        ping["rps"] = round(statistics.median(merged["ping_rates"]), 1)
        for r in merged["results"]:
            r["ratio"] = round(r["rps"] / ping["rps"], 3) if ping["rps"] else 0.0
        merged["ping_rps"] = ping["rps"]
    merged["raw_rounds"] = runs
    return merged


def run_rounds(args, scales: list[float], rounds: dict, env: dict) -> None:
    """Rounds alternate the scales (A B A B ...) so a drift in the machine's speed hits both."""
    for k in range(args.rounds):
        last = k == args.rounds - 1
        for scale in scales:
            url = common.resolve_database_url(
                scale, args.database_url if len(scales) == 1 else None, args.server
            )
            with tempfile.NamedTemporaryFile(suffix=".json") as tmp:
                cmd = [sys.executable, __file__, "--one", "--out", tmp.name, "--database-url",
                       url, "--scale-label", common.scale_label(scale)]  # fmt: skip
                passed = ("duration", "connections", "threads", "workers", "port", "repeat",
                          "rss_max_seconds", "org", "routes", "experiment", "max_foreign",
                          "retries", "retry_wait", "quiet_timeout", "max_wait",
                          "fresh_worker", "report_runs")  # fmt: skip
                for flag in passed:
                    value = getattr(args, flag)
                    if value not in ("", None):
                        cmd += ["--" + flag.replace("_", "-"), str(value)]
                if last and args.rss_requests:  # the 10 000 requests once, in the last round
                    cmd += ["--rss-requests", str(args.rss_requests)]
                cmd += ["--explain"] if args.explain and last else []
                cmd += ["--profile"] if args.profile and last else []
                cmd += ["--no-load"] if args.no_load else []
                cmd += ["--python-load"] if args.python_load else []
                cmd += ["--no-preload"] if args.no_preload else []
                if args.rounds > 1:
                    print(f"-- round {k + 1} of {args.rounds}", flush=True)
                child = subprocess.Popen(cmd, env=env)
                try:
                    if child.wait() != 0:
                        raise SystemExit(f"the measurement of scale {scale:g} failed")
                except BaseException:
                    if child.poll() is None:  # stopped early: let it stop its gunicorn
                        child.terminate()
                        child.wait(timeout=120)
                    raise
                run = json.loads(Path(tmp.name).read_text())
                rounds[scale].append(run)
                common.RESULTS.mkdir(parents=True, exist_ok=True)
                stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
                part = common.RESULTS / f"part-{stamp}-{run['database']}-round{k + 1}.json"
                part.write_text(json.dumps(run, indent=2, default=str))


def _stop(signum, frame):
    raise SystemExit(128 + signum)  # run the finally blocks: gunicorn, snapshot, experiment


def main() -> None:
    signal.signal(signal.SIGTERM, _stop)
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--scales", default="", help="e.g. 0.1,1 (databases lom_bench_0_1, _1)")
    p.add_argument("--database-url", help="one database (default: DATABASE_URL or per scale)")
    p.add_argument("--server", help=f"PostgreSQL server URL (default {common.DEFAULT_SERVER})")
    p.add_argument("--duration", type=int, default=10, help="seconds of load per route")
    p.add_argument("--connections", type=int, default=4)
    p.add_argument("--threads", type=int, default=1, help="wrk threads")
    p.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    p.add_argument("--port", type=int, default=8765)
    p.add_argument("--repeat", type=int, default=20, help="in-process requests per route")
    p.add_argument("--rss-requests", type=int, default=0, help="e.g. 10000 before reading RSS")
    p.add_argument("--rss-max-seconds", type=int, default=900, help="bound for --rss-requests")
    p.add_argument("--org", default="largest", help="organisation id, or 'largest'")
    p.add_argument("--routes", default="", help="comma-separated subset of routes")
    p.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE slowest queries")
    p.add_argument(
        "--report-runs", type=int, default=1, help="annual report timings (median of N; 0: none)"
    )
    p.add_argument("--profile", action="store_true", help="cProfile each route in-process")
    p.add_argument("--no-load", action="store_true", help="in-process figures only, no gunicorn")
    p.add_argument("--experiment", help="SQL file applied before and undone after (-- down)")
    p.add_argument("--python-load", action="store_true", help="use the Python load generator")
    p.add_argument(
        "--no-preload",
        action="store_true",
        help="gunicorn without deploy/gunicorn.conf.py and --preload (as before they existed)",
    )
    p.add_argument(
        "--fresh-worker",
        type=int,
        default=0,
        help="N: time the first request of a new worker N times, with and without preload",
    )
    p.add_argument("--rounds", type=int, default=1, help="repeat all scales; medians are kept")
    p.add_argument(
        "--max-foreign",
        type=float,
        default=20.0,
        help="remeasure when other programs used more than this %% of a core",
    )
    p.add_argument("--retries", type=int, default=2, help="remeasurements at most")
    p.add_argument("--retry-wait", type=int, default=20, help="seconds before remeasuring")
    p.add_argument(
        "--quiet-timeout",
        type=int,
        default=300,
        help="seconds to wait for a quiet machine before each measurement",
    )
    p.add_argument(
        "--max-wait",
        type=int,
        default=600,
        help="seconds all waits for a quiet machine and remeasurements may take, per scale "
        "and round; then the run goes on and says how busy the machine was",
    )
    p.add_argument(
        "--no-snapshot",
        action="store_true",
        help="measure the working tree as it is instead of a frozen copy",
    )
    p.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--out", help=argparse.SUPPRESS)
    p.add_argument("--scale-label", default="", help=argparse.SUPPRESS)
    args = p.parse_args()

    if args.one:
        run = run_one(args)
        Path(args.out).write_text(json.dumps(run, indent=2, default=str))
        return

    scales = [float(s) for s in args.scales.split(",") if s.strip()] or [0.01]
    rounds: dict[float, list[dict]] = {scale: [] for scale in scales}
    env = dict(os.environ, LOM_BENCH_CODE_STATE=json.dumps(git_state()))
    snap = None
    if not args.no_snapshot:
        snap = make_snapshot()
        env["LOM_BENCH_CODE_ROOT"] = str(snap)
        print(f"measuring a frozen copy of the code: {snap} ({env['LOM_BENCH_CODE_STATE']})")
    try:
        run_rounds(args, scales, rounds, env)
    finally:
        if snap is not None:
            shutil.rmtree(snap, ignore_errors=True)
    runs = [merge_rounds(rounds[scale]) for scale in scales]

    misses = []
    for run in runs:
        misses += [f"scale {run['scale']}: {m}" for m in print_table(run)]
    for a, b in itertools.pairwise(runs):
        misses += print_growth(a, b)
    print()
    print("targets: key page >= 1/10 of /ping req/s; <= 12 queries, constant with data; 10x "
          "data <= 1.3x time per page; worker RSS < 150 MB")  # fmt: skip
    unjudged = not_judged(runs)
    if misses:
        print("missed:\n  " + "\n  ".join(misses))
    elif unjudged:
        print("no target missed among those judged")
    else:
        print("all targets met")
    if unjudged:
        print("not judged:\n  " + "\n  ".join(unjudged))
    common.RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    out = common.RESULTS / f"run-{stamp}-scales-{'_'.join(r['scale'] for r in runs)}.json"
    out.write_text(
        json.dumps(
            {"targets": TARGETS, "runs": runs, "missed": misses, "not_judged": unjudged},
            indent=2,
            default=str,
        )
    )
    print(f"written {out.relative_to(common.ROOT)}")


if __name__ == "__main__":
    main()
