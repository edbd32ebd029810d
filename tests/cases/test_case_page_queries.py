"""The case page reads everything it shows in a fixed number of queries, however many rows its
panels hold: a case with decisions, a meeting item with the parties' positions, an objection,
comments, attachments, expenses, a follow-up and a decision letter."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from lom.agreements.models import DecisionModel
from lom.cases import services as cs
from lom.cases.models import Status
from lom.decisions import services as dec
from lom.followup.models import FollowUp
from lom.followup.services import FollowUpInput, followup_record
from lom.organisations.models import Role, Union
from lom.organisations.services import membership_grant
from tests.decisions.api_helpers import in_review
from tests.factories import UserFactory, add_agreement_union, make_world, signed_in

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
MAX_QUERIES = 12


@pytest.fixture
def full_case(db, settings, tmp_path):
    """A completed case with every panel of its page filled, twice over where it can be."""
    settings.MEDIA_ROOT = tmp_path
    w = make_world("sida", decision_model=DecisionModel.CONSULTATION)
    vision = Union.objects.create(organisation=w.org, name="Vision")
    rep2 = UserFactory(username="sida-vision")
    membership_grant(actor=None, organisation=w.org, user=rep2, role=Role.UNION_REP, union=vision)
    add_agreement_union(w.org, vision)
    coord = w.actor(w.coordinator)
    case = in_review(w, amount_ore=30_000_00)
    for text in ("Kursplan bifogas.", "Chefen stöder ansökan."):
        cs.case_comment_add(actor=w.actor(w.employee), case=case, text=text)
    for name in ("kursplan.pdf", "offert.pdf"):
        upload = SimpleUploadedFile(name, PDF, content_type="application/pdf")
        cs.case_attachment_add(actor=w.actor(w.employee), case=case, upload=upload)
    meeting = dec.meeting_create(
        actor=coord,
        title="Partssamverkan",
        starts_at=timezone.now(),
        attendee_ids=[w.union_rep.pk, rep2.pk],
    )
    item = dec.meeting_add_case(actor=coord, meeting=meeting, case=case)
    dec.position_record(actor=coord, item=item, stance="agree", final=True, union=None)
    dec.position_record(
        actor=w.actor(w.union_rep), item=item, stance="agree", final=True, union=w.union
    )
    dec.position_record(
        actor=w.actor(rep2),
        item=item,
        stance="disagree",
        reason="Ordinarie kompetensutveckling.",
        note_kind="reservation",
        final=True,
        union=vision,
    )
    dec.item_decide(actor=coord, item=item, outcome="approved", reason="Beviljas.")
    case.refresh_from_db()
    for memo in ("Faktura 1", "Faktura 2"):
        cs.case_record_expense(actor=coord, case=case, amount_ore=10_000_00, memo=memo)
    case = cs.case_transition(actor=coord, case=case, name="complete")
    followup_record(
        actor=coord,
        case=case,
        data=FollowUpInput(kind=FollowUp.Kind.END, need_met="yes", outcome="same_role"),
    )
    dec.objection_raise(actor=w.actor(rep2), case=case, reasons="Fel bedömning.")
    case.refresh_from_db()
    assert case.status == Status.COMPLETED
    assert case.decisions.count() and case.letters.count() and case.objections.count()
    return w, case


def _page(user, case, django_assert_max_num_queries) -> str:
    client = signed_in(user)
    client.get(f"/cases/{case.pk}/")  # the session and caches warm
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(f"/cases/{case.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_coordinators_case_page_reads_every_panel_in_a_fixed_number_of_queries(
    full_case, django_assert_max_num_queries
):
    w, case = full_case
    page = _page(w.coordinator, case, django_assert_max_num_queries)
    # Every panel is there, with its rows.
    for shown in (
        "Kursplan bifogas.",
        "Chefen stöder ansökan.",
        "kursplan.pdf",
        "offert.pdf",
        "Parternas bedömning",
        "Vision",
        "Ordinarie kompetensutveckling.",
        "Invändningar",
        "Beslutsbrev",
        "Beviljas.",
        "Faktiska kostnader hittills",
        "Kurs i dataanalys",
    ):
        assert shown in page, shown


def test_the_applicants_case_page_reads_every_panel_in_a_fixed_number_of_queries(
    full_case, django_assert_max_num_queries
):
    w, case = full_case
    page = _page(w.employee, case, django_assert_max_num_queries)
    assert "Beslutsbrev" in page and "Parternas bedömning" in page and "offert.pdf" in page
