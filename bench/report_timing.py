#!/usr/bin/env python
"""How long the reports take for one organisation of a benchmark database.

    .venv/bin/python bench/report_timing.py --database-url postgres://…/lom_bench_1 \
        --org largest --year 2025 --runs 3 [--profile] [--json]

Times, as the median of `runs`, the annual report's figures (every table), its PDF
(WeasyPrint), its workbook (openpyxl) and the dashboard figures of the current period (what
/reports/ computes), with the SQL statements and their time of each step. Nothing is written to
the database: the steps are called directly, not through a report job. `time_reports()` is
what bench/run.py calls once Django is set up on the measured database.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import common

TARGETS_S = {"annual_total": 3.0, "dashboard": 0.3}


class _Statements:
    """execute_wrapper: how many statements, and their wall time."""

    def __init__(self) -> None:
        self.count = 0
        self.seconds = 0.0

    def __call__(self, execute, sql_text, params, many, context):
        t0 = time.perf_counter()
        try:
            return execute(sql_text, params, many, context)
        finally:
            self.count += 1
            self.seconds += time.perf_counter() - t0


def _backend_cpu() -> float:
    """CPU seconds used so far by the PostgreSQL backend of Django's connection, when it runs
    on this machine (0 otherwise; parallel workers are not included)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return 0.0
    with connection.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()")
        pid = cur.fetchone()[0]
    try:
        stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(stat[11]) + int(stat[12])) / os.sysconf("SC_CLK_TCK")


def _timed(fn: Callable[[], Any], runs: int) -> tuple[Any, dict[str, Any]]:
    """Median wall and CPU seconds of `runs` calls (this process, and its PostgreSQL backend),
    SQL time, and statements per call."""
    from django.db import connection

    walls, cpus, db_cpus, sql = [], [], [], []
    result = None
    stmts = _Statements()
    for _i in range(runs):
        stmts = _Statements()
        db0 = _backend_cpu()
        with connection.execute_wrapper(stmts):
            c0, t0 = time.process_time(), time.perf_counter()
            result = fn()
            walls.append(time.perf_counter() - t0)
            cpus.append(time.process_time() - c0)
        db_cpus.append(_backend_cpu() - db0)
        sql.append(stmts.seconds)
    return result, {
        "s": round(statistics.median(walls), 3),
        "min_s": round(min(walls), 3),
        "cpu_s": round(statistics.median(cpus), 3),
        "db_cpu_s": round(statistics.median(db_cpus), 3),
        "sql_s": round(statistics.median(sql), 3),
        "queries": stmts.count,
    }


def largest_organisation_id() -> int:
    """The organisation with the most employees (as bench/run.py picks it)."""
    largest = common.largest_organisation()
    if largest is None:
        raise SystemExit("no organisations: run bench/generate.py first")
    return largest[0]


def _pdf_pages(pdf: bytes) -> int | None:
    """The page count from poppler's pdfinfo (WeasyPrint compresses the page objects)."""
    if not shutil.which("pdfinfo"):
        return None
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(pdf)
        f.flush()
        info = subprocess.run(["pdfinfo", f.name], capture_output=True, text=True).stdout
    found = re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE)
    return int(found.group(1)) if found else None


def time_reports(org_id: int, year: int, runs: int = 3) -> dict[str, Any]:
    """Time the annual report of `year` (figures, PDF, workbook) and the dashboard figures of
    the current period for organisation `org_id`, on the database Django is set up with."""
    from django.utils import timezone

    from lom.organisations.models import Organisation
    from lom.reports.documents import annual_report_pdf, annual_report_xlsx
    from lom.reports.selectors import dashboard

    org = Organisation.objects.get(pk=org_id)
    today = timezone.localdate()
    from lom.reports.figures import annual_figures

    fig, figures = _timed(lambda: annual_figures(organisation=org, year=year, today=today), runs)
    pdf, pdf_t = _timed(lambda: annual_report_pdf(fig), runs)
    xlsx, xlsx_t = _timed(lambda: annual_report_xlsx(fig), runs)

    def board() -> Any:
        return dashboard(organisation=org, period_id=None, today=today, detail=False)

    dash, dash_t = _timed(board, runs)
    total = round(figures["s"] + pdf_t["s"] + xlsx_t["s"], 3)
    decisions = next((t for t in fig.tables() if t.key == "decisions"), None)
    return {
        "organisation": org_id,
        "organisation_name": org.name,
        "year": year,
        "runs": runs,
        "annual_figures": figures,
        "annual_pdf": {**pdf_t, "bytes": len(pdf), "pages": _pdf_pages(pdf)},
        "annual_xlsx": {**xlsx_t, "bytes": len(xlsx), "sheets": len(fig.tables()) + 1},
        "annual_total_s": total,
        "dashboard": {
            **dash_t,
            "period": dash.period.name if dash.period is not None else None,
        },
        "decisions_in_year": len(decisions.rows) if decisions is not None else 0,
        "targets_s": TARGETS_S,
        "met": {
            "annual_total": total < TARGETS_S["annual_total"],
            "dashboard": dash_t["s"] < TARGETS_S["dashboard"],
        },
    }


def print_timing(t: dict[str, Any]) -> None:
    print(
        f"organisation {t['organisation']} ({t['organisation_name']}), year {t['year']}, "
        f"median of {t['runs']} runs; {t['decisions_in_year']:,} decisions in the year"
    )
    print(
        f"{'step':28} {'s':>8} {'min s':>8} {'CPU s':>8} {'db CPU s':>8} {'SQL s':>8} "
        f"{'queries':>8}"
    )
    for key, label in (
        ("annual_figures", "annual report figures"),
        ("annual_pdf", "annual report PDF"),
        ("annual_xlsx", "annual report workbook"),
        ("dashboard", "dashboard figures"),
    ):
        s = t[key]
        print(
            f"{label:28} {s['s']:8.3f} {s['min_s']:8.3f} {s['cpu_s']:8.3f} "
            f"{s['db_cpu_s']:8.3f} {s['sql_s']:8.3f} {s['queries']:8d}"
        )
    verdict = {k: "met" if v else "MISSED" for k, v in t["met"].items()}
    print(
        f"annual report in all: {t['annual_total_s']:.2f} s (target < "
        f"{t['targets_s']['annual_total']:g} s: {verdict['annual_total']}); "
        f"dashboard {t['dashboard']['s'] * 1000:.0f} ms (target < "
        f"{t['targets_s']['dashboard'] * 1000:.0f} ms: {verdict['dashboard']})"
    )
    print(
        f"PDF {t['annual_pdf']['pages'] or '?'} pages, {t['annual_pdf']['bytes'] / 1024:.0f} KiB; "
        f"workbook {t['annual_xlsx']['sheets']} sheets, {t['annual_xlsx']['bytes'] / 1024:.0f} KiB"
    )


def _profile(org_id: int, year: int) -> None:
    import cProfile
    import pstats

    prof = cProfile.Profile()
    prof.enable()
    time_reports(org_id, year, 1)
    prof.disable()
    stats = pstats.Stats(prof, stream=sys.stderr).sort_stats("cumulative")
    stats.print_stats(40)
    stats.sort_stats("tottime").print_stats(25)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--database-url", help="default: DATABASE_URL, else lom_bench_1")
    p.add_argument("--org", default="largest", help="organisation id, or 'largest'")
    p.add_argument("--year", type=int, default=None, help="default: last year")
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--json", action="store_true", help="print the figures as JSON")
    p.add_argument("--profile", action="store_true", help="cProfile of one run, to stderr")
    args = p.parse_args()
    url = common.resolve_database_url(1, args.database_url, None)
    common.setup_django(url)
    from django.utils import timezone

    org_id = largest_organisation_id() if args.org == "largest" else int(args.org)
    year = args.year or timezone.localdate().year - 1
    if args.profile:
        _profile(org_id, year)
    timing = time_reports(org_id, year, args.runs)
    timing["database"] = common.database_name(url)
    if args.json:
        print(json.dumps(timing, indent=2))
    else:
        print(f"database {timing['database']}")
        print_timing(timing)


if __name__ == "__main__":
    main()
