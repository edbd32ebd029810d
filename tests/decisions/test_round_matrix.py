"""Rounds at the size of a real call: the scoring matrix (blind until every assessor is done,
then side by side with the spread), a row or a cell saved at a time, the bulk actions, the
ranking within the budget frame and the joint decision recorded on the meeting's agenda."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lom.cases.models import Case, Status
from lom.common.errors import ConflictError, DomainError
from lom.decisions import services as dec
from lom.decisions.models import AgendaItem, Meeting, Score
from lom.decisions.selectors import round_matrix
from tests.decisions.api_helpers import Api
from tests.decisions.round_helpers import (
    bulk_scores,
    bulk_submitted,
    make_round,
    project_in_round,
    second_rep,
)
from tests.factories import signed_in


@pytest.fixture
def small(world):
    """Three applications, two criteria, four named assessors."""
    w = world
    rep2 = second_rep(w)
    assessors = [w.coordinator, w.decision_maker, w.union_rep, rep2]
    rnd = make_round(w, criteria=2, budget_ore=100_000_00, assessors=assessors)
    cases = [
        project_in_round(w, rnd, title, amount)
        for title, amount in (("AI", 60_000_00), ("E-arkiv", 50_000_00), ("Språk", 30_000_00))
    ]
    assert dec.round_start_review(actor=w.actor(w.coordinator), rnd=rnd) == 3
    return w, rnd, cases, assessors


def test_blind_until_every_assessor_is_done_then_side_by_side_with_spread(small):
    w, rnd, cases, assessors = small
    coord = w.actor(w.coordinator)
    crit = list(rnd.criteria.all())
    dec.scores_save_row(actor=coord, rnd=rnd, case=cases[0], scores={crit[0].pk: 5})
    rep = w.actor(w.union_rep)
    dec.scores_save_row(actor=rep, rnd=rnd, case=cases[0], scores={crit[0].pk: 1})
    m = round_matrix(actor=rep, rnd=rnd)
    assert not m.revealed and m.may_score
    cell = m.rows[0].cells[0]
    assert cell.mine == 1 and cell.scores == [] and cell.mean is None and m.rows[0].rank is None
    # The page says the same: the coordinator's 5 is nowhere on the union rep's matrix.
    page = signed_in(w.union_rep).get(f"/decisions/rounds/{rnd.pk}/matrix/")
    assert page.status_code == 200
    html = page.content.decode()
    assert f'id="cell-{cases[0].pk}-{crit[0].pk}"' in html and 'value="1"' in html
    assert 'value="5"' not in html and "spridning" not in html
    # Everyone scores everything but the last assessor's last cell: still blind.
    Score.objects.all().delete()
    bulk_scores(rnd, assessors, skip=(assessors[-1], cases[-1].pk))
    assert not round_matrix(actor=coord, rnd=rnd).revealed
    assert round_matrix(actor=coord, rnd=rnd).assessors_done == 3
    rep2 = w.actor(assessors[-1])
    dec.scores_save_row(actor=rep2, rnd=rnd, case=cases[-1], scores={crit[0].pk: 0, crit[1].pk: 5})
    m = round_matrix(actor=coord, rnd=rnd)
    assert m.revealed and m.assessors_done == 4
    for row in m.rows:
        for cell in row.cells:
            values = [s.score for s in cell.scores]
            assert len(values) == 4 and cell.spread == max(values) - min(values)
            assert cell.mean == pytest.approx(sum(values) / 4)
    # Ranked by total, and within the 100 000 kr frame by the requested amounts summed down.
    totals = [r.total for r in m.rows]
    assert totals == sorted(totals, reverse=True) and [r.rank for r in m.rows] == [1, 2, 3]
    used = sum(r.case.requested_ore for r in m.rows if r.within_frame)
    assert used == m.within_frame_ore <= 100_000_00
    html = signed_in(w.union_rep).get(f"/decisions/rounds/{rnd.pk}/matrix/").content.decode()
    assert "spridning" in html and "Rang" in html
    # The auditor reads the revealed matrix; an employee does not see it at all.
    assert signed_in(w.auditor).get(f"/decisions/rounds/{rnd.pk}/matrix/").status_code == 200
    assert signed_in(w.employee).get(f"/decisions/rounds/{rnd.pk}/matrix/").status_code == 403


def test_only_named_assessors_score_and_only_applications_under_review(world):
    w = world
    rnd = make_round(w, criteria=1, assessors=[w.coordinator, w.union_rep])
    case = project_in_round(w, rnd, "AI", 10_000_00)
    crit = rnd.criteria.get()
    with pytest.raises(ConflictError):  # submitted, not yet under review
        dec.scores_save_row(actor=w.actor(w.union_rep), rnd=rnd, case=case, scores={crit.pk: 3})
    dec.round_start_review(actor=w.actor(w.coordinator), rnd=rnd)
    with pytest.raises(DomainError, match="inte bedömare"):
        dec.scores_save_row(
            actor=w.actor(w.decision_maker), rnd=rnd, case=case, scores={crit.pk: 3}
        )
    with pytest.raises(DomainError) as exc:
        dec.scores_save_row(actor=w.actor(w.union_rep), rnd=rnd, case=case, scores={crit.pk: 6})
    assert exc.value.field == f"scores.{crit.pk}"
    with pytest.raises(DomainError):
        dec.scores_save_row(actor=w.actor(w.union_rep), rnd=rnd, case=case, scores={999999: 1})
    # Naming someone outside the assessing roles is refused, on the field.
    with pytest.raises(DomainError) as exc:
        make_round(w, assessors=[w.employee])
    assert exc.value.field == "assessors"


def test_row_form_without_javascript_and_cell_by_cell_with_it(small):
    w, rnd, cases, _assessors = small
    crit = list(rnd.criteria.all())
    client = signed_in(w.union_rep)
    url = f"/decisions/rounds/{rnd.pk}/matrix/{cases[1].pk}/"
    # The no-JS row form: both cells at once.
    r = client.post(url, {f"s-{crit[0].pk}": "4", f"s-{crit[1].pk}": "2"})
    assert r.status_code == 302 and r["Location"].endswith(f"#row-{cases[1].pk}")
    mine = dict(
        Score.objects.filter(assessor=w.union_rep, case=cases[1]).values_list(
            "criterion_id", "score"
        )
    )
    assert mine == {crit[0].pk: 4, crit[1].pk: 2}
    # A refused row comes back with what was typed, the error tied to its cell: nothing saved.
    r = client.post(url, {f"s-{crit[0].pk}": "3", f"s-{crit[1].pk}": "tre"})
    assert r.status_code == 400
    html = r.content.decode()
    assert f'href="#cell-{cases[1].pk}-{crit[1].pk}"' in html and 'value="tre"' in html
    assert 'class="error-summary"' in html
    assert Score.objects.get(assessor=w.union_rep, case=cases[1], criterion=crit[0]).score == 4
    # The matrix's script: one cell, JSON back.
    fetch = {"HTTP_X_REQUESTED_WITH": "fetch"}
    r = client.post(url, {f"s-{crit[0].pk}": "5"}, **fetch)
    assert r.status_code == 200 and r.json()["changed"] == 1
    r = client.post(url, {f"s-{crit[0].pk}": "9"}, **fetch)
    assert r.status_code == 400 and r.json()["field"] == f"scores.{crit[0].pk}"
    # An empty cell takes the score back.
    r = client.post(url, {f"s-{crit[1].pk}": ""}, **fetch)
    assert r.status_code == 200
    assert not Score.objects.filter(assessor=w.union_rep, case=cases[1], criterion=crit[1])
    # Another organisation's round or a case outside the round: 404.
    assert client.post(f"/decisions/rounds/{rnd.pk}/matrix/999999/", {}).status_code == 404


def test_bulk_agenda_and_one_joint_decision_recorded_on_the_agenda(small):
    w, rnd, cases, assessors = small
    coord = w.actor(w.coordinator)
    meeting = dec.meeting_create(
        actor=coord,
        title="Partsrådet",
        starts_at=timezone.now() + timedelta(days=3),
        place="Sal 1",
        attendee_ids=[w.union_rep.pk],
    )
    client = signed_in(w.coordinator)
    r = client.post(f"/decisions/rounds/{rnd.pk}/agenda/", {"meeting": meeting.pk})
    assert r.status_code == 302
    assert set(meeting.items.values_list("case_id", flat=True)) == {c.pk for c in cases}
    # Again: nothing twice.
    assert dec.round_to_agenda(actor=coord, rnd=rnd, meeting=meeting) == 0
    item = meeting.items.first()
    with pytest.raises(DomainError, match="ansökningsomgång"):
        dec.item_decide(actor=coord, item=item, outcome="approved", reason="x")
    bulk_scores(rnd, assessors)
    m = round_matrix(actor=coord, rnd=rnd)
    decisions = [
        dec.RoundDecision(r.case.pk, r.within_frame, None, "Enligt rangordningen") for r in m.rows
    ]
    dec.round_decide(actor=coord, rnd=rnd, decisions=decisions)
    outcomes = dict(meeting.items.values_list("case_id", "outcome"))
    for r in m.rows:
        expected = AgendaItem.Outcome.APPROVED if r.within_frame else AgendaItem.Outcome.REJECTED
        assert outcomes[r.case.pk] == expected
        assert Case.objects.get(pk=r.case.pk).status == (
            Status.APPROVED if r.within_frame else Status.REJECTED
        )
    # Decided: no more scores, no bulk actions.
    with pytest.raises(ConflictError):
        dec.round_start_review(actor=coord, rnd=rnd)
    assert Meeting.objects.get(pk=meeting.pk).status == Meeting.Status.PLANNED


def test_round_page_prefills_the_decision_from_the_ranking(small):
    w, rnd, _cases, assessors = small
    bulk_scores(rnd, assessors)
    html = signed_in(w.coordinator).get(f"/decisions/rounds/{rnd.pk}/").content.decode()
    m = round_matrix(actor=w.actor(w.coordinator), rnd=rnd)
    assert "Rangordning inom budgetramen" in html
    for r in m.rows:
        checked = f'id="o-{r.case.pk}-{"a" if r.within_frame else "r"}" name'
        assert checked in html
        tail = html.split(checked, 1)[1].split(">", 1)[0]
        assert "checked" in tail


def test_matrix_of_100_applications_by_5_criteria_in_a_fixed_number_of_queries(world):
    w = world
    rep2 = second_rep(w)
    assessors = [w.coordinator, w.decision_maker, w.union_rep, rep2]
    rnd = make_round(w, criteria=5, budget_ore=2_000_000_00, assessors=assessors)
    bulk_submitted(w, rnd, 100)
    # The bulk action puts all 100 under review in one go.
    client = signed_in(w.coordinator)
    r = client.post(f"/decisions/rounds/{rnd.pk}/start-review/")
    assert r.status_code == 302
    assert rnd.cases.filter(status=Status.IN_REVIEW).count() == 100
    assert bulk_scores(rnd, assessors) == 2000
    client.get(f"/decisions/rounds/{rnd.pk}/matrix/")  # warm the session and caches
    with CaptureQueriesContext(connection) as q:
        r = client.get(f"/decisions/rounds/{rnd.pk}/matrix/")
    assert r.status_code == 200
    assert len(q.captured_queries) < 12, [x["sql"][:120] for x in q.captured_queries]
    html = r.content.decode()
    assert html.count('class="cell"') == 500 and html.count("spridning") > 0
    with CaptureQueriesContext(connection) as q:
        r = client.get(f"/decisions/rounds/{rnd.pk}/")
    assert r.status_code == 200 and len(q.captured_queries) < 14
    # The API gives the same matrix.
    m = Api(w.union_rep).get(f"/rounds/{rnd.pk}/matrix").json()
    assert m["revealed"] and len(m["rows"]) == 100 and m["cells_needed"] == 500
    assert {a["scored"] for a in m["assessors"]} == {500}
