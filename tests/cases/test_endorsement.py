"""Manager endorsement (tillstyrkan) is the endorsing manager's own act: picking a manager on the
form, or being a manager, never endorses."""

from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse

from lom.agreements.models import MeasureType
from lom.cases import services
from lom.cases.models import ApplicationKind, Case, CostLine, Purpose, Status
from lom.cases.permissions import can_take
from lom.cases.rules import rules_for_case
from lom.cases.selectors import completeness_checklist
from lom.common.errors import DomainError, PermissionDeniedError
from lom.common.models import AuditEvent, Notification
from lom.organisations.models import Role
from lom.organisations.services import membership_grant
from tests.cases.test_api import JSON, bearer
from tests.factories import UserFactory, make_case, make_world


def _with_manager_case(w, co_manager, *, submit: bool = True) -> Case:
    """The issue's reproduction: "employee and manager together" with a manager picked."""
    actor = w.actor(w.employee)
    mt = MeasureType.objects.get(code="competence_development")
    case = services.case_create(
        actor=actor,
        data=services.CaseInput(
            title="Kurs i ledarskap",
            kind=ApplicationKind.WITH_MANAGER,
            co_applicant_manager_id=co_manager.pk,
            measure_type_ids=[mt.pk],
            purpose=Purpose.PREVENT,
            business_need="Nya arbetssätt.",
            description="Kurs på distans.",
            start_date=date.today(),
            end_date=date.today() + timedelta(days=30),
        ),
        cost_lines=[services.CostLineInput(kind=CostLine.Kind.COURSE_FEE, amount_ore=10_000_00)],
    )
    if submit:
        case = services.case_transition(actor=actor, case=case, name="submit")
    case.refresh_from_db()
    return case


def _second_manager(w, slug: str, unit):
    user = UserFactory(username=f"{w.org.slug}-{slug}")
    membership_grant(actor=None, organisation=w.org, user=user, role=Role.MANAGER, unit=unit)
    return user


def _endorsement_item(case: Case) -> bool:
    rules = rules_for_case(case)
    assert rules is not None
    items = dict(completeness_checklist(case=case, agreement=rules, attachment_count=0))
    return items["Tillstyrkt av chef"]


@pytest.fixture
def endo(db):
    return make_world("endo", endorsement=True)


def test_picking_a_manager_sends_the_case_to_that_manager_and_ticks_nothing(endo):
    w = endo
    case = _with_manager_case(w, w.manager)
    assert case.status == Status.AWAITING_ENDORSEMENT and case.endorsed_by_id is None
    assert _endorsement_item(case) is False
    # The notification goes to the named manager.
    assert Notification.objects.filter(user=w.manager, case=case).exists()
    # Not the coordinator's queue yet.
    assert not can_take(w.actor(w.coordinator), case, "start_review")
    case = services.case_transition(actor=w.actor(w.manager), case=case, name="endorse")
    assert case.status == Status.SUBMITTED and case.endorsed_by == w.manager
    assert _endorsement_item(case) is True


def test_another_manager_cannot_endorse_a_case_naming_a_co_applicant(endo):
    w = endo
    other = _second_manager(w, "chef2", w.unit_a)
    case = _with_manager_case(w, w.manager)
    events = AuditEvent.objects.filter(case=case).count()
    verdict = can_take(w.actor(other), case, "endorse")
    assert not verdict and str(w.manager) in verdict.reason
    with pytest.raises(PermissionDeniedError):
        services.case_transition(actor=w.actor(other), case=case, name="endorse")
    # Over HTTP and the API too, and nothing changes.
    c = Client()
    c.force_login(other)
    c.post(reverse("cases:transition", args=[case.pk, "endorse"]))
    r = Client().post(
        f"/api/v1/cases/{case.pk}/transitions",
        {"name": "endorse"},
        content_type=JSON,
        **bearer(other),
    )
    assert r.status_code == 403 and "medsökande chef" in r.json()["detail"]
    case.refresh_from_db()
    assert case.status == Status.AWAITING_ENDORSEMENT and case.endorsed_by_id is None
    assert AuditEvent.objects.filter(case=case).count() == events
    assert not Notification.objects.filter(user=other, case=case).exists()


def test_the_applicant_cannot_endorse_and_submitting_does_not_endorse(endo):
    w = endo
    case = _with_manager_case(w, w.manager)
    with pytest.raises(PermissionDeniedError):
        services.case_transition(actor=w.actor(w.employee), case=case, name="endorse")
    case.refresh_from_db()
    assert case.endorsed_by_id is None


def test_a_co_applicant_manager_confirms_even_when_the_agreement_does_not_require_it(world):
    case = _with_manager_case(world, world.manager)
    assert case.status == Status.AWAITING_ENDORSEMENT
    case = services.case_transition(actor=world.actor(world.manager), case=case, name="endorse")
    assert case.status == Status.SUBMITTED and case.endorsed_by == world.manager


def test_the_named_manager_may_send_the_case_back_and_it_is_endorsed_again(endo):
    w = endo
    case = _with_manager_case(w, w.manager)
    mgr = w.actor(w.manager)
    case = services.case_transition(actor=mgr, case=case, name="endorse")
    coord = w.actor(w.coordinator)
    case = services.case_transition(actor=coord, case=case, name="return", reason="Komplettera.")
    case = services.case_transition(actor=w.actor(w.employee), case=case, name="submit")
    assert case.status == Status.AWAITING_ENDORSEMENT and case.endorsed_by_id is None
    case = services.case_transition(actor=mgr, case=case, name="manager_return", reason="Nej.")
    assert case.status == Status.RETURNED


def test_a_manager_cannot_be_co_applicant_in_their_own_application(endo):
    w = endo
    top = _second_manager(w, "toppchef", w.top)
    mt = MeasureType.objects.get(code="competence_development")
    with pytest.raises(DomainError) as exc:
        services.case_create(
            actor=w.actor(w.manager),
            data=services.CaseInput(
                title="Min egen kurs",
                kind=ApplicationKind.WITH_MANAGER,
                applicant_id=w.manager_rec.pk,
                co_applicant_manager_id=w.manager.pk,
                measure_type_ids=[mt.pk],
            ),
        )
    assert exc.value.field == "co_applicant_manager"
    assert top is not None


def test_a_managers_own_application_goes_to_the_next_manager_up(endo):
    w = endo
    top = _second_manager(w, "toppchef", w.top)
    case = make_case(w, w.manager)  # the unit's manager applies for themselves
    assert case.status == Status.AWAITING_ENDORSEMENT and case.endorsed_by_id is None
    assert not can_take(w.actor(w.manager), case, "endorse")
    assert Notification.objects.filter(user=top, case=case).exists()
    case = services.case_transition(actor=w.actor(top), case=case, name="endorse")
    assert case.status == Status.SUBMITTED and case.endorsed_by == top


def test_without_a_manager_above_the_coordinator_endorses_a_managers_own_application(endo):
    w = endo
    case = make_case(w, w.manager)
    assert case.status == Status.AWAITING_ENDORSEMENT
    assert Notification.objects.filter(user=w.coordinator, case=case).exists()
    assert not can_take(w.actor(w.manager), case, "endorse")
    case = services.case_transition(actor=w.actor(w.coordinator), case=case, name="endorse")
    assert case.endorsed_by == w.coordinator


def test_the_coordinator_does_not_endorse_where_a_manager_can(endo):
    case = make_case(endo)  # the employee's case: the unit's manager endorses
    assert not can_take(endo.actor(endo.coordinator), case, "endorse")
