"""Fund mode through its services: a full period from allocation by payroll to payment and
statistics, with a rejected criterion, a lower approval, a claim below the approval and a pot
that runs out."""

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from lom.common.errors import ConflictError, DomainError, PermissionDeniedError
from lom.common.models import Notification
from lom.fundmode import services as fs
from lom.fundmode.models import (
    Claim,
    CostKind,
    FundDecision,
    FundRound,
    MeasureNotification,
    PotEntry,
)
from lom.fundmode.selectors import (
    criteria_for,
    notifications_for,
    pot_balance,
    pot_figures,
    pots_for,
    submit_problems,
)
from lom.fundmode.selectors.figures import fund_statistics
from tests.factories import all_met, make_fund, make_world, notify_measure, open_and_allocate, pdf

S = MeasureNotification.Status


@pytest.fixture
def fw(world, other_world):
    f = make_fund(members=[world.org, other_world.org])
    f.alfa, f.beta = world, other_world
    return f


def test_split_by_payroll_is_exact_largest_remainder():
    assert fs.split_by_payroll(100, {1: 1, 2: 1, 3: 1}) == {1: 34, 2: 33, 3: 33}
    parts = fs.split_by_payroll(750_000_000_00, {1: 7, 2: 13, 3: 29})
    assert sum(parts.values()) == 750_000_000_00
    assert fs.split_by_payroll(10, {1: 3, 2: 0}) == {1: 10, 2: 0}
    with pytest.raises(DomainError):
        fs.split_by_payroll(10, {1: 0})


@given(
    total=st.integers(min_value=0, max_value=10**13),
    weights=st.lists(st.integers(min_value=0, max_value=10**12), min_size=1, max_size=20).filter(
        lambda w: sum(w) > 0
    ),
)
def test_split_always_sums_to_total_and_stays_within_one_ore(total, weights):
    parts = fs.split_by_payroll(total, dict(enumerate(weights)))
    assert sum(parts.values()) == total
    for k, w in enumerate(weights):
        exact = total * w / sum(weights)
        assert abs(parts[k] - exact) < 1.000001


def test_full_period_allocation_to_statistics(fw):
    f = fw
    r = open_and_allocate(f, total=1_000_000_01)  # odd öre: largest remainder decides
    assert r.status == FundRound.Status.ALLOCATED
    assert criteria_for(fund_round=r).count() == 7
    pots = {p.member_id: p for p in pots_for(actor=f.actor(f.admin), fund_round=r)}
    a, b = pots[f.alfa.org.pk], pots[f.beta.org.pk]
    assert pot_balance(pot=a).allocated == 750_000_01  # 3/4, the extra öre to the larger remainder
    assert pot_balance(pot=b).allocated == 250_000_00
    assert pot_balance(pot=a).allocated + pot_balance(pot=b).allocated == r.total_ore

    n = notify_measure(f, r, cost=100_000_00)
    assert n.status == S.SUBMITTED
    officer = f.actor(f.officer)
    # Officers hear about the new notification.
    assert Notification.objects.filter(user=f.officer, organisation=f.fund).exists()

    # One criterion not met: approval without a reason is refused; with a lower amount and a
    # reason it passes.
    answers = all_met(r)
    first = criteria_for(fund_round=r).first()
    answers[first.pk] = (False, "")
    with pytest.raises(DomainError):
        fs.fund_decide(
            actor=officer,
            notification=n,
            outcome="approved",
            answers=answers,
            costs_reasonable=True,
        )
    answers[first.pk] = (False, "Två deltagare har visstid som slutar före kursen.")
    with pytest.raises(DomainError, match="avslå eller motivera"):
        fs.fund_decide(
            actor=officer,
            notification=n,
            outcome="approved",
            answers=answers,
            costs_reasonable=True,
        )
    with pytest.raises(DomainError, match="lägre"):
        fs.fund_decide(
            actor=officer,
            notification=n,
            outcome="approved",
            answers=all_met(r),
            costs_reasonable=True,
            amount_ore=80_000_00,
        )
    d = fs.fund_decide(
        actor=officer,
        notification=n,
        outcome="approved",
        answers=answers,
        costs_reasonable=True,
        amount_ore=80_000_00,
        reason="Två deltagare uppfyller inte villkoret; beloppet sänks.",
    )
    n.refresh_from_db()
    assert d.answers.count() == 7 and d.answers.filter(met=False).count() == 1
    assert n.status == S.APPROVED and n.approved_ore == 80_000_00
    bal = pot_balance(pot=a)
    assert bal.committed == 80_000_00 and bal.remaining == 750_000_01 - 80_000_00
    # The employer's coordinator is told.
    assert Notification.objects.filter(user=f.alfa.coordinator, kind="decision").exists()

    # Claim below the approval; invoices required for external costs.
    coord = f.alfa.actor(f.alfa.coordinator)
    with pytest.raises(DomainError, match="fakturorna"):
        fs.claim_submit(
            actor=coord,
            notification=n,
            costs={CostKind.TUITION: (50_000_00, "")},
            internal_salary_ore=5_000_00,
            participants=[("3344", "F", 7)],
            invoices=[],
        )
    claim = fs.claim_submit(
        actor=coord,
        notification=n,
        costs={CostKind.TUITION: (50_000_00, "Faktura 123")},
        internal_salary_ore=10_000_00,
        participants=[("3344", "F", 7), ("3344", "M", 2), ("5323", "F", 3)],
        invoices=[pdf("faktura.pdf")],
    )
    assert claim.total_ore == 60_000_00 and claim.attachments.filter(kind="invoice").count() == 1
    n.refresh_from_db()
    assert n.status == S.CLAIMED
    fs.claim_pay(actor=officer, claim=claim)
    n.refresh_from_db()
    assert n.status == S.PAID
    bal = pot_balance(pot=a)
    assert bal.spent == 60_000_00 and bal.committed == 0
    assert bal.remaining == 750_000_01 - 60_000_00  # the 20 000 kr not claimed returned
    fig = pot_figures(pot=a, today=timezone.localdate())
    assert (fig.approved, fig.claimed, fig.paid) == (80_000_00, 60_000_00, 60_000_00)
    # Cannot claim again.
    with pytest.raises(PermissionDeniedError):
        fs.claim_submit(
            actor=coord,
            notification=n,
            costs={},
            internal_salary_ore=1,
            participants=[("3344", "F", 1)],
            invoices=[],
        )

    # A rejected notification, with reasons required.
    n2 = notify_measure(f, r, cost=30_000_00, title="Ordinarie introduktion")
    ans = all_met(r)
    with pytest.raises(DomainError, match="skälen"):
        fs.fund_decide(
            actor=officer, notification=n2, outcome="rejected", answers=ans, costs_reasonable=True
        )
    ans[first.pk + 3] = (False, "Det är normal kompetensutveckling.")
    fs.fund_decide(
        actor=officer,
        notification=n2,
        outcome="rejected",
        answers=ans,
        costs_reasonable=True,
        reason="Går inte utöver normal kompetensutveckling.",
    )
    n2.refresh_from_db()
    assert n2.status == S.REJECTED and pot_balance(pot=a).committed == 0

    stats = fund_statistics(actor=officer, fund_round=r)
    assert stats.total.measures == 1
    assert stats.total.approved_ore == 80_000_00 and stats.total.paid_ore == 60_000_00
    assert (stats.total.women, stats.total.men) == (10, 2)  # from the final claim
    assert [row.label for row in stats.by_employer] == [f.alfa.org.name]
    assert len(stats.by_quarter) == 1 and stats.by_quarter[0].measures == 1
    assert (
        "3344 Medicinska sekreterare, vårdadministratörer m.fl.",
        7,
        2,
        0,
    ) in stats.by_occupation


def test_more_info_returns_to_employer_who_resubmits(fw):
    f = fw
    r = open_and_allocate(f)
    n = notify_measure(f, r)
    officer = f.actor(f.officer)
    fs.fund_decide(
        actor=officer,
        notification=n,
        outcome="more_info",
        answers=all_met(r),
        costs_reasonable=False,
        reason="Bifoga offert från leverantören.",
    )
    n.refresh_from_db()
    assert n.status == S.MORE_INFO
    coord = f.alfa.actor(f.alfa.coordinator)
    fs.notification_attach(actor=coord, notification=n, upload=pdf("offert.pdf"), kind="other")
    fs.notification_submit(actor=coord, notification=n)
    n.refresh_from_db()
    assert n.status == S.SUBMITTED
    fs.fund_decide(
        actor=officer, notification=n, outcome="approved", answers=all_met(r), costs_reasonable=True
    )
    n.refresh_from_db()
    assert n.approved_ore == 100_000_00 and n.decisions.count() == 2


def test_pot_runs_out_and_concurrent_approvals_cannot_overspend(fw):
    f = fw
    r = open_and_allocate(f, total=400_000_00)  # alfa 300 000 kr, beta 100 000 kr
    officer = f.actor(f.officer)
    coord_b = f.beta.actor(f.beta.coordinator)
    # Pre-notification beyond the pot is refused.
    with pytest.raises(DomainError, match="räcker inte"):
        fs.notification_prenotify(
            actor=coord_b,
            fund_round=r,
            title="För dyr",
            estimated_ore=100_000_01,
            planned_start=date.today(),
            planned_end=date.today(),
        )
    n1 = notify_measure(f, r, world=f.beta, cost=70_000_00, title="Först")
    n2 = notify_measure(f, r, world=f.beta, cost=60_000_00, title="Sedan")
    fs.fund_decide(
        actor=officer,
        notification=n1,
        outcome="approved",
        answers=all_met(r),
        costs_reasonable=True,
    )
    with pytest.raises(DomainError, match="räcker inte"):
        fs.fund_decide(
            actor=officer,
            notification=n2,
            outcome="approved",
            answers=all_met(r),
            costs_reasonable=True,
        )
    n2.refresh_from_db()
    assert n2.status == S.SUBMITTED
    pot = n1.pot
    assert pot_balance(pot=pot).remaining == 30_000_00
    # A lower amount that fits passes: the pot is now empty.
    fs.fund_decide(
        actor=officer,
        notification=n2,
        outcome="approved",
        answers=all_met(r),
        costs_reasonable=True,
        amount_ore=30_000_00,
        reason="Bara det som återstår i potten.",
    )
    assert pot_balance(pot=pot).remaining == 0
    with pytest.raises(DomainError, match="räcker inte"):
        fs.notification_prenotify(
            actor=coord_b,
            fund_round=r,
            title="Ännu en",
            estimated_ore=1,
            planned_start=date.today(),
            planned_end=date.today(),
        )


def test_claim_above_approval_needs_new_decision(fw):
    f = fw
    r = open_and_allocate(f)
    n = notify_measure(f, r, cost=50_000_00)
    officer = f.actor(f.officer)
    first = fs.fund_decide(
        actor=officer, notification=n, outcome="approved", answers=all_met(r), costs_reasonable=True
    )
    coord = f.alfa.actor(f.alfa.coordinator)
    claim = fs.claim_submit(
        actor=coord,
        notification=n,
        costs={CostKind.TUITION: (55_000_00, "")},
        internal_salary_ore=0,
        participants=[("3344", "F", 3)],
        invoices=[pdf("f.pdf")],
    )
    with pytest.raises(DomainError, match="nytt beslut"):
        fs.claim_pay(actor=officer, claim=claim)
    assert not PotEntry.objects.filter(kind="expense").exists()
    # A new, reasoned decision raises the approval; then the claim is paid in full.
    fs.fund_decide(
        actor=officer,
        notification=n,
        outcome="approved",
        answers=all_met(r),
        costs_reasonable=True,
        amount_ore=55_000_00,
        reason="Kursavgiften höjdes av anordnaren.",
        supersedes_id=first.pk,
    )
    fs.claim_pay(actor=officer, claim=claim)
    n.refresh_from_db()
    assert n.status == S.PAID and pot_balance(pot=n.pot).spent == 55_000_00
    assert pot_balance(pot=n.pot).committed == 0


def test_returned_claim_and_partial_claims(fw):
    f = fw
    r = open_and_allocate(f)
    n = notify_measure(f, r, cost=100_000_00)
    officer = f.actor(f.officer)
    fs.fund_decide(
        actor=officer,
        notification=n,
        outcome="approved",
        answers=all_met(r),
        costs_reasonable=True,
        partial_claims_allowed=True,
    )
    coord = f.alfa.actor(f.alfa.coordinator)
    # The first term of the measure (it ran from 120 to 30 days ago).
    term = {"term_start": n.planned_start, "term_end": n.planned_start + timedelta(days=60)}
    c1 = fs.claim_submit(
        actor=coord,
        notification=n,
        costs={},
        internal_salary_ore=20_000_00,
        participants=[("3344", "F", 3)],
        invoices=[],
        is_final=False,
        **term,
    )
    with pytest.raises(DomainError):
        fs.claim_return(actor=officer, claim=c1, reason=" ")
    fs.claim_return(actor=officer, claim=c1, reason="Lönekostnaden saknar underlag.")
    n.refresh_from_db()
    assert n.status == S.APPROVED
    c2 = fs.claim_submit(
        actor=coord,
        notification=n,
        costs={},
        internal_salary_ore=20_000_00,
        participants=[("3344", "F", 3)],
        invoices=[],
        is_final=False,
        **term,
    )
    fs.claim_pay(actor=officer, claim=c2)
    n.refresh_from_db()
    assert n.status == S.APPROVED  # more claims may follow
    c3 = fs.claim_submit(
        actor=coord,
        notification=n,
        costs={CostKind.COACHING: (30_000_00, "")},
        internal_salary_ore=0,
        participants=[("3344", "F", 3)],
        invoices=[pdf()],
        is_final=True,
    )
    fs.claim_pay(actor=officer, claim=c3)
    bal = pot_balance(pot=n.pot)
    assert bal.spent == 50_000_00 and bal.committed == 0
    assert Claim.objects.filter(notification=n, status="paid").count() == 2


def test_who_may_do_what(fw):
    f = fw
    r = open_and_allocate(f)
    # Employer roles other than the coordinator cannot pre-notify; fund staff cannot either.
    for actor in (
        f.alfa.actor(f.alfa.union_rep),
        f.alfa.actor(f.alfa.decision_maker),
        f.actor(f.officer),
    ):
        with pytest.raises(PermissionDeniedError):
            fs.notification_prenotify(
                actor=actor,
                fund_round=r,
                title="x",
                estimated_ore=1,
                planned_start=date.today(),
                planned_end=date.today(),
            )
    # A coordinator of an organisation that is not a member.
    outsider = make_world("gamma")
    with pytest.raises(PermissionDeniedError, match="inte ansluten"):
        fs.notification_prenotify(
            actor=outsider.actor(outsider.coordinator),
            fund_round=r,
            title="x",
            estimated_ore=1,
            planned_start=date.today(),
            planned_end=date.today(),
        )
    n = notify_measure(f, r)
    # The officer decides, not the administrator or the employer.
    for actor in (f.actor(f.admin), f.alfa.actor(f.alfa.coordinator)):
        with pytest.raises(PermissionDeniedError):
            fs.fund_decide(
                actor=actor,
                notification=n,
                outcome="approved",
                answers=all_met(r),
                costs_reasonable=True,
            )
    # Only the administrator opens and allocates.
    with pytest.raises(PermissionDeniedError):
        fs.round_open(
            actor=f.actor(f.officer),
            name="x",
            start=date(2030, 1, 1),
            end=date(2030, 2, 1),
            claim_deadline=date(2030, 3, 1),
            total_ore=1,
        )
    # Submitted notifications cannot be edited: the state refuses (a conflict), not the role.
    with pytest.raises(ConflictError) as exc:
        fs.notification_set_participants(
            actor=f.alfa.actor(f.alfa.coordinator), notification=n, groups=[]
        )
    assert exc.value.code == "state"


def test_notification_needs_minutes_and_checks_uploads(fw):
    f = fw
    r = open_and_allocate(f)
    coord = f.alfa.actor(f.alfa.coordinator)
    n = fs.notification_prenotify(
        actor=coord,
        fund_round=r,
        title="Kurs",
        estimated_ore=10_000_00,
        planned_start=date.today(),
        planned_end=date.today(),
    )
    problems = submit_problems(notification=n)
    assert any("protokollet" in p for p in problems)
    with pytest.raises(DomainError):
        fs.notification_submit(actor=coord, notification=n)
    with pytest.raises(DomainError, match="stämmer inte"):
        fs.notification_attach(
            actor=coord,
            notification=n,
            kind="minutes",
            upload=SimpleUploadedFile("fake.pdf", b"MZ\x90\x00 not a pdf"),
        )
    with pytest.raises(DomainError, match="Filtypen"):
        fs.notification_attach(
            actor=coord, notification=n, kind="minutes", upload=SimpleUploadedFile("x.exe", b"MZ")
        )
    with pytest.raises(DomainError, match="fyra siffror"):
        fs.notification_set_participants(actor=coord, notification=n, groups=[("33", "F", 1)])


def test_participants_picked_from_employees_become_counts(fw):
    f = fw
    r = open_and_allocate(f)
    coord = f.alfa.actor(f.alfa.coordinator)
    n = fs.notification_prenotify(
        actor=coord,
        fund_round=r,
        title="Kurs",
        estimated_ore=10_000_00,
        planned_start=date.today(),
        planned_end=date.today(),
    )
    # The other organisation's employee is ignored; names are never stored.
    added = fs.notification_add_employees(
        actor=coord,
        notification=n,
        occupation_code="2221",
        employee_ids=[f.alfa.employee_rec.pk, f.alfa.colleague_rec.pk, f.beta.employee_rec.pk],
    )
    assert added == 2
    rows = list(n.participants.values_list("occupation_code", "gender", "count"))
    assert rows == [("2221", "F", 2)]


def test_plan_is_linked_not_sent(fw):
    from lom.planning.models import TransitionPlan

    f = fw
    r = open_and_allocate(f)
    today = timezone.localdate()
    plan = TransitionPlan.objects.create(
        organisation=f.alfa.org,
        title="Hemlig plan ALFA",
        period_start=today - timedelta(days=10),
        period_end=today + timedelta(days=300),
        status=TransitionPlan.Status.APPROVED,
        version=3,
        approved_at=timezone.now(),
        created_by=f.alfa.coordinator,
    )
    n = notify_measure(f, r)
    assert n.plan_id == plan.pk and n.plan_version == 3 and n.plan_approved_on == today


def test_criteria_are_data_per_period(fw):
    f = fw
    r = open_and_allocate(f)
    admin = f.actor(f.admin)
    c = fs.criterion_save(actor=admin, fund_round=r, text="Insatsen följs upp med deltagarna")
    first = criteria_for(fund_round=r).first()
    fs.criterion_set_active(actor=admin, criterion=first, active=False)
    active = list(criteria_for(fund_round=r, active_only=True))
    assert c in active and first not in active and len(active) == 7
    n = notify_measure(f, r)
    d = fs.fund_decide(
        actor=f.actor(f.officer),
        notification=n,
        outcome="approved",
        answers=all_met(r),
        costs_reasonable=True,
    )
    assert {a.criterion_id for a in d.answers.all()} == {x.pk for x in active}
    assert d.outcome == FundDecision.Outcome.APPROVED


def test_payroll_import_csv_and_xlsx(fw):
    from io import BytesIO

    from openpyxl import Workbook

    f = fw
    admin = f.actor(f.admin)
    r = fs.round_open(
        actor=admin,
        name="P",
        start=date(2030, 1, 1),
        end=date(2032, 12, 31),
        claim_deadline=date(2034, 6, 30),
        total_ore=750_000_000_00,
    )
    csv = (
        f"organisation;lönesumma\n{f.alfa.org.slug};3 000 000 000\n"
        f"{f.beta.org.slug};1000000000,50\n"
    )
    assert (
        fs.payroll_import(
            actor=admin, fund_round=r, upload=SimpleUploadedFile("p.csv", csv.encode())
        )
        == 2
    )
    from lom.fundmode.selectors import payrolls_for

    assert payrolls_for(fund_round=r)[f.beta.org.pk] == 1_000_000_000_50
    wb = Workbook()
    ws = wb.active
    ws.append(["Organisation", "Lönesumma"])
    ws.append([f.alfa.org.name, 2_000_000])
    ws.append(["Okänd kommun", 5])
    buf = BytesIO()
    wb.save(buf)
    with pytest.raises(DomainError, match="okänd medlem"):
        fs.payroll_import(
            actor=admin, fund_round=r, upload=SimpleUploadedFile("p.xlsx", buf.getvalue())
        )
    assert payrolls_for(fund_round=r)[f.alfa.org.pk] == 3_000_000_000_00  # nothing saved
    fs.round_allocate(actor=admin, fund_round=r)
    with pytest.raises(DomainError):
        fs.round_allocate(actor=admin, fund_round=r)


def test_employer_sees_only_own_notifications(fw):
    f = fw
    r = open_and_allocate(f)
    na = notify_measure(f, r, title="ALFA insats")
    nb = notify_measure(f, r, world=f.beta, title="BETA insats", cost=50_000_00)
    for role in ("coordinator", "union_rep", "decision_maker"):
        seen = set(
            notifications_for(actor=f.alfa.actor(f.alfa.users[role])).values_list("pk", flat=True)
        )
        assert seen == {na.pk}
    assert set(notifications_for(actor=f.alfa.actor(f.alfa.employee))) == set()
    assert set(notifications_for(actor=f.actor(f.officer)).values_list("pk", flat=True)) == {
        na.pk,
        nb.pk,
    }
    # Another fund sees nothing.
    g = make_fund("annan-fond")
    assert not notifications_for(actor=g.actor(g.officer)).exists()
