"""Server-side SVG charts of the report tables: the same markup in the page and in the PDF.

No scripts and no style attributes (the CSP allows neither): colours are presentation
attributes, and series differ in pattern (dashes) as well as colour, so a chart reads in
greyscale too. Every chart has a <title> and a <desc>, and the table it draws is always shown
beside it as the text alternative."""

from itertools import count
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from lom.reports.figures import SUPPRESSED, Table
from lom.reports.formatting import format_axis, format_cell

COLOURS = ("#0b4f8a", "#b54a00", "#1d6b36", "#6b2c91")
DASHES = ("", "6 3", "2 3", "8 3 2 3")
FONT = 'font-family="DejaVu Sans, Arial, sans-serif"'
_ids = count(1)


def _number(v: Any) -> float:
    return 0.0 if v is None or v is SUPPRESSED else float(v)


def _open_svg(chart_id: str, width: int, height: int, title: str, desc: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'aria-labelledby="{chart_id}-t {chart_id}-d">',
        f'<title id="{chart_id}-t">{escape(title)}</title>',
        f'<desc id="{chart_id}-d">{escape(desc)}</desc>',
    ]


def _legend(labels: list[str], y: int, x0: int = 10) -> list[str]:
    out, x = [], x0
    for i, label in enumerate(labels):
        colour = COLOURS[i % len(COLOURS)]
        out.append(f'<rect x="{x}" y="{y - 10}" width="12" height="12" fill="{colour}"/>')
        out.append(
            f'<text x="{x + 16}" y="{y}" font-size="12" {FONT} fill="#1b1b1f">'
            f"{escape(label)}</text>"
        )
        x += 26 + 7 * len(label)
    return out


def bar_chart(
    table: Table, *, chart_id: str | None = None, value_labels: bool = True
) -> SafeString:
    """Horizontal bars, one group per row and one bar per value column; each bar labelled
    with its value unless `value_labels` is False (the PDF: the table beside it has every value,
    and each text costs WeasyPrint a layout of its own)."""
    spec = table.chart
    if spec is None or not table.rows:
        return mark_safe("")
    chart_id = chart_id or f"chart-{table.key}-{next(_ids)}"
    label_i = table.index(spec.label_key)
    cols = [table.columns[table.index(k)] for k in spec.value_keys]
    values = [[_number(r[table.index(k)]) for k in spec.value_keys] for r in table.rows]
    peak = max((v for row in values for v in row), default=0)
    if peak <= 0:
        return mark_safe("")  # nothing to draw (all zero or hidden); the table says so
    bar_h, gap, label_w, width = 14, 10, 210, 680
    plot_w = width - label_w - 110
    group_h = bar_h * len(cols) + gap
    top = 30
    height = top + group_h * len(table.rows) + 10
    biggest = max(table.rows, key=lambda r: _number(r[table.index(spec.value_keys[0])]))
    desc = _("Stapeldiagram över %(what)s. Störst: %(label)s. Siffrorna finns i tabellen.") % {
        "what": table.title.lower(),
        "label": biggest[label_i],
    }
    out = _open_svg(chart_id, width, height, table.title, desc)
    out += _legend([c.label for c in cols], 16)
    for r, row in enumerate(table.rows):
        y0 = top + r * group_h
        label = str(row[label_i])
        short = label if len(label) <= 30 else label[:29] + "…"
        out.append(
            f'<text x="{label_w - 6}" y="{y0 + bar_h * len(cols) / 2 + 4:.0f}" font-size="12" '
            f'text-anchor="end" {FONT} fill="#1b1b1f">{escape(short)}</text>'
        )
        for c, col in enumerate(cols):
            raw = row[table.index(col.key)]
            w = max(plot_w * _number(raw) / peak, 0)
            y = y0 + c * bar_h
            colour = COLOURS[c % len(COLOURS)]
            out.append(
                f'<rect class="chart-bar" x="{label_w}" y="{y}" width="{w:.1f}" '
                f'height="{bar_h - 2}" fill="{colour}"/>'
            )
            if value_labels:
                out.append(
                    f'<text x="{label_w + w + 4:.1f}" y="{y + bar_h - 4}" font-size="11" {FONT} '
                    f'fill="#1b1b1f">{escape(format_cell(raw, col.kind))}</text>'
                )
    out.append(
        f'<line x1="{label_w}" y1="{top - 4}" x2="{label_w}" y2="{height - 8}" '
        f'stroke="#4a4a55" stroke-width="1"/>'
    )
    out.append("</svg>")
    return mark_safe("".join(out))  # noqa: S308 - every text is escaped above


def line_chart(table: Table, *, chart_id: str | None = None) -> SafeString:
    """One line per value column over the rows (months)."""
    spec = table.chart
    if spec is None or not table.rows:
        return mark_safe("")
    chart_id = chart_id or f"chart-{table.key}-{next(_ids)}"
    label_i = table.index(spec.label_key)
    cols = [table.columns[table.index(k)] for k in spec.value_keys]
    series = [[_number(r[table.index(c.key)]) for r in table.rows] for c in cols]
    lo = min(0.0, *(v for s in series for v in s))
    hi = max(1.0, *(v for s in series for v in s))
    width, height = 680, 300
    left, right, top, bottom = 90, 40, 40, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    n = len(table.rows)

    def x(i: int) -> float:
        return left + (plot_w * i / (n - 1) if n > 1 else plot_w / 2)

    def y(v: float) -> float:
        return top + plot_h * (1 - (v - lo) / (hi - lo))

    last = table.rows[-1]
    desc = _("Linjediagram från %(a)s till %(b)s. Vid slutet: %(values)s.") % {
        "a": table.rows[0][label_i],
        "b": last[label_i],
        "values": "; ".join(
            f"{c.label} {format_cell(last[table.index(c.key)], c.kind)}" for c in cols
        ),
    }
    out = _open_svg(chart_id, width, height, table.title, desc)
    out += _legend([c.label for c in cols], 16)
    kind = cols[0].kind
    for k in range(5):
        v = lo + (hi - lo) * k / 4
        yy = y(v)
        out.append(
            f'<line x1="{left}" y1="{yy:.1f}" x2="{width - right}" y2="{yy:.1f}" '
            f'stroke="#c9ccd3" stroke-width="1"/>'
        )
        out.append(
            f'<text x="{left - 6}" y="{yy + 4:.1f}" font-size="11" text-anchor="end" '
            f'{FONT} fill="#1b1b1f">{escape(format_axis(v, kind))}</text>'
        )
    step = max(1, (n + 11) // 12)
    for i, row in enumerate(table.rows):
        if i % step == 0 or i == n - 1:
            out.append(
                f'<text x="{x(i):.1f}" y="{height - bottom + 16}" font-size="11" '
                f'text-anchor="middle" {FONT} fill="#1b1b1f">'
                f"{escape(str(row[label_i]))}</text>"
            )
    for s, values in enumerate(series):
        colour = COLOURS[s % len(COLOURS)]
        dash = DASHES[s % len(DASHES)]
        points = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(values))
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        out.append(
            f'<polyline class="chart-line" points="{points}" fill="none" '
            f'stroke="{colour}" stroke-width="2.5"{dash_attr}/>'
        )
    out.append("</svg>")
    return mark_safe("".join(out))  # noqa: S308 - every text is escaped above


def has_chart(table: Table) -> bool:
    """Whether `chart_for` draws anything: a chart spec, rows, and for bars a value above 0
    (the PDF and the workbook draw the same charts)."""
    spec = table.chart
    if spec is None or not table.rows:
        return False
    if spec.kind == "line":
        return True
    return any(_number(r[table.index(k)]) > 0 for r in table.rows for k in spec.value_keys)


def chart_for(table: Table, *, chart_id: str | None = None, values: bool = True) -> SafeString:
    """The table's chart; `values=False` leaves out the value beside each bar."""
    if table.chart is None:
        return mark_safe("")
    if table.chart.kind == "line":
        return line_chart(table, chart_id=chart_id)
    return bar_chart(table, chart_id=chart_id, value_labels=values)
