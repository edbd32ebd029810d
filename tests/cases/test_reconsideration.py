"""Reconsideration (omprövning): asked by the applicant within the agreement's days of a
rejection or a lower amount, decided with reasons by a decider; money to the öre; every
document registered."""

from datetime import datetime, time, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lom.agreements.models import DecisionModel
from lom.cases import services
from lom.cases.models import Case, Decision, Reconsideration, Status
from lom.common.errors import ConflictError, DomainError, PermissionDeniedError
from lom.common.models import AuditEvent, Notification
from lom.diarium.models import DocumentKind, RegisteredDocument, Secrecy
from lom.funds.models import EntryKind, LedgerEntry
from lom.funds.selectors import fund_balance
from tests.cases.test_api import JSON, bearer
from tests.factories import approve, make_case, make_world

REQUESTED = 20_000_00


def _reject(w, case: Case) -> Case:
    coord = w.actor(w.coordinator)
    case = services.case_transition(actor=coord, case=case, name="start_review")
    return services.case_transition(actor=coord, case=case, name="reject", reason="Ordinarie.")


def _decided_days_ago(case: Case, days: int) -> None:
    """Move the decision `days` days back (at noon, local time)."""
    day = timezone.localdate() - timedelta(days=days)
    at = timezone.make_aware(datetime.combine(day, time(12, 0)))
    Case.objects.filter(pk=case.pk).update(decided_at=at)
    case.refresh_from_db()


def _ask(w, case: Case, user=None) -> Case:
    return services.case_transition(
        actor=w.actor(user or w.employee),
        case=case,
        name="request_reconsideration",
        reason="Kursen behövs för den nya rollen; se bilagan.",
    )


def _state(case: Case) -> tuple:
    case.refresh_from_db()
    return (
        case.status,
        case.approved_ore,
        Reconsideration.objects.filter(case=case).count(),
        LedgerEntry.objects.filter(case_id=case.pk).count(),
        RegisteredDocument.objects.filter(case_id=case.pk).count(),
        AuditEvent.objects.filter(case=case).count(),
    )


def test_every_application_and_decision_is_registered(world):
    case = make_case(world)
    case = approve(world, case, amount_ore=15_000_00)
    docs = list(RegisteredDocument.objects.filter(case_id=case.pk).order_by("sequence"))
    assert [d.kind for d in docs] == [
        DocumentKind.APPLICATION,
        DocumentKind.DECISION,
        DocumentKind.DECISION_LETTER,
    ]
    app, decision, _letter = docs
    assert (app.direction, app.secrecy, app.party) == ("incoming", Secrecy.REVIEW, "Eva Ek")
    assert app.case_number == case.number and app.title == case.title
    assert app.target_type == "cases.case" and app.target_id == case.pk
    assert decision.direction == "internal" and decision.secrecy == Secrecy.REVIEW
    assert decision.target_type == "cases.decision"
    assert decision.target_id == case.decisions.get().pk
    year = timezone.localdate().year
    # The series continues after the documents registered before (the agreement's version 1).
    assert decision.sequence == app.sequence + 1
    assert (app.number, decision.number) == (
        f"LOM {year}/{app.sequence}",
        f"LOM {year}/{app.sequence + 1}",
    )


def test_a_rejection_is_reconsidered_on_request_and_registered(world):
    case = _reject(world, make_case(world))
    case = _ask(world, case)
    assert case.status == Status.RECONSIDERATION
    rec = case.reconsideration
    assert rec.previous_status == Status.REJECTED and rec.requested_by == world.employee
    assert rec.previous_decision == case.decisions.get()
    assert rec.last_day == timezone.localdate() + timedelta(days=21)
    doc = RegisteredDocument.objects.get(case_id=case.pk, kind=DocumentKind.RECONSIDERATION)
    assert (doc.direction, doc.secrecy, doc.party) == ("incoming", Secrecy.REVIEW, "Eva Ek")
    assert doc.target_type == "cases.reconsideration" and doc.target_id == rec.pk
    # The deciders hear of it.
    assert Notification.objects.filter(user=world.coordinator, case=case).exists()
    assert Notification.objects.filter(user=world.decision_maker, case=case).exists()


def test_the_deadline_counts_the_agreements_days_from_the_decision(world):
    # Decided 21 days ago with 21 days in the agreement: today is the last day.
    on_time = _reject(world, make_case(world))
    _decided_days_ago(on_time, 21)
    assert _ask(world, on_time).status == Status.RECONSIDERATION
    # Decided 22 days ago: the last day was yesterday, and the message names it.
    late = _reject(world, make_case(world))
    _decided_days_ago(late, 22)
    before = _state(late)
    with pytest.raises(DomainError) as exc:
        _ask(world, late)
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    assert exc.value.code == "deadline"
    assert yesterday in str(exc.value.message) and "21 dagar" in str(exc.value.message)
    assert _state(late) == before
    # The API refuses it the same way.
    r = Client().post(
        f"/api/v1/cases/{late.pk}/transitions",
        {"name": "request_reconsideration", "reason": "Sent men viktigt."},
        content_type=JSON,
        **bearer(world.employee),
    )
    assert r.status_code == 400 and yesterday in r.json()["detail"]
    assert _state(late) == before


def test_only_a_lower_amount_than_asked_for_may_be_reconsidered(world):
    full = approve(world, make_case(world))
    before = _state(full)
    with pytest.raises(DomainError) as exc:
        _ask(world, full)
    assert "Hela det sökta beloppet är beviljat" in str(exc.value.message)
    assert _state(full) == before
    lower = approve(world, make_case(world), amount_ore=REQUESTED - 1)
    assert _ask(world, lower).status == Status.RECONSIDERATION


@pytest.mark.parametrize("role", ["coordinator", "decision_maker", "union_rep", "manager"])
def test_only_the_applicant_may_ask(world, role):
    case = _reject(world, make_case(world))
    before = _state(case)
    with pytest.raises(PermissionDeniedError):
        _ask(world, case, world.users[role])
    r = Client().post(
        f"/api/v1/cases/{case.pk}/transitions",
        {"name": "request_reconsideration", "reason": "Jag vill."},
        content_type=JSON,
        **bearer(world.users[role]),
    )
    assert r.status_code == 403
    assert _state(case) == before


def test_a_decision_is_reconsidered_once(world):
    case = _ask(world, _reject(world, make_case(world)))
    coord = world.actor(world.coordinator)
    case = services.case_transition(
        actor=coord, case=case, name="reconsider_reject", reason="Beslutet står fast."
    )
    before = _state(case)
    with pytest.raises(ConflictError):
        _ask(world, case)
    assert _state(case) == before


@pytest.mark.parametrize("role", ["employee", "union_rep", "manager", "auditor", "admin"])
def test_only_deciders_decide_a_reconsideration(world, role):
    case = _ask(world, _reject(world, make_case(world)))
    before = _state(case)
    for name in ("reconsider_approve", "reconsider_reject"):
        with pytest.raises(PermissionDeniedError):
            services.case_transition(
                actor=world.actor(world.users[role]), case=case, name=name, reason="Ja."
            )
        r = Client().post(
            f"/api/v1/cases/{case.pk}/transitions",
            {"name": name, "reason": "Ja."},
            content_type=JSON,
            **bearer(world.users[role]),
        )
        assert r.status_code == 403
    assert _state(case) == before


def test_raising_the_amount_commits_exactly_the_difference(world):
    case = approve(world, make_case(world), amount_ore=15_000_00)
    case = _ask(world, case)
    dm = world.actor(world.decision_maker)
    case = services.case_transition(
        actor=dm,
        case=case,
        name="reconsider_approve",
        amount_ore=18_500_50,
        reason="Resorna ingår i behovet.",
    )
    assert case.status == Status.APPROVED and case.approved_ore == 18_500_50
    commitments = list(
        LedgerEntry.objects.filter(case_id=case.pk, kind=EntryKind.COMMITMENT)
        .order_by("id")
        .values_list("amount_ore", flat=True)
    )
    # 18 500,50 kr − 15 000,00 kr = 3 500,50 kr, booked in the same period.
    assert commitments == [15_000_00, 3_500_50]
    b = fund_balance(period=world.period)
    assert b.committed == 18_500_50
    assert b.remaining == 1_000_000_00 - 18_500_50 == 981_499_50
    rec = Reconsideration.objects.get(case=case)
    assert rec.outcome == Reconsideration.Outcome.CHANGED and rec.decided_by == world.decision_maker
    new = case.decisions.order_by("-id").first()
    assert new.kind == Decision.Kind.RECONSIDERATION and new.amount_ore == 18_500_50
    assert rec.decision == new
    doc = RegisteredDocument.objects.filter(case_id=case.pk, kind=DocumentKind.DECISION)
    assert {d.target_id for d in doc} == {d.pk for d in case.decisions.all()}
    # The unions hear of the new decision.
    assert Notification.objects.filter(user=world.union_rep, case=case, kind="decision").exists()


def test_a_raise_that_does_not_raise_is_refused_and_changes_nothing(world):
    case = _ask(world, approve(world, make_case(world), amount_ore=15_000_00))
    coord = world.actor(world.coordinator)
    before = _state(case)
    for amount, field in ((15_000_00, "amount"), (14_000_00, "amount"), (REQUESTED + 1, "amount")):
        with pytest.raises(DomainError) as exc:
            services.case_transition(
                actor=coord, case=case, name="reconsider_approve", amount_ore=amount, reason="Ja."
            )
        assert exc.value.field == field
    assert _state(case) == before


def test_approving_a_rejection_commits_the_whole_amount(world):
    case = _ask(world, _reject(world, make_case(world)))
    coord = world.actor(world.coordinator)
    case = services.case_transition(
        actor=coord, case=case, name="reconsider_approve", reason="Nya uppgifter."
    )
    assert case.status == Status.APPROVED and case.approved_ore == REQUESTED
    assert case.period == world.period
    assert fund_balance(period=world.period).committed == REQUESTED


def test_upholding_returns_to_the_previous_decision_without_money(world):
    case = _ask(world, approve(world, make_case(world), amount_ore=12_345_67))
    entries = LedgerEntry.objects.filter(case_id=case.pk).count()
    coord = world.actor(world.coordinator)
    with pytest.raises(DomainError):  # reasons are required
        services.case_transition(actor=coord, case=case, name="reconsider_reject", reason=" ")
    case = services.case_transition(
        actor=coord, case=case, name="reconsider_reject", reason="Taket gäller."
    )
    assert case.status == Status.APPROVED and case.approved_ore == 12_345_67
    assert LedgerEntry.objects.filter(case_id=case.pk).count() == entries
    new = case.decisions.order_by("-id").first()
    assert (new.kind, new.outcome, new.amount_ore) == ("reconsideration", "approved", 12_345_67)
    assert case.reconsideration.outcome == Reconsideration.Outcome.UPHELD


def test_under_the_joint_model_a_decider_decides_without_a_meeting(db):
    w = make_world("gemensam", decision_model=DecisionModel.JOINT)
    case = make_case(w)
    # The parties rejected it in a meeting.
    Decision.objects.create(
        case=case,
        outcome="rejected",
        reasoning="Avslag.",
        decision_model="joint",
        decided_by=w.coordinator,
    )
    Case.objects.filter(pk=case.pk).update(status=Status.REJECTED, decided_at=timezone.now())
    case.refresh_from_db()
    case = _ask(w, case)
    case = services.case_transition(
        actor=w.actor(w.coordinator), case=case, name="reconsider_approve", reason="Ändrat."
    )
    assert case.status == Status.APPROVED
    assert Notification.objects.filter(user=w.union_rep, case=case, kind="decision").exists()


def test_the_applicant_asks_on_the_case_page_and_sees_the_last_day(world):
    case = _reject(world, make_case(world))
    c = Client()
    c.force_login(world.employee)
    page = c.get(reverse("cases:detail", args=[case.pk])).content.decode()
    last = (timezone.localdate() + timedelta(days=21)).isoformat()
    assert "Begär omprövning" in page and last in page
    # Empty reasons: refused on the form, nothing changes.
    url = reverse("cases:transition", args=[case.pk, "request_reconsideration"])
    r = c.post(url, {"reason": ""})
    assert r.status_code == 400 and "error-summary" in r.content.decode()
    assert _state(case)[0] == Status.REJECTED
    r = c.post(url, {"reason": "Kursen behövs."})
    assert r.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.RECONSIDERATION
    # The decider's form shows the reasons and decides.
    d = Client()
    d.force_login(world.coordinator)
    form = d.get(reverse("cases:transition", args=[case.pk, "reconsider_approve"]))
    assert "Kursen behövs." in form.content.decode()
    r = d.post(
        reverse("cases:transition", args=[case.pk, "reconsider_approve"]),
        {"reason": "Beviljas.", "amount": "150,25", "period": ""},
    )
    assert r.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.approved_ore) == (Status.APPROVED, 150_25)


def test_a_late_request_over_http_names_the_last_day_and_changes_nothing(world):
    case = _reject(world, make_case(world))
    _decided_days_ago(case, 30)
    c = Client()
    c.force_login(world.employee)
    last = (timezone.localdate() - timedelta(days=9)).isoformat()
    page = c.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "gick ut " + last in page and 'name="reason"' not in page.split("omprovning")[1][:600]
    before = _state(case)
    r = c.post(
        reverse("cases:transition", args=[case.pk, "request_reconsideration"]),
        {"reason": "Sent."},
    )
    assert r.status_code == 400 and last in r.content.decode()
    assert _state(case) == before


def test_the_api_offers_the_step_only_while_allowed_and_shows_the_request(world):
    case = _reject(world, make_case(world))
    c, emp = Client(), bearer(world.employee)
    body = c.get(f"/api/v1/cases/{case.pk}", **emp).json()
    assert "request_reconsideration" in body["allowed_transitions"]
    assert (
        body["reconsideration_last_day"] == (timezone.localdate() + timedelta(days=21)).isoformat()
    )
    r = c.post(
        f"/api/v1/cases/{case.pk}/transitions",
        {"name": "request_reconsideration", "reason": "Skäl."},
        content_type=JSON,
        **emp,
    )
    assert r.status_code == 200 and r.json()["status"] == "reconsideration"
    assert (
        r.json()["reconsideration"]["reasons"] == "Skäl."
        and r.json()["reconsideration"]["outcome"] == ""
    )
    r = c.post(
        f"/api/v1/cases/{case.pk}/transitions",
        {"name": "reconsider_approve", "reason": "Ja.", "amount_ore": 10_000_00},
        content_type=JSON,
        **bearer(world.coordinator),
    )
    assert r.status_code == 200 and r.json()["approved_ore"] == 10_000_00
    body = c.get(f"/api/v1/cases/{case.pk}", **emp).json()
    assert "request_reconsideration" not in body["allowed_transitions"]
    assert body["reconsideration"]["outcome"] == "changed"
