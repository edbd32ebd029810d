#!/usr/bin/env python
"""Two benchmark runs side by side, route by route.

    .venv/bin/python bench/compare.py bench/results/run-A.json bench/results/run-B.json
    .venv/bin/python bench/compare.py A.json B.json --scale 1

Each file is what bench/run.py wrote: a run-*.json (one run per scale) or a part-*.json (one
scale, one round). Runs are paired by scale (with --scale, only that one; two files of one
scale each are paired whatever their scales). For each pair it prints which code was measured
(commit, changed files, tree hash), how busy the machine was, the bare /ping's req/s, and per
route the queries, in-process server time, CPU per page (Django + its PostgreSQL processes),
PostgreSQL's SQL time, req/s, the ratio to /ping and p95 of A and B, with B / A for the times.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.run import machine_line


def load_runs(path: Path) -> list[dict]:
    data = json.loads(path.read_text())
    if "runs" in data:
        return data["runs"]
    if "results" in data:
        return [data]
    raise SystemExit(f"{path}: not a bench/run.py result")


def pair_runs(a: list[dict], b: list[dict], scale: str | None) -> list[tuple[dict, dict]]:
    if scale is not None:
        a = [r for r in a if r["scale"] == scale]
        b = [r for r in b if r["scale"] == scale]
    if len(a) == 1 and len(b) == 1:
        return [(a[0], b[0])]
    by_scale = {r["scale"]: r for r in b}
    return [(r, by_scale[r["scale"]]) for r in a if r["scale"] in by_scale]


def ratio(x: float, y: float) -> str:
    return f"{y / x:5.2f}" if x else "    -"


COLUMNS = (  # (heading, key, format, with b/a)
    ("queries", "queries", "{:>4d}", False),
    ("srv ms", "server_ms", "{:>7.1f}", True),
    ("cpu ms", "cpu_ms", "{:>7.1f}", True),
    ("pg ms", "pg_sql_ms", "{:>7.1f}", True),
    ("req/s", "rps", "{:>7.1f}", True),
    ("/ping", "ratio", "{:>6.3f}", False),
    ("p95 ms", "p95_ms", "{:>7.1f}", True),
)


def describe(label: str, path: Path, run: dict) -> list[str]:
    code = run.get("code", {})
    return [
        f"{label}: {path.name}, scale {run['scale']} ({run['database']}), {run.get('when', '?')}",
        f"   code {code.get('commit', '?')} (+{code.get('changed_files', '?')} changed files, "
        f"tree {code.get('tree', '?')}); load {run['loader']}, {run['workers']} workers, "
        f"{run['connections']} connections, {run['duration_s']} s per route",
        "   " + machine_line(run),
    ]


def compare(a: dict, b: dict) -> list[str]:
    ra = {r["name"]: r for r in a["results"]}
    rb = {r["name"]: r for r in b["results"]}
    head = f"{'route':<16}"
    for title, _key, _fmt, with_ratio in COLUMNS:
        head += f"{title + ' a':>10}{title + ' b':>10}" + ("   b/a" if with_ratio else "")
    lines = [head, "-" * len(head)]
    for name in [*ra, *(n for n in rb if n not in ra)]:
        x, y = ra.get(name), rb.get(name)
        line = f"{name:<16}"
        for _title, key, fmt, with_ratio in COLUMNS:
            for row in (x, y):
                value = row.get(key, 0) if row else None
                line += f"{fmt.format(value):>10}" if value is not None else f"{'-':>10}"
            if with_ratio:
                line += " " + (ratio(x.get(key, 0), y.get(key, 0)) if x and y else "    -")
        lines.append(line)
    return lines


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("a", type=Path)
    p.add_argument("b", type=Path)
    p.add_argument("--scale", help="compare only this scale, e.g. 1 or 0.1")
    args = p.parse_args(argv)
    pairs = pair_runs(load_runs(args.a), load_runs(args.b), args.scale)
    if not pairs:
        raise SystemExit("no scale in common: pass --scale, or files of one scale each")
    for x, y in pairs:
        print("\n".join([*describe("A", args.a, x), *describe("B", args.b, y), *compare(x, y)]))
        print()


if __name__ == "__main__":
    main()
