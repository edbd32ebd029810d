"""Plan against actual as an Excel file: the same figures as the page (one selector), written
by the one writer (lom.common.files), so no title ever becomes a formula."""

from django.utils.translation import gettext as _

from lom.common.files import XlsxBook
from lom.planning.selectors import PlanActual

KR_FORMAT = "#,##0.00"
# Area rows: name, planned, committed, spent, left (kronor), applications.
AREA_FORMATS = (None, KR_FORMAT, KR_FORMAT, KR_FORMAT, KR_FORMAT, None)


def _kr(ore: int) -> float:
    return round(ore / 100, 2)


def plan_actual_xlsx(actual: PlanActual) -> bytes:
    book = XlsxBook()
    ws = book.sheet(_("Plan mot utfall"))
    ws.column_dimensions["A"].width = 40
    plan = actual.plan
    book.row(ws, [f"{plan.title} (v{plan.version})", f"{plan.period_start} – {plan.period_end}"])
    book.row(ws, [])
    book.row(
        ws,
        [
            _("Insatsområde"),
            _("Planerat (kr)"),
            _("Reserverat (kr)"),
            _("Förbrukat (kr)"),
            _("Kvar av planen (kr)"),
            _("Ansökningar"),
        ],
        bold=True,
    )
    total = actual.total
    for label, row in [(r.area.name, r) for r in actual.areas] + [(_("Summa"), total)]:
        book.row(
            ws,
            [
                label,
                _kr(row.planned),
                _kr(row.committed),
                _kr(row.spent),
                _kr(row.left),
                row.case_count,
            ],
            formats=AREA_FORMATS,
        )
    book.row(
        ws,
        [
            _("Ansökningar utan behov i planen"),
            None,
            _kr(actual.unlinked.committed),
            _kr(actual.unlinked.spent),
            None,
            actual.unlinked.case_count,
        ],
        formats=AREA_FORMATS,
    )

    gaps = book.sheet(_("Luckor"))
    book.row(gaps, [_("Behov utan planerad insats")])
    for n in actual.needs_without_measures:
        book.row(gaps, [n.area.name, n.title, n.get_priority_display()])
    book.row(gaps, [])
    book.row(gaps, [_("Behov som ingen ansökan svarar mot")])
    for n in actual.needs_without_cases:
        book.row(gaps, [n.area.name, n.title, n.get_priority_display()])
    book.row(gaps, [])
    book.row(gaps, [_("Planerade insatser utan behov")])
    for m in actual.measures_without_needs:
        book.row(gaps, [m.area.name, m.title, _kr(m.budget_ore)])
    book.row(gaps, [])
    book.row(gaps, [_("Ansökningar utan behov i planen")])
    for c in actual.cases_without_need:
        book.row(gaps, [c.number, c.title, c.get_status_display(), c.need_explanation])
    return book.to_bytes()
