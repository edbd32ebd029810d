"""The scoring matrix in a real browser at the size of a real call (100 applications × 5
criteria, four assessors): cells saved as they are typed, the arrow keys between cells, the
server's own time for the page (from its Server-Timing header) written to test-artifacts."""

import json
from pathlib import Path

import pytest

from lom.cases.models import Status
from lom.decisions.models import Score
from tests.browser import login
from tests.decisions.round_helpers import bulk_scores, bulk_submitted, make_round, second_rep

pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True)
def test_matrix_of_100_by_5_saves_each_cell_and_moves_by_keyboard(live_server, browser):
    from tests.factories import make_world

    w = make_world("matris")
    rep2 = second_rep(w)
    assessors = [w.coordinator, w.decision_maker, w.union_rep, rep2]
    rnd = make_round(w, criteria=5, budget_ore=2_000_000_00, assessors=assessors)
    bulk_submitted(w, rnd, 100)
    rnd.cases.update(status=Status.IN_REVIEW)
    # Three assessors are done; the union rep has scored nothing yet.
    bulk_scores(rnd, [w.coordinator, w.decision_maker, rep2])
    base = live_server.url
    ctx = browser.new_context(locale="sv-SE")
    page = ctx.new_page()
    login(page, base, w.union_rep.username)
    timings = []
    for _ in range(3):
        page.goto(f"{base}/decisions/rounds/{rnd.pk}/matrix/")
        timings.append(
            page.evaluate(
                "performance.getEntriesByType('navigation')[0].serverTiming"
                ".filter(t => t.name === 'app')[0].duration"
            )
        )
    assert page.locator("input.cell").count() == 500
    criteria = list(rnd.criteria.all())
    cases = list(rnd.cases.order_by("number"))
    first = page.locator(f"#cell-{cases[0].pk}-{criteria[0].pk}")
    first.fill("4")
    first.press("ArrowDown")  # the change is saved; focus goes to the row below
    below = page.locator(f"#cell-{cases[1].pk}-{criteria[0].pk}")
    assert below.evaluate("el => el === document.activeElement")
    below.fill("2")
    below.press("ArrowRight")  # caret at the end: the next criterion on the same row
    right = page.locator(f"#cell-{cases[1].pk}-{criteria[1].pk}")
    assert right.evaluate("el => el === document.activeElement")
    right.fill("9")
    right.press("Enter")
    page.locator(f"#st-{cases[1].pk}").get_by_text("ska vara mellan 0 och 5").wait_for()
    assert right.get_attribute("aria-invalid") == "true"
    page.locator(f"#st-{cases[0].pk}").get_by_text("Sparat").wait_for()
    mine = Score.objects.filter(assessor=w.union_rep)
    assert dict(mine.values_list("case_id", "score")) == {cases[0].pk: 4, cases[1].pk: 2}
    assert "Du ser bara dina egna poäng" in page.content()
    ctx.close()
    out = Path("test-artifacts")
    out.mkdir(exist_ok=True)
    (out / "round-matrix.json").write_text(
        json.dumps({"applications": 100, "criteria": 5, "server_ms": timings})
    )
    print("round matrix server time (ms):", timings)
