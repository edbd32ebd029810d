"""Reflow at 320 CSS px without JavaScript (WCAG 1.4.10): every table of a web page sits in a
scroll region of its own in its template (`<div class="table-scroll" role="region"
tabindex="0" aria-label…>`), which the keyboard reaches and a screen reader names, so that a
wide table scrolls inside it and the page does not. `static/lom/a11y.js` only adds wrappers to
a table that has none. The PDF documents (`*_pdf.html`) are not web pages and are left out."""

import re
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "lom"
TEMPLATES = sorted(
    p for p in SRC.rglob("*.html") if "<table" in p.read_text() and not p.name.endswith("_pdf.html")
)
OPENING = re.compile(r"<div\b([^>]*)>\s*$")
# After the table the wrapper closes before any other block opens (a note may follow inside).
CLOSING = re.compile(r"^(?:(?!<div\b|<table\b).)*?</div>", re.S)


def attrs_of(tag_attrs: str) -> dict[str, str]:
    return dict(re.findall(r'([\w-]+)="([^"]*)"', tag_attrs))


def test_templates_with_tables_are_found():
    assert len(TEMPLATES) > 50


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(SRC)))
def test_every_table_is_in_a_named_focusable_scroll_region(path: Path):
    text = path.read_text()
    problems = []
    for m in re.finditer(r"<table\b", text):
        line = text.count("\n", 0, m.start()) + 1
        opening = OPENING.search(text[: m.start()])
        attrs = attrs_of(opening.group(1)) if opening else {}
        end = text.find("</table>", m.start())
        if "table-scroll" not in attrs.get("class", "").split():
            problems.append(f"line {line}: not preceded by a .table-scroll wrapper")
            continue
        if attrs.get("role") != "region" or attrs.get("tabindex") != "0":
            problems.append(f"line {line}: the wrapper is not a focusable region")
        label, labelledby = attrs.get("aria-label", ""), attrs.get("aria-labelledby", "")
        if not label.strip() and not labelledby.strip():
            problems.append(f"line {line}: the region has no accessible name")
        if labelledby and "{" not in labelledby and f'id="{labelledby}"' not in text:
            problems.append(f"line {line}: aria-labelledby names no element ({labelledby})")
        if end < 0 or not CLOSING.match(text[end + len("</table>") :]):
            problems.append(f"line {line}: the wrapper does not close after the table")
    assert not problems, f"{path.relative_to(SRC)}: " + "; ".join(problems)
