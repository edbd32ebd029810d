"""Reports from a real PostgreSQL streaming replica while the primary takes writes.

On loopback, under a fresh folder in /tmp, as the postgres OS user when run as root:

1. a primary cluster of its own (initdb; wal_level=replica), loaded with bench/generate.py at a
   small scale (default 0.01);
2. a standby made with `pg_basebackup -R -X stream`, started on the next port (hot standby);
3. LOM with DATABASE_URL = the primary and DATABASE_REPLICA_URL = the standby;
4. the annual report's figures of a PAST year for the largest organisation, on the primary;
5. while a thread writes to the primary (new cases and ledger rows of the CURRENT year, plain
   SQL, one commit each), the same figures again and again through the router
   (`reading_from_replica()`): they must equal the primary's, and their SQL must have run on the
   replica;
6. the writes stop; wait (bounded) until the replica has replayed everything; the replica must
   hold the new rows, and the past year's AND the current year's figures read there must equal
   the primary's.

Prints the figures and the timings (and writes bench/results/replica-<time>.json); exits 1 on a
mismatch, 2 when the clusters cannot be set up. Both clusters are stopped and their folder
removed at the end, whatever happened.

    .venv/bin/python bench/replica.py                      # scale 0.01, ports 54371/54372
    .venv/bin/python bench/replica.py --scale 0.1 --write-seconds 20 --keep
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import common

PGBIN = Path(os.environ.get("PGBIN", "/usr/lib/postgresql/15/bin"))
DB_NAME = "lom_bench_replica"
START_TIMEOUT = 60  # seconds for a cluster to start or stop
CMD_TIMEOUT = 300  # seconds for initdb, pg_basebackup, a migrate
GENERATE_TIMEOUT = 900  # seconds for the generator (or the copy) on a busy machine


class SetupError(Exception):
    pass


# --- the two clusters -------------------------------------------------------------------------


def as_postgres(cmd: list[str]) -> list[str]:
    """initdb and postgres refuse to run as root: run them as the postgres OS user then."""
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


def run(cmd: list[str], *, timeout: int = CMD_TIMEOUT, env: dict | None = None) -> None:
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)
    if done.returncode != 0:
        raise SetupError(f"{' '.join(cmd)} failed:\n{done.stdout}{done.stderr}")


class Cluster:
    def __init__(self, root: Path, name: str, port: int) -> None:
        self.data = root / name
        self.log = root / f"{name}.log"
        self.port = port
        self.sockets = root
        self.started = False

    def url(self, db: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{db}"

    def start(self, *settings: str) -> None:
        opts = f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.sockets} " + " ".join(
            f"-c {s}" for s in settings
        )
        cmd = [str(PGBIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-o", opts]
        run(as_postgres([*cmd, "-w", "-t", str(START_TIMEOUT), "start"]), timeout=START_TIMEOUT + 5)
        self.started = True

    def stop(self) -> None:
        if self.started:
            cmd = [str(PGBIN / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w"]
            subprocess.run(
                as_postgres([*cmd, "-t", str(START_TIMEOUT), "stop"]),
                capture_output=True,
                timeout=START_TIMEOUT + 5,
            )
            self.started = False


def make_primary(root: Path, port: int) -> Cluster:
    primary = Cluster(root, "primary", port)
    # initdb's default pg_hba.conf trusts replication connections from 127.0.0.1.
    run(as_postgres([str(PGBIN / "initdb"), "-A", "trust", "-U", "postgres", "-E", "UTF8",
                     "--locale=C.UTF-8", "-D", str(primary.data)]))  # fmt: skip
    primary.start(
        "wal_level=replica",
        "max_wal_senders=4",
        "fsync=off",  # a throw-away cluster: its durability is not what is measured
        "shared_buffers=256MB",
        "maintenance_work_mem=256MB",
        "max_wal_size=2GB",
    )
    return primary


def make_standby(root: Path, primary: Cluster, port: int) -> Cluster:
    standby = Cluster(root, "standby", port)
    run(as_postgres([str(PGBIN / "pg_basebackup"), "-h", "127.0.0.1", "-p", str(primary.port),
                     "-U", "postgres", "-D", str(standby.data), "-R", "-X", "stream",
                     "-c", "fast", "--no-sync"]))  # fmt: skip
    # hot_standby_feedback: the primary's vacuum keeps the rows a report on the standby reads.
    standby.start("hot_standby=on", "hot_standby_feedback=on", "fsync=off")
    return standby


def generate(primary: Cluster, scale: float, source: str | None) -> str:
    """The bench database on the primary: generated at `scale`, or (faster: no migrations from
    scratch) a copy of an existing bench database (`pg_dump` only reads it), migrated to this
    code's migrations."""
    url = primary.url(DB_NAME)
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DATABASE_REPLICA_URL")}
    if source is None:
        run(
            [sys.executable, str(common.ROOT / "bench" / "generate.py"), "--scale", f"{scale:g}",
             "--database-url", url, "--reset", "--no-verify"],
            env=env, timeout=GENERATE_TIMEOUT,
        )  # fmt: skip
        return url
    run([str(PGBIN / "createdb"), "-h", "127.0.0.1", "-p", str(primary.port), "-U", "postgres",
         DB_NAME])  # fmt: skip
    dump = subprocess.Popen([str(PGBIN / "pg_dump"), "-Fc", "-d", source], stdout=subprocess.PIPE)
    restored = subprocess.run(
        [str(PGBIN / "pg_restore"), "--no-owner", "-d", url],
        stdin=dump.stdout,
        capture_output=True,
        timeout=GENERATE_TIMEOUT,
    )
    if dump.wait(timeout=60) != 0 or restored.returncode != 0:
        raise SetupError(f"copying {source} failed: {restored.stderr.decode()[-2000:]}")
    env.update(
        DATABASE_URL=url,
        SECRET_KEY=common.BENCH_SECRET_KEY,
        ALLOWED_HOSTS="127.0.0.1",
        LOM_BASE_URL="http://127.0.0.1:8000",
        DJANGO_SETTINGS_MODULE="lom.config.settings",
    )
    manage = [sys.executable, str(common.ROOT / "manage.py")]
    run([*manage, "migrate", "--noinput", "-v", "0"], env=env)
    return url


# --- what is checked --------------------------------------------------------------------------


def figures(org, year: int, today: date) -> dict[str, Any]:
    from lom.reports.figures import annual_figures, annual_figures_json

    return annual_figures_json(annual_figures(organisation=org, year=year, today=today))


def digest(fig: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(fig, sort_keys=True, default=str).encode()).hexdigest()[:16]


def summary(fig: dict[str, Any]) -> dict[str, Any]:
    """A few figures to print: each table's row count and its total row, if any."""
    return {t["key"]: {"rows": len(t["rows"]), "total": t["total"]} for t in fig["tables"]}


def on_replica(fn, *args):
    """fn(*args) inside the scope, without waiting for lag; (result, seconds, replica queries,
    primary queries of the report's tables)."""
    from django.db import connections
    from django.test.utils import CaptureQueriesContext

    from lom.common.replica import reading_from_replica

    with (
        CaptureQueriesContext(connections["replica"]) as rq,
        CaptureQueriesContext(connections["default"]) as pq,
        reading_from_replica(max_lag_seconds=0) as alias,
    ):
        assert alias == "replica", alias
        t = time.perf_counter()
        result = fn(*args)
        seconds = time.perf_counter() - t
    on_primary = sum(
        "cases_case" in q["sql"] or "funds_ledger" in q["sql"] for q in pq.captured_queries
    )
    return result, seconds, len(rq.captured_queries), on_primary


class Writer(threading.Thread):
    """New cases and ledger rows of the current year on the primary, one commit each, copied
    from the organisation's newest ones (plain SQL: every column as the template has it, except
    the id, the number and the times)."""

    def __init__(self, url: str, org_id: int, year: int, seconds: float) -> None:
        super().__init__(daemon=True)
        self.url, self.org_id, self.year, self.seconds = url, org_id, year, seconds
        self.cases = self.entries = 0
        self.error: BaseException | None = None

    def _copy_sql(self, cur, table: str, replace: dict[str, str]) -> str:
        cur.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = %s "
            "AND column_name <> 'id' ORDER BY ordinal_position",
            [table],
        )
        cols = [r[0] for r in cur.fetchall()]
        values = [replace.get(c, c) for c in cols]
        return f"INSERT INTO {table} ({', '.join(cols)}) SELECT {', '.join(values)} FROM {table} WHERE id = %(id)s"  # noqa: E501

    def run(self) -> None:
        import psycopg

        try:
            with psycopg.connect(self.url, autocommit=True) as conn, conn.cursor() as cur:
                since = f"{self.year}-01-01"
                cur.execute(
                    "SELECT id FROM cases_case WHERE organisation_id = %s AND created_at >= %s "
                    "ORDER BY id DESC LIMIT 1",
                    [self.org_id, since],
                )
                case_id = cur.fetchone()[0]
                cur.execute(
                    "SELECT id FROM funds_ledgerentry WHERE organisation_id = %s "
                    "AND created_at >= %s AND kind = 'expense' ORDER BY id DESC LIMIT 1",
                    [self.org_id, since],
                )
                entry_id = cur.fetchone()[0]
                now = "now()"
                case_sql = self._copy_sql(
                    cur,
                    "cases_case",
                    {
                        "number": "%(number)s::varchar",
                        "title": "'Replica bench ' || %(number)s::varchar",
                        "created_at": now,
                        "updated_at": now,
                        "submitted_at": now,
                    },
                )
                entry_sql = self._copy_sql(
                    cur, "funds_ledgerentry", {"created_at": now, "amount_ore": "100"}
                )
                stop = time.monotonic() + self.seconds
                while time.monotonic() < stop:
                    n = self.cases + 1
                    cur.execute(case_sql, {"id": case_id, "number": f"{self.year}-9{n:05d}"})
                    cur.execute(entry_sql, {"id": entry_id})
                    self.cases += 1
                    self.entries += 1
                    time.sleep(0.005)
        except BaseException as exc:  # reported by the main thread
            self.error = exc


def current_year_counts(alias: str, org_id: int, year: int) -> tuple[int, int]:
    from lom.cases.models import Case
    from lom.funds.models import LedgerEntry
    from lom.reports.figures import year_bounds

    since, until = year_bounds(year)
    cases = Case.objects.using(alias).filter(organisation_id=org_id, created_at__gte=since)
    entries = LedgerEntry.objects.using(alias).filter(
        organisation_id=org_id, created_at__gte=since, created_at__lt=until
    )
    return cases.count(), entries.count()


def check(args, primary_url: str, standby_url: str) -> dict[str, Any]:
    os.environ["DATABASE_REPLICA_URL"] = standby_url
    os.environ["LOM_REPLICA_MAX_LAG_SECONDS"] = str(args.max_lag)
    common.setup_django(primary_url)
    from django.utils import timezone

    from lom.common.replica import primary_lsn, replay_lag_bytes, replica_caught_up
    from lom.organisations.models import Organisation

    largest = common.largest_organisation()
    if largest is None:
        raise SetupError("no organisations in the generated database")
    org = Organisation.objects.get(pk=largest[0])
    today = timezone.localdate()
    this_year, past_year = today.year, args.year or today.year - 1
    out: dict[str, Any] = {"organisation": org.pk, "employees": largest[1], "past_year": past_year}
    problems: list[str] = []

    t = time.perf_counter()
    reference = figures(org, past_year, today)
    out["primary_seconds"] = round(time.perf_counter() - t, 3)
    out["figures"] = summary(reference)
    out["digest"] = digest(reference)

    writer = Writer(primary_url, org.pk, this_year, args.write_seconds)
    writer.start()
    reads: list[dict[str, Any]] = []
    max_lag = 0
    while writer.is_alive() or len(reads) < args.reads:
        fig, seconds, n_replica, n_primary = on_replica(figures, org, past_year, today)
        lag = replay_lag_bytes(alias="replica", lsn=primary_lsn() or "0/0") or 0
        max_lag = max(max_lag, lag)
        same = fig == reference
        reads.append(
            {
                "seconds": round(seconds, 3),
                "replica_queries": n_replica,
                "primary_report_queries": n_primary,
                "same": same,
                "writes_so_far": writer.cases,
                "lag_bytes": lag,
            }
        )
        if not same:
            problems.append(f"read {len(reads)} on the replica differs from the primary")
        if n_replica == 0 or n_primary:
            problems.append(f"read {len(reads)} did not run on the replica only")
        if len(reads) >= args.max_reads:
            break
    writer.join(timeout=args.write_seconds + 30)
    if writer.error is not None:
        raise SetupError(f"the writer failed: {writer.error!r}")
    out["writes"] = {"cases": writer.cases, "ledger_entries": writer.entries}
    out["reads_during_writes"] = reads
    out["max_lag_bytes_seen"] = max_lag

    t = time.perf_counter()
    caught_up = replica_caught_up(alias="replica", timeout=args.replay_timeout)
    out["replay_wait_seconds"] = round(time.perf_counter() - t, 3)
    if not caught_up:
        problems.append(f"the replica did not catch up within {args.replay_timeout} s")
    counts = {a: current_year_counts(a, org.pk, this_year) for a in ("default", "replica")}
    out["current_year_rows"] = counts
    if counts["default"] != counts["replica"]:
        problems.append(f"the replica's current-year rows differ: {counts}")
    for year in (past_year, this_year):
        on_primary = figures(org, year, today)
        fig, seconds, n_replica, _n = on_replica(figures, org, year, today)
        out[f"after_replay_{year}"] = {
            "same": fig == on_primary,
            "replica_seconds": round(seconds, 3),
            "replica_queries": n_replica,
            "digest": digest(on_primary),
        }
        if fig != on_primary:
            problems.append(
                f"after the replay, {year}'s figures differ between replica and primary"
            )
    if reference != figures(org, past_year, today):
        problems.append("the writes of this year changed the past year's figures on the primary")
    out["problems"] = problems
    return out


def report(out: dict[str, Any]) -> None:
    org, n = out["organisation"], out["employees"]
    print(f"organisation {org} ({n} employees), year {out['past_year']}")
    print(f"  figures on the primary: {out['primary_seconds']:.3f} s, digest {out['digest']}")
    for key, fig in out["figures"].items():
        print(f"    {key:<24} {fig['rows']:>4} rows  total {fig['total']}")
    reads = out["reads_during_writes"]
    secs = sorted(r["seconds"] for r in reads)
    print(
        f"  on the replica while the primary took writes: {len(reads)} reads, "
        f"median {secs[len(secs) // 2]:.3f} s, all equal: {all(r['same'] for r in reads)}, "
        f"SQL on the replica per read: {reads[0]['replica_queries']}, "
        f"max replay lag seen {out['max_lag_bytes_seen']} bytes"
    )
    w = out["writes"]
    print(f"  writes on the primary: {w['cases']} cases, {w['ledger_entries']} ledger rows")
    print(f"  replay after the last write: {out['replay_wait_seconds']:.3f} s; "
          f"current-year cases/ledger rows primary {out['current_year_rows']['default']}, "
          f"replica {out['current_year_rows']['replica']}")  # fmt: skip
    for key in sorted(k for k in out if k.startswith("after_replay_")):
        r = out[key]
        print(
            f"  {key.removeprefix('after_replay_')} after the replay: equal {r['same']}, "
            f"{r['replica_seconds']:.3f} s on the replica ({r['replica_queries']} queries)"
        )
    print("RESULT: " + ("figures equal" if not out["problems"] else "; ".join(out["problems"])))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=0.01)
    parser.add_argument(
        "--source-url",
        help="copy this bench database (pg_dump, read only) instead of generating one",
    )
    parser.add_argument("--port", type=int, default=54371, help="the primary; the standby +1")
    parser.add_argument("--year", type=int, help="the past year compared (default: last year)")
    parser.add_argument("--write-seconds", type=float, default=5.0)
    parser.add_argument("--reads", type=int, default=3, help="at least this many replica reads")
    parser.add_argument("--max-reads", type=int, default=50)
    parser.add_argument("--replay-timeout", type=float, default=30.0)
    parser.add_argument("--max-lag", type=float, default=2.0, help="LOM_REPLICA_MAX_LAG_SECONDS")
    parser.add_argument("--keep", action="store_true", help="leave the clusters running")
    args = parser.parse_args()
    if not (PGBIN / "initdb").exists():
        print(f"PostgreSQL binaries not found in {PGBIN} (set PGBIN)", file=sys.stderr)
        return 2
    root = Path(tempfile.mkdtemp(prefix="lom-replica-", dir="/tmp"))
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    clusters: list[Cluster] = []
    timings: dict[str, float] = {}
    out: dict[str, Any] = {}
    code = 2
    try:
        t = time.perf_counter()
        clusters.append(make_primary(root, args.port))
        timings["primary"] = time.perf_counter() - t
        t = time.perf_counter()
        url = generate(clusters[0], args.scale, args.source_url)
        timings["generate"] = time.perf_counter() - t
        t = time.perf_counter()
        clusters.append(make_standby(root, clusters[0], args.port + 1))
        timings["standby"] = time.perf_counter() - t
        t = time.perf_counter()
        out = check(args, url, clusters[1].url(DB_NAME))
        timings["check"] = time.perf_counter() - t
        print(
            f"LOM streaming replica, scale {args.scale:g}: primary :{args.port}, "
            f"standby :{args.port + 1} (setup {timings['primary']:.1f} s, data "
            f"{timings['generate']:.1f} s, standby {timings['standby']:.1f} s, "
            f"checks {timings['check']:.1f} s)"
        )
        report(out)
        code = 1 if out["problems"] else 0
    except (SetupError, subprocess.TimeoutExpired) as exc:
        print(f"replica bench could not run: {exc}", file=sys.stderr)
        for c in clusters:
            if c.log.exists():
                print(f"--- {c.log.name}\n{c.log.read_text()[-2000:]}", file=sys.stderr)
    finally:
        if args.keep and code != 2:
            print(f"kept: {root} (stop with pg_ctl -D <dir> stop, then remove the folder)")
        else:
            for c in reversed(clusters):
                c.stop()
            shutil.rmtree(root, ignore_errors=True)
    common.RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    path = common.RESULTS / f"replica-{stamp}.json"
    path.write_text(
        json.dumps({"scale": args.scale, "timings": timings, **out}, indent=2, default=str)
    )
    return code


if __name__ == "__main__":
    sys.exit(main())
