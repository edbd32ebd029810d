"""Plan against actual as an Excel file: the same figures as the page (one selector)."""

from io import BytesIO

from django.utils.translation import gettext as _

from lom.planning.selectors import PlanActual


def _kr(ore: int) -> float:
    return round(ore / 100, 2)


def plan_actual_xlsx(actual: PlanActual) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = _("Plan mot utfall")[:31]
    plan = actual.plan
    ws.append([f"{plan.title} (v{plan.version})", f"{plan.period_start} – {plan.period_end}"])
    ws.append([])
    header = [
        _("Insatsområde"),
        _("Planerat (kr)"),
        _("Reserverat (kr)"),
        _("Förbrukat (kr)"),
        _("Kvar av planen (kr)"),
        _("Ansökningar"),
    ]
    ws.append(header)
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    for row in actual.areas:
        ws.append(
            [
                row.area.name,
                _kr(row.planned),
                _kr(row.committed),
                _kr(row.spent),
                _kr(row.left),
                row.case_count,
            ]
        )
    total = actual.total
    ws.append(
        [
            _("Summa"),
            _kr(total.planned),
            _kr(total.committed),
            _kr(total.spent),
            _kr(total.left),
            total.case_count,
        ]
    )
    ws.append(
        [
            _("Ansökningar utan behov i planen"),
            None,
            _kr(actual.unlinked.committed),
            _kr(actual.unlinked.spent),
            None,
            actual.unlinked.case_count,
        ]
    )
    for col in "BCDE":
        for cell in ws[col][3:]:
            cell.number_format = "#,##0.00"
    ws.column_dimensions["A"].width = 40

    gaps = wb.create_sheet(_("Luckor")[:31])
    gaps.append([_("Behov utan planerad insats")])
    for n in actual.needs_without_measures:
        gaps.append([n.area.name, n.title, n.get_priority_display()])
    gaps.append([])
    gaps.append([_("Behov som ingen ansökan svarar mot")])
    for n in actual.needs_without_cases:
        gaps.append([n.area.name, n.title, n.get_priority_display()])
    gaps.append([])
    gaps.append([_("Planerade insatser utan behov")])
    for m in actual.measures_without_needs:
        gaps.append([m.area.name, m.title, _kr(m.budget_ore)])
    gaps.append([])
    gaps.append([_("Ansökningar utan behov i planen")])
    for c in actual.cases_without_need:
        gaps.append([c.number, c.title, c.get_status_display(), c.need_explanation])
    out = BytesIO()
    wb.save(out)
    return out.getvalue()
