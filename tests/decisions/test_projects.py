"""Projects report back: the round sets report dates, the owner reports (milestones, money spent,
status, obstacles), reminders before a date and after a missed one, and the coordinator's page
of every project (late reports, overspend, done) with each project's history."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lom.cases.models import Case, Status
from lom.common.errors import ConflictError, DomainError
from lom.common.models import Notification
from lom.decisions import services as dec
from lom.decisions.models import ProjectReport
from lom.decisions.reminders import send_project_report_reminders
from lom.decisions.selectors import round_projects
from tests.decisions.api_helpers import Api
from tests.decisions.round_helpers import bulk_submitted, make_round, project_in_round
from tests.factories import signed_in

TODAY = timezone.localdate


@pytest.fixture
def decided(world):
    """A decided round of three approved projects (the manager owns them), with a report date
    a week ago and one in three days."""
    w = world
    coord = w.actor(w.coordinator)
    rnd = make_round(w, criteria=1, budget_ore=500_000_00)
    rnd.opens_on = TODAY() - timedelta(days=60)
    rnd.save(update_fields=["opens_on"])
    cases = [
        project_in_round(w, rnd, title, amount)
        for title, amount in (("AI", 100_000_00), ("E-arkiv", 80_000_00), ("Språk", 50_000_00))
    ]
    dec.round_start_review(actor=coord, rnd=rnd)
    dec.round_decide(
        actor=coord,
        rnd=rnd,
        decisions=[dec.RoundDecision(c.pk, True, None, "Bra projekt") for c in cases],
    )
    dates = dec.report_dates_set(
        actor=coord,
        rnd=rnd,
        dates=[
            (TODAY() - timedelta(days=7), "Första rapport"),
            (TODAY() + timedelta(days=3), "Halvtidsrapport"),
        ],
    )
    cases = [Case.objects.get(pk=c.pk) for c in cases]
    return w, rnd, cases, dates


def test_owner_reports_and_the_coordinator_sees_late_overspent_and_done(decided):
    w, rnd, (ai, arkiv, sprak), (first, half) = decided
    owner = w.actor(w.manager)
    dec.project_report_submit(
        actor=owner,
        case=ai,
        due=first,
        status="delayed",
        milestones="Förstudien klar.",
        spent_ore=120_000_00,  # more than the 100 000 granted
        obstacles="Leverantören är sen.",
    )
    dec.project_report_submit(
        actor=owner, case=sprak, due=first, status="done", milestones="Klart.", spent_ore=1
    )
    # Once per date; only the owner; only a date of the project's own round.
    with pytest.raises(ConflictError):
        dec.project_report_submit(
            actor=owner, case=ai, due=first, status="on_track", milestones="x", spent_ore=1
        )
    with pytest.raises(DomainError, match="ägare"):
        dec.project_report_submit(
            actor=w.actor(w.employee), case=arkiv, due=first, status="on_track",
            milestones="x", spent_ore=1,
        )  # fmt: skip
    with pytest.raises(DomainError) as exc:
        dec.project_report_submit(
            actor=owner, case=arkiv, due=first, status="on_track", milestones=" ", spent_ore=1
        )
    assert exc.value.field == "milestones"
    o = round_projects(rnd=rnd, today=TODAY())
    rows = {r.case.pk: r for r in o.rows}
    assert rows[ai.pk].overspent and rows[ai.pk].spent_ore == 120_000_00
    assert rows[ai.pk].next_due == half and not rows[ai.pk].late
    assert rows[arkiv.pk].late == [first] and not rows[arkiv.pk].overspent
    assert rows[sprak.pk].done and not rows[sprak.pk].late
    assert (o.late_count, o.overspent_count, o.done_count) == (1, 1, 1)
    # The coordinators were told, the overspend named.
    texts = [n.shown for n in Notification.objects.filter(user=w.coordinator, kind="project")]
    assert len(texts) == 2 and any("mer använt än beviljat" in t for t in texts)
    # The page: flags in words, filters, and a project's history.
    client = signed_in(w.coordinator)
    html = client.get(f"/decisions/rounds/{rnd.pk}/projects/").content.decode()
    assert "Mer än beviljat" in html and "1 försenad" in html and "Klart" in html
    late_only = client.get(f"/decisions/rounds/{rnd.pk}/projects/?show=late").content.decode()
    assert arkiv.title in late_only and ai.title not in late_only.split("<tbody>")[1]
    hist = client.get(f"/decisions/rounds/{rnd.pk}/projects/{ai.pk}/").content.decode()
    assert "Förstudien klar." in hist and "Leverantören är sen." in hist
    # The union representative follows too; an employee does not.
    assert signed_in(w.union_rep).get(f"/decisions/rounds/{rnd.pk}/projects/").status_code == 200
    assert signed_in(w.employee).get(f"/decisions/rounds/{rnd.pk}/projects/").status_code == 403


def test_reminders_before_a_date_and_after_a_missed_one_each_once(decided):
    w, _rnd, (ai, arkiv, _sprak), (first, _half) = decided
    dec.project_report_submit(
        actor=w.actor(w.manager), case=ai, due=first, status="on_track", milestones="Ok.",
        spent_ore=10_000_00,
    )  # fmt: skip
    # Late for first: arkiv and sprak (2); before half: all three (3).
    assert send_project_report_reminders() == 5
    assert send_project_report_reminders() == 0
    late = Notification.objects.filter(user=w.coordinator, kind="project", case=arkiv)
    assert late.count() == 1 and "skulle ha lämnats" in late.get().shown
    assert Notification.objects.filter(user=w.manager, kind="project").count() == 5


def test_owner_form_without_javascript_keeps_what_was_typed(decided):
    w, rnd, (ai, _arkiv, _sprak), (first, _half) = decided
    client = signed_in(w.manager)
    case_page = client.get(f"/cases/{ai.pk}/").content.decode()
    assert f"/decisions/projects/{ai.pk}/report/" in case_page
    url = f"/decisions/projects/{ai.pk}/report/"
    assert client.get(url).status_code == 200
    r = client.post(
        url,
        {"due": first.pk, "status": "on_track", "milestones": "", "spent": "12 000"},
    )
    assert r.status_code == 400
    html = r.content.decode()
    assert 'class="error-summary"' in html and 'value="12 000"' in html
    r = client.post(
        url,
        {"due": first.pk, "status": "on_track", "milestones": "Start.", "spent": "12 000"},
    )
    assert r.status_code == 302
    assert ProjectReport.objects.get(case=ai).spent_ore == 12_000_00
    # Not the owner: no such page.
    assert signed_in(w.employee).get(url).status_code == 404
    # The coordinator's report-dates form: a line without a date is refused, typed text kept.
    r = signed_in(w.coordinator).post(
        f"/decisions/rounds/{rnd.pk}/projects/", {"dates": "snart Slutrapport"}
    )
    assert r.status_code == 400 and "snart Slutrapport" in r.content.decode()


def test_the_same_through_the_api(decided, other_world):
    w, rnd, (ai, _arkiv, _sprak), (first, half) = decided
    coord, owner = Api(w.coordinator), Api(w.manager)
    r = coord.put(
        f"/rounds/{rnd.pk}/report-dates",
        {
            "dates": [
                {"due_on": first.due_on.isoformat(), "label": "Första rapport"},
                {"due_on": half.due_on.isoformat(), "label": "Halvtid"},
                {"due_on": (TODAY() + timedelta(days=90)).isoformat(), "label": "Slutrapport"},
            ]
        },
    )
    assert r.status_code == 200 and [d["label"] for d in r.json()["dates"]][1:] == [
        "Halvtid",
        "Slutrapport",
    ]
    assert owner.put(f"/rounds/{rnd.pk}/report-dates", {"dates": []}).status_code == 403
    body = {
        "report_date_id": first.pk,
        "status": "at_risk",
        "milestones": "Upphandling pågår.",
        "spent_ore": 5_000_00,
    }
    r = owner.post(f"/projects/{ai.pk}/reports", body | {"spent_ore": -1})
    assert r.status_code == 422 and r.json()["field"] == "spent_ore"
    r = owner.post(f"/projects/{ai.pk}/reports", body | {"report_date_id": 999999})
    assert r.status_code == 400 and r.json()["field"] == "report_date_id"
    r = owner.post(f"/projects/{ai.pk}/reports", body)
    assert r.status_code == 201 and r.json()["status"] == "at_risk"
    assert owner.post(f"/projects/{ai.pk}/reports", body).status_code == 409
    # A date with a report cannot be removed.
    r = coord.put(f"/rounds/{rnd.pk}/report-dates", {"dates": []})
    assert r.status_code == 409
    got = coord.get(f"/rounds/{rnd.pk}/projects").json()
    assert got["late_count"] == 2 and len(got["projects"]) == 3
    hist = coord.get(f"/rounds/{rnd.pk}/projects/{ai.pk}").json()
    assert hist["history"][0]["milestones"] == "Upphandling pågår."
    assert owner.get(f"/projects/{ai.pk}/reports").json()["reports"] == 1
    # Another organisation sees nothing of it.
    stranger = Api(other_world.coordinator)
    assert stranger.get(f"/rounds/{rnd.pk}/projects").status_code == 404
    assert stranger.post(f"/projects/{ai.pk}/reports", body).status_code == 404


def test_a_hundred_projects_on_one_page_in_a_fixed_number_of_queries(world):
    w = world
    rnd = make_round(w, criteria=1, budget_ore=9_000_000_00)
    rnd.opens_on = TODAY() - timedelta(days=60)
    rnd.save(update_fields=["opens_on"])
    bulk_submitted(w, rnd, 100)
    rnd.cases.update(status=Status.APPROVED, approved_ore=40_000_00)
    dec.report_dates_set(
        actor=w.actor(w.coordinator), rnd=rnd, dates=[(TODAY() - timedelta(days=1), "Första")]
    )
    client = signed_in(w.coordinator)
    client.get(f"/decisions/rounds/{rnd.pk}/projects/")
    with CaptureQueriesContext(connection) as q:
        r = client.get(f"/decisions/rounds/{rnd.pk}/projects/")
    assert r.status_code == 200 and r.content.decode().count("1 försenad") == 100
    assert len(q.captured_queries) < 12, [x["sql"][:100] for x in q.captured_queries]
