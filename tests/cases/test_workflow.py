import pytest
from django.utils import timezone

from lom.cases import services
from lom.cases.models import Case, Status
from lom.cases.permissions import can_take, can_view_case
from lom.cases.selectors import CaseFilter, case_list
from lom.cases.workflow import TRANSITIONS
from lom.common.errors import DomainError, PermissionDeniedError
from lom.common.models import AuditEvent
from lom.funds.selectors import fund_balance
from tests.factories import approve, make_case, make_world


def test_submission_gives_a_case_number_per_organisation_and_year(world, other_world):
    year = timezone.localdate().year
    a1 = make_case(world)
    a2 = make_case(world)
    b1 = make_case(other_world)
    assert (a1.number, a2.number, b1.number) == (f"{year}-0001", f"{year}-0002", f"{year}-0001")
    draft = make_case(world, submit=False)
    assert draft.number == ""


def test_incomplete_application_cannot_be_submitted(world):
    actor = world.actor(world.employee)
    case = services.case_create(actor=actor, data=services.CaseInput(title="Halvfärdig"))
    with pytest.raises(DomainError) as exc:
        services.case_transition(actor=actor, case=case, name="submit")
    assert exc.value.code == "incomplete"
    assert "kostnadsrad" in str(exc.value.message)
    case.refresh_from_db()
    assert case.status == Status.DRAFT


# Who may take each transition, from the state where it applies (HR-decides agreement).
MATRIX = {
    "start_review": {"coordinator"},
    "return": {"coordinator"},
    "approve": {"coordinator", "decision_maker"},
    "reject": {"coordinator", "decision_maker"},
    "withdraw": {"employee"},
}
SOURCE = {
    "start_review": Status.SUBMITTED,
    "return": Status.IN_REVIEW,
    "approve": Status.IN_REVIEW,
    "reject": Status.IN_REVIEW,
    "withdraw": Status.IN_REVIEW,
}


@pytest.mark.parametrize("name", sorted(MATRIX))
@pytest.mark.parametrize(
    "role",
    ["employee", "manager", "coordinator", "union_rep", "decision_maker", "auditor", "admin"],
)
def test_transition_permission_matrix(world, name, role):
    case = make_case(world)
    Case.objects.filter(pk=case.pk).update(status=SOURCE[name])
    case.refresh_from_db()
    actor = world.actor(world.users[role])
    allowed = bool(can_take(actor, case, name))
    assert allowed == (role in MATRIX[name])
    if not allowed:
        # Enforced on the server, not just hidden: the service refuses too.
        with pytest.raises(PermissionDeniedError):
            services.case_transition(actor=actor, case=case, name=name, reason="x", amount_ore=1)
        case.refresh_from_db()
        assert case.status == SOURCE[name]


def test_a_transition_is_refused_from_the_wrong_state(world):
    case = make_case(world)  # submitted
    verdict = can_take(world.actor(world.coordinator), case, "approve")
    assert not verdict and "Inskickad" in verdict.reason


def test_every_transition_is_written_to_the_audit_trail(world):
    case = approve(world, make_case(world))
    actions = list(
        AuditEvent.objects.filter(case=case)
        .order_by("id")
        .values_list("action", "before__status", "after__status")
    )
    assert ("case.submit", "draft", "submitted") in actions
    assert ("case.start_review", "submitted", "in_review") in actions
    assert ("case.approve", "in_review", "approved") in actions
    assert any(a[0] == "ledger.commitment" for a in actions)


def test_approval_cannot_take_remaining_below_zero(db):
    w = make_world("liten", allocation_ore=50_000_00)
    first = approve(w, make_case(w, amount_ore=40_000_00))
    assert first.status == Status.APPROVED
    second = make_case(w, amount_ore=20_000_00)
    with pytest.raises(DomainError) as exc:
        approve(w, second)
    assert exc.value.code == "insufficient_funds"
    assert "10" in str(exc.value.message)  # tells how much is left
    assert fund_balance(period=w.period).remaining == 10_000_00
    # A lower amount that fits is fine.
    second.refresh_from_db()
    assert approve(w, second, amount_ore=10_000_00).status == Status.APPROVED
    assert fund_balance(period=w.period).remaining == 0


def test_approved_amount_may_be_lower_but_not_higher(world):
    case = make_case(world, amount_ore=20_000_00)
    with pytest.raises(DomainError):
        approve(world, case, amount_ore=25_000_00)
    case.refresh_from_db()
    assert approve(world, case, amount_ore=15_000_00).approved_ore == 15_000_00


def test_decision_needs_a_reason_the_applicant_sees(world):
    case = make_case(world)
    coord = world.actor(world.coordinator)
    case = services.case_transition(actor=coord, case=case, name="start_review")
    with pytest.raises(DomainError) as exc:
        services.case_transition(actor=coord, case=case, name="reject", reason="  ")
    assert exc.value.field == "reason"


def test_withdrawal_after_approval_releases_the_commitment(world):
    case = approve(world, make_case(world, amount_ore=70_000_00))
    assert fund_balance(period=world.period).committed == 70_000_00
    services.case_transition(actor=world.actor(world.employee), case=case, name="withdraw")
    b = fund_balance(period=world.period)
    assert (b.committed, b.remaining) == (0, 1_000_000_00)


def test_expense_cannot_exceed_the_approved_amount(world):
    case = approve(world, make_case(world, amount_ore=10_000_00))
    coord = world.actor(world.coordinator)
    services.case_record_expense(actor=coord, case=case, amount_ore=6_000_00)
    with pytest.raises(DomainError):
        services.case_record_expense(actor=coord, case=case, amount_ore=5_000_00)
    assert fund_balance(period=world.period).spent == 6_000_00


def test_caps_from_the_agreement_are_enforced(db):
    w = make_world("tak", cap_per_application_ore=30_000_00, cap_per_person_ore=40_000_00)
    with pytest.raises(DomainError) as exc:
        make_case(w, amount_ore=35_000_00)
    assert "tak per ansökan" in str(exc.value.message)
    approve(w, make_case(w, amount_ore=25_000_00))
    # The same person again: 25 000 + 20 000 is over the per-person cap.
    with pytest.raises(DomainError) as exc:
        make_case(w, amount_ore=20_000_00)
    assert "tak per person" in str(exc.value.message)


def test_manager_endorsement_when_the_agreement_requires_it(db):
    w = make_world("chef", endorsement=True)
    case = make_case(w)
    assert case.status == Status.AWAITING_ENDORSEMENT
    coord = w.actor(w.coordinator)
    assert not can_take(coord, case, "start_review")
    # A manager of another unit may not endorse; the unit's manager may.
    case = services.case_transition(actor=w.actor(w.manager), case=case, name="endorse")
    assert case.status == Status.SUBMITTED and case.endorsed_by == w.manager


def test_manager_applies_for_an_employee_of_own_unit_only(world):
    from lom.agreements.models import MeasureType

    mgr = world.actor(world.manager)
    mt = MeasureType.objects.first()
    case = services.case_create(
        actor=mgr,
        data=services.CaseInput(
            title="För Eva",
            kind="individual",
            applicant_id=world.employee_rec.pk,
            measure_type_ids=[mt.pk],
        ),
    )
    assert case.applicant == world.employee_rec and case.unit == world.unit_a
    with pytest.raises(DomainError):
        services.case_create(
            actor=mgr,
            data=services.CaseInput(
                title="För Kim", kind="individual", applicant_id=world.colleague_rec.pk
            ),
        )


def test_visibility_per_role(world):
    own = make_case(world, world.employee, private_reason="Sjukskrivning förra året.")
    other_unit = make_case(world, world.colleague)
    draft = make_case(world, world.employee, submit=False)
    seen = {}
    for role, user in world.users.items():
        actor = world.actor(user)
        rows, _more = case_list(actor=actor, filters=CaseFilter())
        seen[role] = {c.pk for c in rows}
    assert seen["employee"] == {own.pk, draft.pk}
    assert seen["manager"] == {own.pk}  # own unit only, no drafts
    for role in ("coordinator", "union_rep", "decision_maker", "auditor", "admin"):
        assert seen[role] == {own.pk, other_unit.pk}
    assert not can_view_case(world.actor(world.coordinator), draft)


def test_union_rep_does_not_see_personal_reasons_without_consent(world):
    from lom.cases.permissions import can_see_private_reason

    case = make_case(world, private_reason="Hälsoskäl")
    assert not can_see_private_reason(world.actor(world.union_rep), case)
    assert can_see_private_reason(world.actor(world.coordinator), case)
    case.share_private_reason = True
    assert can_see_private_reason(world.actor(world.union_rep), case)


def test_all_transitions_in_the_table_are_reachable_by_some_role():
    for t in TRANSITIONS.values():
        assert t.actors, t.name
        assert t.sources, t.name
