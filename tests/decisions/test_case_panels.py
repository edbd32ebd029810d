"""The panels joint decisions adds to the case page (template tags in lom.decisions), with the
same permission checks as when the case view built them itself."""

from datetime import timedelta

from django.test import Client
from django.utils import timezone

from lom.cases import services as cs
from lom.decisions import services as dec
from tests.decisions.test_decisions import _project
from tests.factories import make_case

JOIN = "Anslut ansökan till omgången"
OBJECT = "Framför invändning"


def _page(user, case) -> str:
    c = Client()
    c.force_login(user)
    r = c.get(f"/cases/{case.pk}/")
    assert r.status_code == 200
    return r.content.decode()


def _round(world, title="Utvecklingsprojekt 2026"):
    return dec.round_create(
        actor=world.actor(world.coordinator),
        title=title,
        call_text="Sök!",
        opens_on=timezone.localdate(),
        closes_on=timezone.localdate() + timedelta(days=30),
        budget_ore=100_000_00,
        period=world.period,
        criteria=[("Nytta", 5)],
    )


def test_open_rounds_only_for_a_development_project_the_actor_may_edit(world):
    rnd = _round(world)
    project = _project(world, "AI i handläggningen", 70_000_00)
    page = _page(world.manager, project)
    assert JOIN in page and rnd.title in page
    # A submitted project can no longer be edited by its applicant: no round to join.
    submitted = _project(world, "E-arkiv", 50_000_00)
    submitted = cs.case_transition(actor=world.actor(world.manager), case=submitted, name="submit")
    assert JOIN not in _page(world.manager, submitted)
    # An individual application is never offered a round.
    individual = make_case(world, submit=False)
    assert JOIN not in _page(world.employee, individual)
    # Once in the round, the offer is gone and the round is named instead.
    dec.round_join(actor=world.actor(world.manager), rnd=rnd, case=project)
    page = _page(world.manager, project)
    assert JOIN not in page and rnd.title in page


def test_objections_panel_for_union_representatives_on_submitted_cases(world):
    case = make_case(world)
    assert OBJECT in _page(world.union_rep, case)
    assert OBJECT not in _page(world.employee, case)
    dec.objection_raise(actor=world.actor(world.union_rep), case=case, reasons="Fel bedömning.")
    page = _page(world.employee, case)
    assert "Invändningar" in page and world.union.name in page
    # The applicant of a draft has no union seat: no form, and no empty panel.
    draft = make_case(world, submit=False)
    assert "Invändningar" not in _page(world.employee, draft)
