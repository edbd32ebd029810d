"""One action, one transaction: a refused later step leaves nothing of the earlier ones, and
the public services are durable (they refuse to run inside another transaction)."""

from datetime import date

import pytest
from django.db import transaction
from django.urls import reverse

from lom.cases.models import Case
from lom.common.errors import DomainError
from lom.common.models import AuditEvent
from lom.planning import services as ps
from lom.planning.models import Proposal, TransitionPlan, Workshop
from tests.planning.test_planning import client_for, new_workshop, run_workshop


def test_a_plan_whose_workshop_cannot_be_taken_in_is_not_created(w):
    """plan_create = the plan + the workshop's import; the import refuses an open workshop."""
    open_ws = run_workshop(w, lock=False)
    with pytest.raises(DomainError) as exc:
        ps.plan_create(
            actor=w.actor(w.coordinator),
            title="Plan som inte blir",
            period_start=date(2026, 1, 1),
            period_end=date(2026, 12, 31),
            workshop=open_ws,
        )
    assert exc.value.field == "workshop"
    assert not TransitionPlan.objects.filter(title="Plan som inte blir").exists()
    assert not AuditEvent.objects.filter(action="plan.create").exists()


def test_a_proposal_whose_cost_line_is_refused_leaves_no_draft_application(w):
    """proposal_to_case = the draft case + its cost line; a refused cost line (a cost that
    is not positive) must not leave the draft behind."""
    ws = run_workshop(w)
    proposal = ws.proposals.get(title="Mentorprogram")
    Proposal.objects.filter(pk=proposal.pk).update(cost_ore=-100)  # e.g. older data
    cases_before = Case.objects.count()
    r = client_for(w.coordinator).post(
        reverse("from_plan:proposal_to_case", args=[ws.pk, proposal.pk]), follow=True
    )
    assert r.status_code == 200
    assert Case.objects.count() == cases_before
    proposal.refresh_from_db()
    assert proposal.case_id is None
    assert not AuditEvent.objects.filter(action="workshop.proposal_to_case").exists()


def test_an_unknown_user_name_creates_no_workshop(w):
    c = client_for(w.coordinator)
    r = c.post(
        reverse("planning:workshop_create"),
        {
            "title": "Workshop med okänd",
            "held_on": date.today().isoformat(),
            "participants": [w.union_rep.pk],
            "usernames": "finns-inte",
        },
    )
    assert r.status_code == 400
    assert "Hittar inte i organisationen: finns-inte" in r.content.decode()
    assert 'value="Workshop med okänd"' in r.content.decode()  # what was typed is kept
    assert not Workshop.objects.filter(title="Workshop med okänd").exists()


def test_public_services_refuse_to_run_inside_another_transaction(w):
    ws = new_workshop(w)
    with pytest.raises(RuntimeError), transaction.atomic():
        ps.card_add(actor=w.actor(w.coordinator), workshop=ws, text="Inne i en annan")
    assert not ws.cards.exists()
