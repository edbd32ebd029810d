"""Render the figures' tables and charts: `{% load reports %}{% report_table t %}`."""

from django import template

from lom.reports.charts import chart_for
from lom.reports.figures import SUPPRESSED, TEXT, Table
from lom.reports.figures.suppression import PRIMARY, SECONDARY
from lom.reports.figures.tables import reason_of, total_reason_of
from lom.reports.formatting import format_cell

register = template.Library()


@register.filter
def cell(value, kind):
    return format_cell(value, kind)


def _row(values, table: Table, reasons=None) -> list[dict]:
    """The cells as text; `reasons(j)` gives a hidden cell's reason, if the table records it."""
    return [
        {
            "text": format_cell(v, c.kind),
            "num": c.kind != TEXT,
            "reason": reasons(j) if reasons is not None and v is SUPPRESSED else None,
        }
        for j, (v, c) in enumerate(zip(values, table.columns, strict=False))
    ]


@register.inclusion_tag("reports/_table.html")
def report_table(table: Table, caption_hidden: bool = False):
    rows = []
    explained = bool(table.reasons or table.total_reasons)
    for i, values in enumerate(table.rows):
        flagged = bool(table.flagged[i]) if i < len(table.flagged) else False
        why = (lambda j, i=i: reason_of(table, i, j)) if explained else None
        rows.append({"cells": _row(values, table, why), "flagged": flagged})
    total = None
    if table.total is not None:
        total = _row(
            table.total, table, (lambda j: total_reason_of(table, j)) if explained else None
        )
    kinds = {c["reason"] for r in [*rows, {"cells": total or []}] for c in r["cells"]}
    return {
        "table": table,
        "rows": rows,
        "total": total,
        "caption_hidden": caption_hidden,
        "primary": PRIMARY in kinds,
        "secondary": SECONDARY in kinds,
    }


@register.simple_tag
def report_chart(table: Table, compact: bool = False):
    """The chart of a table; `compact` (the PDF) leaves out the values beside the bars."""
    return chart_for(table, values=not compact)
