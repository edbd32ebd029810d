"""Every decision model from start to decision: joint meeting, HR decides with objections,
application rounds, applicant participation; notifications and reminders."""

import subprocess
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from lom.agreements.models import DecisionModel, MeasureType
from lom.cases import services as cs
from lom.cases.models import Case, Status
from lom.common.errors import DomainError, PermissionDeniedError
from lom.common.models import AuditEvent, Notification, NotificationPreference
from lom.decisions import services as dec
from lom.decisions.models import Meeting, Objection
from lom.decisions.reminders import send_reminders
from lom.decisions.selectors import round_matrix
from lom.funds.selectors import fund_balance
from lom.organisations.models import Role, Union
from lom.organisations.services import membership_grant
from tests.factories import (
    UserFactory,
    add_agreement_union,
    make_case,
    make_world,
    set_agreement_rules,
)


def in_review(w, **kw):
    return cs.case_transition(
        actor=w.actor(w.coordinator), case=make_case(w, **kw), name="start_review"
    )


def pdf_text(data: bytes) -> str:
    out = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True)
    return out.stdout.decode()


@pytest.fixture
def joint(db):
    w = make_world("gemensam", decision_model=DecisionModel.JOINT)
    # A second union with its own representative.
    vision = Union.objects.create(organisation=w.org, name="Vision")
    rep2 = UserFactory(username="gemensam-vision")
    membership_grant(actor=None, organisation=w.org, user=rep2, role=Role.UNION_REP, union=vision)
    # Vision is a party of the agreement too.
    add_agreement_union(w.org, vision)
    w.vision, w.rep2 = vision, rep2
    return w


def test_joint_model_meeting_from_agenda_to_signed_minutes(joint):
    w = joint
    coord, rep, rep2 = w.actor(w.coordinator), w.actor(w.union_rep), w.actor(w.rep2)
    case = in_review(w, amount_ore=30_000_00, private_reason="Hälsoskäl, hemligt")
    # Under the joint model nobody may decide outside a meeting.
    with pytest.raises(DomainError) as exc:
        cs.case_transition(actor=coord, case=case, name="approve", reason="x")
    assert exc.value.code == "joint_decision_required"

    meeting = dec.meeting_create(
        actor=coord,
        title="Partssamverkan v.12",
        starts_at=timezone.now() - timedelta(hours=1),
        place="Rum 4",
        attendee_ids=[w.union_rep.pk, w.rep2.pk],
    )
    assert dec.meeting_fill_agenda(actor=coord, meeting=meeting) == 1
    item = meeting.items.get()
    # Reps were told the case is on the agenda.
    assert Notification.objects.filter(user=w.union_rep, kind="agenda", case=case).exists()

    # The union representative reads the case without private reasons.
    page = Client()
    page.force_login(w.union_rep)
    body = page.get(f"/decisions/meetings/{meeting.pk}/").content.decode()
    assert case.number in body and "Hälsoskäl" not in body

    # A representative speaks only for their own party.
    with pytest.raises(PermissionDeniedError):
        dec.position_record(actor=rep, item=item, stance="agree", final=False, union=w.vision)
    with pytest.raises(PermissionDeniedError):
        dec.position_record(actor=rep, item=item, stance="agree", final=True, union=None)
    dec.position_record(actor=rep, item=item, stance="agree", final=False, union=w.union)
    # Approval waits for every party present.
    dec.position_record(actor=coord, item=item, stance="agree", final=True, union=None)
    dec.position_record(actor=rep, item=item, stance="agree", final=True, union=w.union)
    with pytest.raises(DomainError):
        dec.item_decide(actor=coord, item=item, outcome="approved", reason="Bra")
    dec.position_record(actor=rep2, item=item, stance="agree", final=True, union=w.vision)
    dec.item_decide(
        actor=coord,
        item=item,
        outcome="approved",
        reason="Parterna är eniga.",
        amount_ore=25_000_00,
    )
    case.refresh_from_db()
    assert case.status == Status.APPROVED and case.approved_ore == 25_000_00
    assert case.decisions.get().agenda_item == item
    assert fund_balance(period=w.period).committed == 25_000_00

    # The chair and each union party's adjuster adjust; the last one seals the minutes.
    for adjuster in (rep2, coord):
        assert not dec.meeting_sign(actor=adjuster, meeting=meeting).is_signed
    meeting = dec.meeting_sign(actor=rep, meeting=meeting)
    text = pdf_text(meeting.sealed_file.read())
    assert "Partssamverkan v.12" in text and case.number in text
    assert "Tillstyrker" in text and "Vision" in text and "Beviljad" in text
    assert "Hälsoskäl" not in text
    # Signed minutes are frozen for everyone.
    with pytest.raises(DomainError) as exc:
        dec.position_record(
            actor=rep, item=item, stance="disagree", reason="x", final=True, union=w.union
        )
    assert exc.value.code == "signed"
    with pytest.raises(DomainError):
        dec.meeting_add_case(actor=coord, meeting=meeting, case=in_review(w))
    # An adjustment is a new, linked record; the original stays as it was.
    adj = dec.meeting_adjust(actor=coord, meeting=meeting)
    assert adj.title == "Justering av Partssamverkan v.12"
    assert adj.adjusts == meeting and Meeting.objects.get(pk=meeting.pk).is_signed
    # The downloaded PDF is the stored one, byte for byte.
    c = Client()
    c.force_login(w.auditor)
    r = c.get(f"/decisions/meetings/{meeting.pk}/minutes.pdf")
    import hashlib

    assert hashlib.sha256(b"".join(r.streaming_content)).hexdigest() == meeting.sealed_sha256


def test_disagreement_then_escalated_objection(joint):
    w = joint
    coord, rep = w.actor(w.coordinator), w.actor(w.union_rep)
    case = in_review(w)
    meeting = dec.meeting_create(
        actor=coord,
        title="Möte",
        starts_at=timezone.now(),
        attendee_ids=[w.union_rep.pk, w.rep2.pk],
    )
    item = dec.meeting_add_case(actor=coord, meeting=meeting, case=case)
    with pytest.raises(DomainError):  # disagreeing needs a reason
        dec.position_record(actor=coord, item=item, stance="disagree", final=True, union=None)
    dec.position_record(
        actor=coord,
        item=item,
        stance="disagree",
        final=True,
        union=None,
        reason="Ordinarie kompetensutveckling.",
    )
    dec.position_record(actor=rep, item=item, stance="agree", final=True, union=w.union)
    with pytest.raises(DomainError):
        dec.item_decide(actor=coord, item=item, outcome="approved", reason="x")
    dec.item_decide(actor=coord, item=item, outcome="rejected", reason="Parterna är oense.")
    case.refresh_from_db()
    assert case.status == Status.REJECTED
    decision = case.decisions.get()

    objection = dec.objection_raise(actor=rep, decision=decision, reasons="Insatsen är proaktiv.")
    assert objection.status == Objection.Status.RAISED and objection.case == case
    with pytest.raises(DomainError):  # closing before the employer answered
        dec.objection_close(actor=rep, objection=objection, outcome="escalated")
    with pytest.raises(PermissionDeniedError):  # the union cannot answer for the employer
        dec.objection_answer(actor=rep, objection=objection, answer="x")
    dec.objection_answer(actor=coord, objection=objection, answer="Vi står fast.")
    with pytest.raises(PermissionDeniedError):  # another union cannot close it
        dec.objection_close(actor=w.actor(w.rep2), objection=objection, outcome="resolved")
    objection = dec.objection_close(
        actor=rep, objection=objection, outcome="escalated", note="Till centrala parter."
    )
    assert objection.status == Objection.Status.ESCALATED
    actions = list(
        AuditEvent.objects.filter(target_type="decisions.objection", target_id=objection.pk)
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["objection.raise", "objection.answer", "objection.escalated"]
    # It stays visible on the case page.
    c = Client()
    c.force_login(w.employee)
    assert "Beslut i ärende" in c.get(f"/cases/{case.pk}/").content.decode()
    # Nothing about it is deletable: no route deletes, and the ORM row is protected by the case.
    with pytest.raises(Exception):  # noqa: B017 - PROTECT raises ProtectedError
        case.delete()


def test_hr_model_unions_are_told_and_object_within_the_window(
    world, django_capture_on_commit_callbacks
):
    case = in_review(world)
    coord, rep = world.actor(world.coordinator), world.actor(world.union_rep)
    world.union_rep.email = "facket@example.org"
    world.union_rep.save()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        case = cs.case_transition(actor=coord, case=case, name="reject", reason="Ordinarie.")
    assert Notification.objects.filter(user=world.union_rep, kind="decision").exists()
    assert any("facket@example.org" in m.to for m in mail.outbox)
    decision = case.decisions.get()
    objection = dec.objection_raise(actor=rep, decision=decision, reasons="Fel bedömning.")
    assert objection.status == "raised"
    # After the agreement's window, objections to the decision are refused with a reason.
    decision.decided_at = timezone.now() - timedelta(days=15)
    decision.save()
    with pytest.raises(DomainError) as exc:
        dec.objection_raise(actor=rep, decision=decision, reasons="För sent.")
    assert exc.value.code == "too_late"
    # An objection to how the agreement is applied is always possible.
    general = dec.objection_raise(actor=rep, reasons="Medlen når inte deltidsanställda.")
    assert general.case is None and general.subject_shown == "Tillämpningen av avtalet"
    assert general.subject == "" and general.subject_code == "decisions.objection_subject_agreement"
    with pytest.raises(PermissionDeniedError):
        dec.objection_raise(actor=world.actor(world.employee), reasons="x")


def test_applicant_participation_before_decision(world):
    set_agreement_rules(world.org, applicant_participation=True)
    coord, emp = world.actor(world.coordinator), world.actor(world.employee)
    case = in_review(world)
    with pytest.raises(DomainError) as exc:
        cs.case_transition(actor=coord, case=case, name="approve", reason="ok")
    assert exc.value.code == "applicant_participation_required"
    case = cs.case_transition(
        actor=coord, case=case, name="share_assessment", reason="Vi föreslår ett lägre belopp."
    )
    assert case.status == Status.AWAITING_APPLICANT
    with pytest.raises(PermissionDeniedError):
        cs.case_transition(actor=coord, case=case, name="applicant_respond", reason="x")
    case = cs.case_transition(actor=emp, case=case, name="applicant_respond", reason="Det går bra.")
    assert case.status == Status.IN_REVIEW
    case = cs.case_transition(actor=coord, case=case, name="approve", reason="ok")
    assert case.status == Status.APPROVED


def _project(w, title, amount):
    mt = MeasureType.objects.get(code="development_project")
    mgr = w.actor(w.manager)
    case = cs.case_create(
        actor=mgr,
        data=cs.CaseInput(
            title=title,
            kind="development_project",
            measure_type_ids=[mt.pk],
            purpose="develop",
            business_need="Digitalisering.",
            description="Projekt.",
            start_date=timezone.localdate(),
            end_date=timezone.localdate() + timedelta(days=90),
            participant_count=10,
        ),
    )
    cs.case_set_cost_lines(actor=mgr, case=case, lines=[cs.CostLineInput("other", amount)])
    return case


def test_application_round_assessed_side_by_side_and_decided_within_budget(world):
    coord, mgr, rep = (
        world.actor(world.coordinator),
        world.actor(world.manager),
        world.actor(world.union_rep),
    )
    rnd = dec.round_create(
        actor=coord,
        title="Utvecklingsprojekt 2026",
        call_text="Sök!",
        opens_on=timezone.localdate(),
        closes_on=timezone.localdate() + timedelta(days=30),
        budget_ore=100_000_00,
        period=world.period,
        criteria=[("Nytta", 5), ("Kostnad", 5)],
    )
    a, b = _project(world, "AI i handläggningen", 70_000_00), _project(world, "E-arkiv", 50_000_00)
    for case in (a, b):
        dec.round_join(actor=mgr, rnd=rnd, case=case)
        case.refresh_from_db()
        case = cs.case_transition(actor=mgr, case=case, name="submit")
        cs.case_transition(actor=coord, case=case, name="start_review")
    a.refresh_from_db()
    # A case in a round is decided with the round, not alone.
    with pytest.raises(DomainError):
        cs.case_transition(actor=coord, case=a, name="approve", reason="x")
    nytta, kostnad = rnd.criteria.all()
    dec.score_record(actor=coord, case=a, criterion=nytta, score=5)
    dec.score_record(actor=rep, case=a, criterion=nytta, score=3, comment="Bra men dyrt")
    dec.score_record(actor=coord, case=b, criterion=nytta, score=2)
    with pytest.raises(DomainError):
        dec.score_record(actor=coord, case=b, criterion=kostnad, score=9)
    # Blind until every assessor (no one named: coordinator, decision maker, union rep) has
    # scored everything: the coordinator sees only their own scores.
    blind = round_matrix(actor=coord, rnd=rnd)
    assert not blind.revealed and blind.assessors_done == 0
    row_a = next(r for r in blind.rows if r.case.pk == a.pk)
    assert row_a.cells[0].mine == 5 and row_a.cells[0].scores == []
    assert row_a.cells[0].mean is None and row_a.total is None
    dm = world.actor(world.decision_maker)
    for actor, scores in ((coord, (5, 4, 2, 2)), (rep, (3, 4, 3, 1)), (dm, (4, 4, 2, 3))):
        for case, crit, score in zip(
            (a, a, b, b), (nytta, kostnad, nytta, kostnad), scores, strict=True
        ):
            dec.score_record(actor=actor, case=case, criterion=crit, score=score)
    matrix = round_matrix(actor=rep, rnd=rnd)
    assert matrix.revealed and matrix.assessors_done == 3
    assert [r.case.pk for r in matrix.rows] == [a.pk, b.pk]
    assert matrix.rows[0].cells[0].mean == 4.0 and matrix.rows[0].cells[0].spread == 2
    assert matrix.rows[0].rank == 1 and matrix.rows[0].within_frame
    # 70 000 + 50 000 do not fit a 100 000 frame: the second is outside it.
    assert not matrix.rows[1].within_frame and matrix.within_frame_ore == 70_000_00
    # Over the budget frame: refused, nothing decided.
    with pytest.raises(DomainError):
        dec.round_decide(
            actor=coord,
            rnd=rnd,
            decisions=[
                dec.RoundDecision(a.pk, True, None, "ok"),
                dec.RoundDecision(b.pk, True, None, "ok"),
            ],
        )
    assert Case.objects.get(pk=b.pk).status == Status.IN_REVIEW
    dec.round_decide(
        actor=coord,
        rnd=rnd,
        decisions=[
            dec.RoundDecision(a.pk, True, 60_000_00, "Högst poäng"),
            dec.RoundDecision(b.pk, True, 40_000_00, "Ryms i ramen"),
        ],
    )
    assert {c.status for c in Case.objects.filter(round=rnd)} == {Status.APPROVED}
    assert fund_balance(period=world.period).committed == 100_000_00


def test_notification_preferences_and_reminders(world, django_capture_on_commit_callbacks):
    world.coordinator.email = "hr@example.org"
    world.coordinator.save()
    NotificationPreference.objects.create(user=world.coordinator, kind="status", email=False)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        case = make_case(world)  # submitted: coordinators are told
    assert Notification.objects.filter(user=world.coordinator, case=case).exists()
    assert not any("hr@example.org" in m.to for m in mail.outbox)
    # The case waits too long: one reminder, not two on the same day.
    Case.objects.filter(pk=case.pk).update(updated_at=timezone.now() - timedelta(days=11))
    with django_capture_on_commit_callbacks(execute=True):
        assert send_reminders() == 1
    assert send_reminders() == 0
    assert any("hr@example.org" in m.to for m in mail.outbox)  # reminders are still mailed
    from django.core.management import call_command

    call_command("send_reminders")  # enqueues the task (run immediately in tests)


def test_meeting_pages_over_http(joint):
    w = joint
    case = in_review(w)
    c = Client()
    c.force_login(w.coordinator)
    r = c.post(
        "/decisions/meetings/",
        {
            "title": "Möte",
            "starts_at": (timezone.localtime() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            "place": "Rum 1",
            "attendees": [w.union_rep.pk, w.rep2.pk],
        },
    )
    meeting = Meeting.objects.get(title="Möte")
    assert r.status_code == 302
    c.post(f"/decisions/meetings/{meeting.pk}/agenda/", {"case": case.pk})
    item = meeting.items.get()
    rep = Client()
    rep.force_login(w.union_rep)
    rep.post(
        f"/decisions/items/{item.pk}/position/",
        {"party": w.union.pk, "stance": "agree", "final": "on"},
    )
    # Trying to speak for another party over HTTP is refused.
    rep.post(
        f"/decisions/items/{item.pk}/position/",
        {"party": w.vision.pk, "stance": "disagree", "reason": "x", "final": "on"},
    )
    assert item.positions.count() == 1
    rep2 = Client()
    rep2.force_login(w.rep2)
    rep2.post(
        f"/decisions/items/{item.pk}/position/",
        {"party": w.vision.pk, "stance": "agree", "final": "on"},
    )
    c.post(f"/decisions/items/{item.pk}/position/", {"party": "", "stance": "agree", "final": "on"})
    r = c.post(
        f"/decisions/items/{item.pk}/decide/",
        {
            f"i{item.pk}-outcome": "approved",
            f"i{item.pk}-reason": "Enigt",
            f"i{item.pk}-amount": "",
        },
    )
    case.refresh_from_db()
    assert case.status == Status.APPROVED
    for adjuster in (c, rep, rep2):
        adjuster.post(f"/decisions/meetings/{meeting.pk}/sign/")
    meeting.refresh_from_db()
    assert meeting.is_signed and meeting.sealed_sha256
    r = c.get(f"/decisions/meetings/{meeting.pk}/minutes.pdf")
    assert r["Content-Type"] == "application/pdf"


def test_objection_form_errors_go_back_to_the_case_not_elsewhere(world):
    case = make_case(world)
    c = Client()
    c.force_login(world.union_rep)
    r = c.post(
        "/decisions/objections/new/",
        {"case": case.pk, "reasons": "", "back": "https://evil.example.org/"},
    )
    # Back to the case's own page with its error summary, never to the given address.
    assert r.status_code == 302
    assert r["Location"] == f"/cases/{case.pk}/?objection=missing#objection-errors"
    assert not Objection.objects.exists()
    # Another organisation's case id gives 404, and nothing is created.
    other = make_world("annan")
    r = c.post("/decisions/objections/new/", {"case": make_case(other).pk, "reasons": "x"})
    assert r.status_code == 404 and not Objection.objects.exists()
