"""The body of the scoring matrix, written as HTML in Python: a call of a hundred applications
has 500 cells and, once revealed, 2 000 scores, and the template engine took most of a second
over them where this takes a few milliseconds. The surrounding page is a template
(`decisions/round_matrix.html`); every text here is escaped."""

from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from lom.common.money import format_ore
from lom.decisions.selectors.rounds import MatrixRow, RoundMatrix


def _mean(value: float) -> str:
    return f"{value:.1f}".replace(".", ",")


def matrix_body(
    matrix: RoundMatrix,
    *,
    csrf_input: str,
    typed: dict[int, dict[int, str]],
    error_case: int | None,
    error_message: str,
) -> SafeString:
    rnd = matrix.round
    row_url = reverse("decisions:score_row", args=[rnd.pk, 0])[: -len("0/")]
    case_url = reverse("cases:detail", args=[0])[: -len("0/")]
    words: dict[str, str] = {
        "spread": escape(_("spridning")),
        "discuss": escape(_("Diskutera")),
        "within": escape(_("inom ram")),
        "save": escape(_("Spara rad")),
    }
    out: list[str] = []
    for index, row in enumerate(matrix.rows):
        out.append(
            _row(
                matrix,
                row,
                index,
                row_url=row_url,
                case_url=case_url,
                csrf_input=csrf_input,
                typed=typed.get(row.case.pk),
                error=error_message if error_case == row.case.pk else "",
                words=words,
            )
        )
    return mark_safe("".join(out))  # noqa: S308  (every value above is escaped)


def _row(
    matrix: RoundMatrix,
    row: MatrixRow,
    index: int,
    *,
    row_url: str,
    case_url: str,
    csrf_input: str,
    typed: dict[int, str] | None,
    error: str,
    words: dict[str, str],
) -> str:
    case = row.case
    pk = case.pk
    head = (
        f'<tr id="row-{pk}"><th scope="row" id="case-{pk}">'
        f'<a href="{case_url}{pk}/">{escape(case.number)}</a> {escape(case.title)}'
    )
    if not row.scorable:
        head += f'<br><span class="muted">{escape(case.get_status_display())}</span>'
    parts = [head, f'</th><td class="num">{escape(format_ore(case.requested_ore))}</td>']
    inputs = matrix.may_score and row.scorable
    described = f' aria-describedby="err-{pk}"' if error else ""
    for col, cell in enumerate(row.cells):
        cr = cell.criterion
        parts.append('<td class="num">')
        if inputs:
            if typed is not None:
                value = typed.get(cr.pk, "")
            else:
                value = "" if cell.mine is None else str(cell.mine)
            parts.append(
                f'<input class="cell" id="cell-{pk}-{cr.pk}" name="s-{cr.pk}" form="f-{pk}" '
                f'value="{escape(value)}" inputmode="numeric" pattern="[0-9]*" size="3" '
                f'maxlength="3" autocomplete="off" data-row="{index}" data-col="{col}" '
                f'aria-labelledby="case-{pk} crit-{cr.pk}"{described}>'
            )
        elif cell.mine is not None:
            parts.append(str(cell.mine))
        if matrix.revealed and cell.mean is not None:
            parts.append(f"<br><strong>{_mean(cell.mean)}</strong>")
            if cell.spread is not None:
                parts.append(f' <span class="muted">{words["spread"]} {cell.spread}</span>')
            if cell.wide:
                parts.append(f' <span class="flag">{words["discuss"]}</span>')
            names = " · ".join(f"{escape(s.assessor)} {s.score}" for s in cell.scores)
            parts.append(f'<br><span class="muted">{names}</span>')
        parts.append("</td>")
    if matrix.revealed:
        within = f' <span class="muted">{words["within"]}</span>' if row.within_frame else ""
        total = _mean(row.total) if row.total is not None else ""
        parts.append(
            f'<td class="num"><strong>{total}</strong></td><td class="num">{row.rank}{within}</td>'
        )
    if matrix.may_score:
        parts.append("<td>")
        if row.scorable:
            parts.append(
                f'<form id="f-{pk}" method="post" action="{row_url}{pk}/">{csrf_input}'
                f'<button type="submit" class="secondary" aria-describedby="case-{pk}">'
                f'{words["save"]}</button></form><span class="row-status" id="st-{pk}">'
            )
            if error:
                parts.append(f'<span class="error" id="err-{pk}">{escape(error)}</span>')
            parts.append("</span>")
        parts.append("</td>")
    parts.append("</tr>")
    return "".join(parts)
