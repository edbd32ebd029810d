"""Objections with a deadline: the employer's answer is due on the day the agreement sets (the
case's own rules when it concerns a case), reminders go out before and on the day (once each),
an unanswered objection past its day is flagged on the coordinator's home page and in the annual
report; the objection and the answer are registered in the diarium."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from lom.agreements.models import AgreementVersion, LocalAgreement
from lom.agreements.rules import AgreementRules
from lom.cases import services as cs
from lom.common.models import Notification
from lom.decisions import services as dec
from lom.decisions.models import Objection
from lom.decisions.reminders import send_objection_reminders
from lom.decisions.services.objections import answer_due_on
from lom.diarium.models import RegisteredDocument
from lom.operations.schedule import job_named
from lom.reports.figures import annual_figures
from tests.decisions.api_helpers import Api, in_review
from tests.factories import make_world, set_agreement_rules, signed_in


@pytest.fixture
def w(db):
    world = make_world("frister")
    set_agreement_rules(world.org, objection_answer_days=10)
    return world


def _rejected(w):
    case = cs.case_transition(
        actor=w.actor(w.coordinator), case=in_review(w), name="reject", reason="Ordinarie."
    )
    return case, case.decisions.get()


def _rules(days: int) -> AgreementRules:
    return AgreementRules(
        agreement_id=1, version_id=None, version_number=None, objection_answer_days=days
    )


def test_answer_due_is_the_day_raised_plus_the_agreements_days():
    # Hand-computed: 25 December 2026 + 10 days = 4 January 2027; + 14 = 8 January 2027.
    assert answer_due_on(rules=_rules(10), raised_on=date(2026, 12, 25)) == date(2027, 1, 4)
    assert answer_due_on(rules=_rules(14), raised_on=date(2026, 12, 25)) == date(2027, 1, 8)
    # 28 February 2028 (a leap year) + 1 day = 29 February.
    assert answer_due_on(rules=_rules(1), raised_on=date(2028, 2, 28)) == date(2028, 2, 29)
    # Without an agreement: 14 days.
    assert answer_due_on(rules=None, raised_on=date(2026, 3, 1)) == date(2026, 3, 15)


def test_raising_sets_the_due_day_and_registers_both_documents(w):
    today = timezone.localdate()
    case, decision = _rejected(w)
    rep, coord = w.actor(w.union_rep), w.actor(w.coordinator)
    objection = dec.objection_raise(actor=rep, decision=decision, reasons="Fel bedömning.")
    assert objection.answer_due == today + timedelta(days=10)
    doc = RegisteredDocument.objects.get(target_id=objection.pk, kind="objection")
    assert (doc.direction, doc.party, doc.case_number) == ("incoming", "Saco-S", case.number)
    assert doc.secrecy == "review" and doc.year == today.year
    assert str(today.year) in doc.number

    dec.objection_answer(actor=coord, objection=objection, answer="Vi står fast.")
    answer = RegisteredDocument.objects.get(target_id=objection.pk, kind="objection_answer")
    assert (answer.direction, answer.party) == ("outgoing", "Saco-S")
    assert answer.sequence == doc.sequence + 1

    # How the agreement is applied (no case): the rules in force, a public document.
    set_agreement_rules(w.org, objection_answer_days=5)
    general = dec.objection_raise(actor=rep, reasons="Medlen når inte deltidsanställda.")
    assert general.answer_due == today + timedelta(days=5)
    assert RegisteredDocument.objects.get(target_id=general.pk, kind="objection").secrecy == (
        "public"
    )


def test_a_case_reads_the_days_of_the_version_it_was_submitted_under(w):
    case, decision = _rejected(w)
    agreement = LocalAgreement.objects.get(organisation=w.org)
    version = AgreementVersion.objects.create(
        agreement=agreement,
        number=agreement.versions.count() + 1,
        status=AgreementVersion.Status.IN_FORCE,
        effective_from=date(2020, 1, 1),
        rules={"objection_answer_days": 7, "objection_days": 30},
    )
    case.agreement_version = version
    case.save(update_fields=["agreement_version"])
    objection = dec.objection_raise(
        actor=w.actor(w.union_rep), decision=decision, reasons="Fel bedömning."
    )
    # The version's 7 days, not the 10 of the version in force now.
    assert objection.answer_due == timezone.localdate() + timedelta(days=7)


def test_reminders_three_days_before_and_on_the_day_once_each(w):
    _case, decision = _rejected(w)
    objection = dec.objection_raise(
        actor=w.actor(w.union_rep), decision=decision, reasons="Fel bedömning."
    )
    raised = timezone.now()

    def reminded() -> list[tuple[int, str]]:
        return sorted(Notification.objects.filter(kind="reminder").values_list("user_id", "url"))

    assert send_objection_reminders(now=raised) == 0  # ten days left
    assert send_objection_reminders(now=raised + timedelta(days=6)) == 0  # four days left
    assert send_objection_reminders(now=raised + timedelta(days=7)) == 1  # three days left
    soon = f"/decisions/objections/{objection.pk}/#soon"
    assert reminded() == sorted([(w.coordinator.pk, soon), (w.decision_maker.pk, soon)])
    assert send_objection_reminders(now=raised + timedelta(days=7)) == 0  # again: nothing
    assert send_objection_reminders(now=raised + timedelta(days=8)) == 0
    assert send_objection_reminders(now=raised + timedelta(days=10)) == 1  # the day
    assert send_objection_reminders(now=raised + timedelta(days=10)) == 0
    assert send_objection_reminders(now=raised + timedelta(days=11)) == 0
    assert len(reminded()) == 4
    assert all(user != w.union_rep.pk for user, _url in reminded())
    # An answered objection is not reminded of.
    other = dec.objection_raise(actor=w.actor(w.union_rep), reasons="Tillämpningen.")
    dec.objection_answer(actor=w.actor(w.coordinator), objection=other, answer="Svar.")
    assert send_objection_reminders(now=raised + timedelta(days=10)) == 0
    assert job_named("objection_reminders").what.endswith("send_objection_reminders_task")


def test_an_unanswered_objection_past_its_day_is_flagged(w):
    today = timezone.localdate()
    _case, decision = _rejected(w)
    rep = w.actor(w.union_rep)
    late = dec.objection_raise(actor=rep, decision=decision, reasons="Fel bedömning.")
    answered_late = dec.objection_raise(actor=rep, reasons="Tillämpningen av avtalet.")
    on_time = dec.objection_raise(actor=rep, reasons="Något annat.", subject="I tid")
    Objection.objects.filter(pk__in=[late.pk, answered_late.pk]).update(
        answer_due=today - timedelta(days=2)
    )
    # The coordinator's home page flags it; the union representative's does not.
    home = signed_in(w.coordinator).get("/").content.decode()
    assert "Invändningar som inte besvarats i tid" in home and late.subject_shown in home
    assert "I tid" not in home
    assert "Invändningar som inte besvarats i tid" not in (
        signed_in(w.union_rep).get("/").content.decode()
    )
    # The objection page shows the due day.
    page = signed_in(w.coordinator).get(f"/decisions/objections/{late.pk}/").content.decode()
    assert (today - timedelta(days=2)).isoformat() in page and "Försenat svar" in page
    # So does the case page.
    case_page = signed_in(w.coordinator).get(f"/cases/{late.case_id}/").content.decode()
    assert "Försenat svar" in case_page
    # The API: answer_due and overdue on every objection, and a filter.
    r = Api(w.coordinator).get("/objections", overdue="true")
    assert r.status_code == 200
    ids = {o["id"] for o in r.json()["items"]}
    assert late.pk in ids and on_time.pk not in ids
    one = Api(w.coordinator).get(f"/objections/{on_time.pk}").json()
    assert one["answer_due"] == (today + timedelta(days=10)).isoformat()
    assert one["overdue"] is False

    # Answered after the day: no longer flagged, but counted late in the annual report.
    dec.objection_answer(actor=w.actor(w.coordinator), objection=answered_late, answer="Svar.")
    home = signed_in(w.coordinator).get("/").content.decode()
    assert answered_late.subject_shown not in home
    fig = annual_figures(organisation=w.org, year=today.year, today=today)
    rows = {r[3]: r for r in fig.late_objections.rows}
    assert set(rows) == {late.subject_shown, answered_late.subject_shown}
    assert rows[late.subject_shown][5] is None and rows[late.subject_shown][6] == "Obesvarad"
    assert rows[answered_late.subject_shown][5] == today
    assert rows[answered_late.subject_shown][6] == "Besvarad för sent"
    keys = {r[0]: r[1] for r in fig.key_figures.rows}
    assert keys["Invändningar besvarade för sent eller inte alls"] == 2
    assert fig.late_objections in fig.tables()
