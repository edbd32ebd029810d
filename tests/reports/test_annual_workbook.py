"""The annual workbook draws the PDF's charts natively: one chart per charted table, on the
table's sheet, whose series read the table's own cells."""

import io
import re
from datetime import date

from openpyxl import load_workbook

from lom.reports.charts import has_chart
from lom.reports.documents import annual_report_html, annual_report_xlsx
from lom.reports.figures import annual_figures
from tests.reporting import build_scenario

TODAY = date(2026, 11, 22)


def test_the_workbook_has_the_pdfs_charts_over_the_data_cells(world):
    build_scenario(world)
    fig = annual_figures(organisation=world.org, year=2024, today=TODAY)
    pdf_charts = annual_report_html(fig).count('class="chart"')
    book = load_workbook(io.BytesIO(annual_report_xlsx(fig)))
    drawn = [(ws, chart) for ws in book.worksheets for chart in ws._charts]
    charted = [t for t in fig.tables() if has_chart(t)]
    assert len(drawn) == len(charted) == pdf_charts > 0
    for (ws, chart), table in zip(drawn, charted, strict=True):
        assert ws["A1"].value == table.title == chart.title.tx.rich.p[0].r[0].t
        assert chart.tagname == ("lineChart" if table.chart.kind == "line" else "barChart")
        assert len(chart.series) == len(table.chart.value_keys)
        for series, key in zip(chart.series, table.chart.value_keys, strict=True):
            sheet, col, first, last = re.fullmatch(
                r"'?(.+?)'?!\$([A-Z]+)\$(\d+)(?::\$[A-Z]+\$(\d+))?", series.val.numRef.f
            ).groups()
            assert sheet == ws.title and int(first) == 3  # below the title and the header
            assert int(last or first) == 2 + len(table.rows)  # every row, not the total
            label = next(c.label for c in table.columns if c.key == key)
            assert ws[f"{col}2"].value == label  # the series is named by its header cell
            values = [ws[f"{col}{r}"].value for r in range(3, 3 + len(table.rows))]
            assert any(isinstance(v, int | float) for v in values)
