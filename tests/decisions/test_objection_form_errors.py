"""A refused objection (no reasons) shows an error summary that links to the field, and the
message is tied to the field (aria-describedby), on the case's page and on the list."""

import pytest

from lom.cases import services as cs
from tests.decisions.api_helpers import in_review
from tests.factories import make_world, signed_in


@pytest.fixture
def w(db):
    return make_world("invand")


def test_objection_without_reasons_on_the_case_page_points_at_the_field(w):
    case = cs.case_transition(
        actor=w.actor(w.coordinator), case=in_review(w), name="reject", reason="Ordinarie."
    )
    rep = signed_in(w.union_rep)
    r = rep.post(
        "/decisions/objections/new/",
        {"case": case.pk, "decision": case.decisions.get().pk, "reasons": "  "},
    )
    assert r.status_code == 302
    assert r["Location"] == f"/cases/{case.pk}/?objection=missing#objection-errors"
    page = rep.get(r["Location"]).content.decode()
    assert 'id="objection-errors"' in page and 'tabindex="-1"' in page
    assert '<a href="#objection-reasons">Skriv skälen för invändningen.</a>' in page
    assert 'aria-describedby="objection-reasons-error"' in page
    assert 'id="objection-reasons-error"' in page and 'aria-invalid="true"' in page
    # Without a refusal, the field has no error.
    assert "objection-reasons-error" not in rep.get(f"/cases/{case.pk}/").content.decode()


def test_objection_without_reasons_on_the_list_keeps_the_form_with_its_errors(w):
    rep = signed_in(w.union_rep)
    r = rep.post("/decisions/objections/new/", {"subject": "Tillämpningen", "reasons": ""})
    assert r.status_code == 400
    page = r.content.decode()
    assert 'class="error-summary"' in page
    assert "aria-describedby=" in page and "Tillämpningen" in page
