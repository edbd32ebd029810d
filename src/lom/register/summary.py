"""What a run's preview says, per file kind, as both the run page and the API show it."""

from __future__ import annotations

from collections import Counter
from typing import Any

from lom.register.models import ImportKind, ImportRun

COUNT_KEYS = ("new", "changed", "leaving", "unchanged")


def kind_counts(run: ImportRun) -> dict[str, dict[str, Any]]:
    """Per kind in file order: new, changed, leaving, unchanged, the row errors of that kind
    among those kept with the run, and the file's columns no field is mapped to."""
    errors = Counter(e.get("kind", "") for e in run.errors)
    out: dict[str, dict[str, Any]] = {}
    for kind in ImportKind.values:
        counts = (run.counts or {}).get(kind)
        if counts is None:
            continue
        out[kind] = {k: int(counts.get(k) or 0) for k in COUNT_KEYS} | {
            "errors": errors[kind],
            "ignored_columns": [str(h) for h in counts.get("ignored") or []],
        }
    return out
