"""Render the figures' tables and charts: `{% load reports %}{% report_table t %}`."""

from django import template

from lom.reports.charts import chart_for
from lom.reports.figures import TEXT, Table
from lom.reports.formatting import format_cell

register = template.Library()


@register.filter
def cell(value, kind):
    return format_cell(value, kind)


def _row(values, table: Table) -> list[dict]:
    return [
        {"text": format_cell(v, c.kind), "num": c.kind != TEXT}
        for v, c in zip(values, table.columns, strict=False)
    ]


@register.inclusion_tag("reports/_table.html")
def report_table(table: Table, caption_hidden: bool = False):
    rows = []
    for i, values in enumerate(table.rows):
        flagged = bool(table.flagged[i]) if i < len(table.flagged) else False
        rows.append({"cells": _row(values, table), "flagged": flagged})
    return {
        "table": table,
        "rows": rows,
        "total": _row(table.total, table) if table.total is not None else None,
        "caption_hidden": caption_hidden,
    }


@register.simple_tag
def report_chart(table: Table, compact: bool = False):
    """The chart of a table; `compact` (the PDF) leaves out the values beside the bars."""
    return chart_for(table, values=not compact)
