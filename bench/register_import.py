#!/usr/bin/env python
"""Staff register import benchmark: 25 000 employees in 2 500 units with 12 months of
employment rows (300 000 rows) and 3 years of payroll, imported on PostgreSQL.

    .venv/bin/python bench/register_import.py                 # scale 1, the figures in README
    .venv/bin/python bench/register_import.py --scale 0.01    # CI size, a few seconds
    .venv/bin/python bench/register_import.py --json --keep --profile

1. Writes the four export files (bench/register_data.py: semicolon CSV, decimal comma,
   Swedish headers) to bench/results/register-<scale>/.
2. Creates a scratch database `lom_bench_register_<scale>` on the PostgreSQL server of
   --database-url, DATABASE_URL or 127.0.0.1:54329 (dropped first if it exists, and at the end
   unless --keep), migrates it, and creates an organisation with an org_admin.
3. Runs each phase in a fresh child process, so its peak memory (ru_maxrss) is its own:
   a. first import: `import_upload` + `import_preview` (what the background task does),
   b. `import_apply` of that preview,
   c. re-import of the unchanged files: upload + preview (must show 0 changes),
   d. the apply of that re-import (0 changes).
   The baseline runs twice in the same way (before a and after d; the mean is used): Python's
   csv module reads the same four files into tuples, and psycopg COPYs every row into a
   temporary table of text columns. The machine is shared and noisy, so each phase is also
   given as a ratio to that baseline.
4. Prints a table (seconds, x baseline, peak RSS MB, SQL statements and their time), the
   preview counts, the register's row counts after the apply, and the targets with pass/fail;
   `--json` prints the same as JSON. Everything also goes to bench/results/register-import-*.json.

Exit status: 0 when the import worked (whatever the timings), 2 when it did not do what it
must (a preview with errors, a re-import with changes, a register that does not hold the
files' rows), 1 on a crash. `--strict` also fails (3) on a missed target.
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import io
import json
import os
import pstats
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import common, register_data

DEFAULT_SERVER = "postgres://postgres@127.0.0.1:54329"
TARGETS = {  # phase -> seconds
    "first": 30.0,
    "apply": 30.0,
    "reimport": 15.0,
}
PEAK_MB = 500.0
PHASES = {
    "baseline": "baseline: csv module + COPY",
    "first": "a. upload + preview",
    "apply": "b. apply",
    "reimport": "c. re-import: upload + preview",
    "reapply": "d. apply of the re-import",
}


def scratch_url(explicit: str | None, scale: float) -> str:
    """The server of --database-url / DATABASE_URL / the default, with a database of our own
    (a URL that already names a lom_bench_register_* database is used as it is)."""
    url = explicit or os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        url = DEFAULT_SERVER
    if common.database_name(url).startswith("lom_bench_register"):
        return url
    label = common.scale_label(scale).replace(".", "_")
    return common.with_database(url, f"lom_bench_register_{label}")


def backend_cpu_s(pid: int) -> float:
    """CPU seconds of the PostgreSQL backend process `pid` (the server runs on this machine)."""
    try:
        rest = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(rest[11]) + int(rest[12])) / os.sysconf("SC_CLK_TCK")


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def cpu_s() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


# --------------------------------------------------------------------------------------------
# In the child process: one phase
# --------------------------------------------------------------------------------------------
class QueryLog:
    """Every SQL statement the phase sends (Django's execute wrapper: works with DEBUG off),
    grouped by its text with numbers and quoted values blanked out."""

    def __init__(self) -> None:
        self.count = 0
        self.seconds = 0.0
        self.by_shape: dict[str, list[float]] = defaultdict(lambda: [0, 0.0])

    def __call__(self, execute, sql, params, many, context):
        t0 = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            shape = re.sub(r"'[^']*'|\b\d+\b", "?", " ".join(str(sql).split()))[:160]
            self.add(shape, time.perf_counter() - t0)

    def add(self, shape: str, seconds: float) -> None:
        self.count += 1
        self.seconds += seconds
        entry = self.by_shape[shape]
        entry[0] += 1
        entry[1] += seconds

    def watch_commits(self, connection) -> None:
        """COMMIT is no statement Django executes: timed here (PostgreSQL checks the deferred
        foreign keys of every row written then)."""
        commit = connection._commit

        def timed_commit():
            t0 = time.perf_counter()
            try:
                return commit()
            finally:
                self.add("COMMIT", time.perf_counter() - t0)

        connection._commit = timed_commit

    def summary(self, top: int = 8) -> dict[str, Any]:
        slow = sorted(self.by_shape.items(), key=lambda kv: -kv[1][1])[:top]
        return {
            "statements": self.count,
            "sql_s": round(self.seconds, 3),
            "top": [{"sql": s, "count": int(c), "s": round(t, 3)} for s, (c, t) in slow],
        }


def child_baseline(folder: Path, url: str) -> dict[str, Any]:
    import psycopg
    from psycopg import sql

    t0 = time.perf_counter()
    tables: dict[str, tuple[list[str], list[tuple[str, ...]]]] = {}
    for kind, data in register_data.read_files(folder).items():
        reader = csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";")
        header = next(reader)
        tables[kind] = (header, [tuple(row) for row in reader])
    parse_s = time.perf_counter() - t0
    t1 = time.perf_counter()
    with psycopg.connect(url) as conn, conn.cursor() as cur:
        db0 = backend_cpu_s(conn.info.backend_pid)
        for kind, (header, rows) in tables.items():
            name = sql.Identifier(f"baseline_{kind}")
            cols = sql.SQL(", ").join(
                sql.Identifier(f"c{i}") + sql.SQL(" text") for i in range(len(header))
            )
            cur.execute(sql.SQL("CREATE TEMP TABLE {} ({})").format(name, cols))
            with cur.copy(sql.SQL("COPY {} FROM STDIN").format(name)) as copy:
                for row in rows:
                    copy.write_row(row)
        conn.commit()
        db_cpu = backend_cpu_s(conn.info.backend_pid) - db0
    copy_s = time.perf_counter() - t1
    count = sum(len(r) for _, r in tables.values())
    return {"seconds": parse_s + copy_s, "parse_s": parse_s, "copy_s": copy_s, "rows": count,
            "db_cpu_s": db_cpu}  # fmt: skip


def child_setup() -> dict[str, Any]:
    from django.db import transaction

    from lom.accounts.models import User
    from lom.organisations.models import Membership, Organisation, Role

    with transaction.atomic():
        org = Organisation.objects.create(name="Registerverket", slug="registerverket")
        user = User.objects.create_user(username="register.admin", password=None)
        Membership.objects.create(user=user, organisation=org, role=Role.ORG_ADMIN)
    return {"organisation_id": org.pk, "user_id": user.pk}


def _admin(state: dict[str, Any]):
    """The organisation's org_admin (the services take the acting user)."""
    from lom.accounts.models import User
    from lom.organisations.models import Organisation

    org = Organisation.objects.get(pk=state["organisation_id"])
    return User.objects.get(pk=state["user_id"]), org


def _run_summary(run) -> dict[str, Any]:
    return {
        "run_id": run.pk,
        "status": run.status,
        "counts": run.counts,
        "total_rows": run.total_rows,
        "error_count": run.error_count,
        "errors": run.errors[:10],
        "message": run.message,
    }


def child_upload_preview(folder: Path, state: dict[str, Any]) -> dict[str, Any]:
    from lom.register.services import UploadedExport, import_preview, import_upload

    user, org = _admin(state)
    files = [
        UploadedExport(
            kind=kind,
            file_name=register_data.FILE_NAMES[kind],
            data=data,
            columns=register_data.COLUMNS[kind],
        )
        for kind, data in register_data.read_files(folder).items()
    ]
    t0 = time.perf_counter()
    run = import_upload(actor=user, organisation=org, files=files, full=True)
    t1 = time.perf_counter()
    run = import_preview(run_id=run.pk)
    t2 = time.perf_counter()
    return {"seconds": t2 - t0, "upload_s": t1 - t0, "preview_s": t2 - t1, **_run_summary(run)}


def register_rows(organisation_id: int) -> dict[str, int]:
    from lom.funds.models import AnnualPayroll
    from lom.organisations.models import Employee, Unit
    from lom.support.models import EmploymentMonth

    org = {"organisation_id": organisation_id}
    return {
        "units": Unit.objects.filter(**org).count(),
        "employees": Employee.objects.filter(**org, left_at__isnull=True).count(),
        "months": EmploymentMonth.objects.filter(**org).count(),
        "payroll": AnnualPayroll.objects.filter(**org).count(),
    }


def child_apply(state: dict[str, Any]) -> dict[str, Any]:
    from lom.register.models import ImportRun
    from lom.register.services import import_apply

    user, _org = _admin(state)
    run = ImportRun.objects.get(pk=state["run_id"])
    t0 = time.perf_counter()
    run = import_apply(actor=user, run=run)
    seconds = time.perf_counter() - t0
    return {"seconds": seconds, **_run_summary(run)}


def child_main(args) -> None:
    folder = Path(args.folder)
    state = json.loads(args.state) if args.state else {}
    profile = cProfile.Profile() if args.profile else None
    log = QueryLog()
    if args.phase == "baseline":
        ready_mb, c0 = peak_mb(), cpu_s()
        result = child_baseline(folder, args.database_url)
        result["cpu_s"] = cpu_s() - c0
    else:
        os.environ["TASKS_BACKEND"] = "django_tasks_db.DatabaseBackend"  # no worker: we call it
        common.setup_django(args.database_url)
        from django.db import connection

        with connection.cursor() as cur:
            cur.execute("SELECT pg_backend_pid()")
            backend = cur.fetchone()[0]
        log.watch_commits(connection)
        ready_mb, c0, db0 = peak_mb(), cpu_s(), backend_cpu_s(backend)
        with connection.execute_wrapper(log):
            if profile:
                profile.enable()
            if args.phase == "setup":
                result = child_setup()
            elif args.phase in ("first", "reimport"):
                result = child_upload_preview(folder, state)
            else:
                result = child_apply(state)
            if profile:
                profile.disable()
        result["cpu_s"] = cpu_s() - c0
        result["db_cpu_s"] = backend_cpu_s(backend) - db0
        result["sql"] = log.summary()
        if args.phase in ("apply", "reapply"):
            result["register"] = register_rows(state["organisation_id"])
    result["ready_mb"] = ready_mb
    result["peak_mb"] = peak_mb()
    if profile:
        out = io.StringIO()
        pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(35)
        result["profile"] = out.getvalue()
    Path(args.out).write_text(json.dumps(result, default=str))


# --------------------------------------------------------------------------------------------
# In the parent: database, phases, report
# --------------------------------------------------------------------------------------------
def run_phase(phase: str, url: str, folder: Path, state: dict, profile: bool) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile(suffix=".json") as tmp:
        cmd = [sys.executable, __file__, "--phase", phase, "--database-url", url]
        cmd += ["--folder", str(folder), "--state", json.dumps(state), "--out", tmp.name]
        if profile and phase not in ("setup", "baseline"):
            cmd.append("--profile")
        if subprocess.run(cmd).returncode:
            raise SystemExit(f"the phase {phase!r} failed (its traceback is above)")
        result = json.loads(Path(tmp.name).read_text())
    if "profile" in result:
        print(f"--- cProfile of {PHASES.get(phase, phase)}\n{result['profile']}", file=sys.stderr)
    return result


def changes(counts: dict[str, dict[str, int]]) -> int:
    return sum(c.get(k, 0) for c in counts.values() for k in ("new", "changed", "leaving"))


def problems(results: dict[str, dict], files: register_data.FileFacts) -> list[str]:
    """What the import must do regardless of timing."""
    found: list[str] = []
    for phase in ("first", "reimport"):
        r = results.get(phase)
        if r and (r["status"] != "previewed" or r["error_count"]):
            found.append(f"{phase}: status {r['status']}, {r['error_count']} errors {r['message']}")
    for phase in ("apply", "reapply"):
        r = results.get(phase)
        if r and r["status"] != "applied":
            found.append(f"{phase}: status {r['status']} {r['message']}")
        if r and r.get("register") != files.rows:
            found.append(f"{phase}: register holds {r.get('register')}, files {files.rows}")
    if "reimport" in results and changes(results["reimport"]["counts"]):
        found.append(f"re-import shows changes: {results['reimport']['counts']}")
    return found


def targets(results: dict[str, dict]) -> list[dict[str, Any]]:
    rows = []
    for phase, limit in TARGETS.items():
        if phase in results:
            s = results[phase]["seconds"]
            label = f"{PHASES[phase]} < {limit:g} s"
            rows.append({"target": label, "value": round(s, 2), "ok": s < limit})
    if "reimport" in results:
        n = changes(results["reimport"]["counts"])
        rows.append({"target": "re-import: 0 changes", "value": n, "ok": n == 0})
    peak = max(r["peak_mb"] for p, r in results.items() if p in TARGETS or p == "reapply")
    label = f"peak RSS < {PEAK_MB:g} MB"
    rows.append({"target": label, "value": round(peak, 1), "ok": peak < PEAK_MB})
    return rows


def print_report(report: dict[str, Any]) -> None:
    res, base = report["phases"], report["baseline_s"]
    files = report["files"]
    print(f"\nfiles: {files['rows']} rows, {files['mb']} MB; database {report['database']}")
    head = ("s", "x base", "cpu s", "db cpu", "peak MB", "SQL n", "SQL s")
    print(f"{'phase':38} " + " ".join(f"{h:>7}" for h in head))
    for phase, label in PHASES.items():
        for key in [k for k in res if k == phase or k.startswith(phase + "_")]:
            r = res[key]
            sql = r.get("sql", {})
            name = label if key == phase else f"{label} ({key.split('_')[-1]})"
            print(
                f"{name:38} {r['seconds']:7.2f} {r['seconds'] / base:7.1f} "
                f"{r.get('cpu_s', 0):7.1f} {r.get('db_cpu_s', 0):7.1f} {r['peak_mb']:7.0f}"
                + (f" {sql['statements']:7} {sql['sql_s']:7.2f}" if sql else "")
            )
            if "preview_s" in r:
                print(f"{'':4}upload {r['upload_s']:.2f} s, preview {r['preview_s']:.2f} s")
    b = res["baseline_before"]
    print(
        f"baseline = read the four CSV files with Python's csv module into tuples "
        f"({b['parse_s']:.2f} s) and COPY every row into a temporary text table "
        f"({b['copy_s']:.2f} s); mean of a run before and after the import: {base:.2f} s. "
        f"A Django process at rest: {res['setup']['ready_mb']:.0f} MB (the harness itself: "
        f"{report['harness_peak_mb']:.0f} MB, the least a child can show)."
    )
    for phase in ("first", "reimport"):
        if phase in res:
            print(f"{PHASES[phase]} counts:")
            for kind, c in res[phase]["counts"].items():
                shown = ", ".join(f"{k} {v}" for k, v in c.items() if isinstance(v, int))
                print(f"    {kind:10} {shown}")
    if "apply" in res:
        print(f"register after the apply: {res['apply'].get('register')}")
    for phase in PHASES:
        for q in res.get(phase, {}).get("sql", {}).get("top", [])[:3]:
            print(f"    {phase:9} {q['count']:>7} x {q['s']:7.2f} s  {q['sql'][:90]}")
    print("\ntargets:")
    for t in report["targets"]:
        print(f"    {'pass' if t['ok'] else 'MISS'}  {t['target']:42} {t['value']}")
    for p in report["problems"]:
        print(f"PROBLEM: {p}")


def parent_main(args) -> int:
    import psycopg
    from psycopg import sql

    url = scratch_url(args.database_url, args.scale)
    name = common.database_name(url)
    label = common.scale_label(args.scale)
    folder = common.RESULTS / f"register-{label}"
    say = (lambda *a: print(*a, file=sys.stderr, flush=True)) if args.json else print

    t0 = time.perf_counter()
    # Written by a child: the parent must stay small, because a child process starts with its
    # parent's peak RSS as its own (Linux keeps the high-water mark across fork and exec).
    gen = [sys.executable, str(Path(__file__).with_name("register_data.py")), "--quiet"]
    gen += ["--scale", str(args.scale), "--seed", str(args.seed), "--out", str(folder)]
    subprocess.run(gen, check=True)
    files = register_data.describe(folder)
    say(f"== files ({time.perf_counter() - t0:.1f} s): {files.rows} in {folder}")
    from bench.generate import migrate, prepare_database

    prepare_database(url, reset=True)
    report: dict[str, Any] = {"database": name, "scale": args.scale, "phases": {}}
    res = report["phases"]
    try:
        t0 = time.perf_counter()
        migrate(url)
        say(f"== migrated {name} ({time.perf_counter() - t0:.1f} s)")
        res["setup"] = run_phase("setup", url, folder, {}, False)
        state = {k: res["setup"][k] for k in ("organisation_id", "user_id")}
        res["baseline_before"] = run_phase("baseline", url, folder, state, False)
        for phase, run_from in (("first", None), ("apply", "first"), ("reimport", None),
                                ("reapply", "reimport")):  # fmt: skip
            if run_from:
                state = {**state, "run_id": res[run_from]["run_id"]}
            res[phase] = run_phase(phase, url, folder, state, args.profile)
            say(f"== {PHASES[phase]}: {res[phase]['seconds']:.2f} s, {res[phase]['status']}")
            if problems(res, files):
                break
        res["baseline_after"] = run_phase("baseline", url, folder, state, False)
    finally:
        if not args.keep:
            admin = common.with_database(url, "postgres")
            with psycopg.connect(admin, autocommit=True) as conn:
                drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
                conn.execute(drop.format(sql.Identifier(name)))
    bases = [res[k]["seconds"] for k in ("baseline_before", "baseline_after")]
    report["baseline_s"] = sum(bases) / len(bases)
    report["files"] = {"rows": files.rows, "mb": files.mb, "sha256": files.sha256}
    report["harness_peak_mb"] = peak_mb()
    report["problems"] = problems(res, files)
    report["targets"] = targets(res)
    for r in res.values():
        r.pop("profile", None)
    common.RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    out = common.RESULTS / f"register-import-{stamp}-scale-{label}.json"
    out.write_text(json.dumps(report, indent=2, default=str))
    if args.json:
        print(json.dumps(report, indent=2, default=str))
    else:
        print_report(report)
        print(f"\nall figures: {out}")
    if report["problems"]:
        return 2
    if args.strict and not all(t["ok"] for t in report["targets"]):
        return 3
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1 = 25 000 employees")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database-url", help="server to use (default DATABASE_URL, :54329)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--profile", action="store_true", help="cProfile each phase (stderr)")
    parser.add_argument("--strict", action="store_true", help="exit 3 when a target is missed")
    # Internal: one phase in a child process.
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    parser.add_argument("--state", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        child_main(args)
        return
    sys.exit(parent_main(args))


if __name__ == "__main__":
    main()
