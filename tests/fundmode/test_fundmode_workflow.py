"""Fund mode's statuses as data: every transition of the tables is taken by some service, and
a transition the table does not allow is refused with a reason, changing nothing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from lom.common.errors import PermissionDeniedError
from lom.common.models import AuditEvent
from lom.fundmode import services as fs
from lom.fundmode.models import Claim, MeasureNotification
from lom.fundmode.permissions import can_take
from lom.fundmode.workflow import (
    CLAIM_TRANSITIONS,
    NOTIFICATION_TRANSITIONS,
    ROUND_TRANSITIONS,
)
from tests.factories import all_met, make_fund, notify_measure, open_and_allocate

S = MeasureNotification.Status


@pytest.fixture
def fw(world, other_world):
    f = make_fund(members=[world.org, other_world.org])
    f.alfa, f.beta = world, other_world
    return f


def _claim(coord, n, *, final: bool) -> Claim:
    return fs.claim_submit(
        actor=coord,
        notification=n,
        costs={},
        internal_salary_ore=10_000_00,
        participants=[("3344", "F", 2)],
        invoices=[],
        is_final=final,
        # A partial claim covers the measure's first month (the measure has ended).
        term_start=None if final else n.planned_start,
        term_end=None if final else n.planned_start + timedelta(days=30),
    )


def test_every_transition_in_the_tables_is_reachable_through_the_services(fw):
    f = fw
    officer, coord = f.actor(f.officer), f.alfa.actor(f.alfa.coordinator)
    r = open_and_allocate(f)  # allocate
    n = notify_measure(f, r)  # submit
    decide = {"actor": officer, "notification": n, "answers": all_met(r)}
    fs.fund_decide(**decide, outcome="more_info", costs_reasonable=False, reason="Offert saknas.")
    fs.notification_submit(actor=coord, notification=n)
    fs.fund_decide(**decide, outcome="approved", costs_reasonable=True, partial_claims_allowed=True)
    fs.fund_decide(
        **decide,
        outcome="approved",
        costs_reasonable=True,
        partial_claims_allowed=True,
        reason="Delrekvisition medges.",
    )  # redecide
    fs.claim_return(actor=officer, claim=_claim(coord, n, final=False), reason="Underlag saknas.")
    fs.claim_pay(actor=officer, claim=_claim(coord, n, final=False))  # pay_partial
    fs.claim_pay(actor=officer, claim=_claim(coord, n, final=True))  # pay_final
    n.refresh_from_db()
    assert n.status == S.PAID
    rejected = notify_measure(f, r, title="Ordinarie introduktion")
    fs.fund_decide(
        actor=officer,
        notification=rejected,
        outcome="rejected",
        answers=all_met(r),
        costs_reasonable=True,
        reason="Normal kompetensutveckling.",
    )
    today = timezone.localdate()
    pre = fs.notification_prenotify(
        actor=coord,
        fund_round=r,
        title="Kanske",
        estimated_ore=1_000_00,
        planned_start=today,
        planned_end=today + timedelta(days=1),
    )
    fs.notification_withdraw(actor=coord, notification=pre)

    taken = set(AuditEvent.objects.values_list("action", flat=True))
    tables = {
        "fund_round": ROUND_TRANSITIONS,
        "fund_notification": NOTIFICATION_TRANSITIONS,
        "fund_claim": CLAIM_TRANSITIONS,
    }
    expected = {f"{prefix}.{name}" for prefix, table in tables.items() for name in table}
    assert expected - taken == set()
    # Each transition is recorded at the fund and at the member employer.
    submit = AuditEvent.objects.filter(action="fund_notification.submit", target_id=n.pk)
    assert {e.organisation_id for e in submit} == {f.fund.pk, f.alfa.org.pk}
    assert [e.before["status"] for e in submit.order_by("id")][::2] == [S.PRE_NOTIFIED, S.MORE_INFO]


def test_an_illegal_transition_is_refused_with_a_reason_and_changes_nothing(fw):
    f = fw
    officer, coord = f.actor(f.officer), f.alfa.actor(f.alfa.coordinator)
    r = open_and_allocate(f)
    n = notify_measure(f, r)
    events = AuditEvent.objects.count()
    # The employer cannot withdraw a notification the fund is assessing.
    verdict = can_take(coord, n, "withdraw")
    assert not verdict and "Återkalla" in verdict.reason and "Anmäld" in verdict.reason
    with pytest.raises(PermissionDeniedError, match="Återkalla") as exc:
        fs.notification_withdraw(actor=coord, notification=n)
    assert exc.value.code == "state"
    # The one transition function refuses the same way when called directly.
    with pytest.raises(PermissionDeniedError, match="Betala ut"):
        fs.transition(actor=officer, subject=n, name="pay_final")
    # The right state but the wrong person: the employer cannot approve its own notification.
    with pytest.raises(PermissionDeniedError, match="handläggare") as exc:
        fs.transition(actor=coord, subject=n, name="approve")
    assert exc.value.code == "forbidden"
    # A period is allocated once.
    with pytest.raises(PermissionDeniedError, match="Fördela"):
        fs.round_allocate(actor=f.actor(f.admin), fund_round=r)
    n.refresh_from_db()
    assert n.status == S.SUBMITTED
    assert AuditEvent.objects.count() == events


def test_a_claim_is_handled_once(fw):
    f = fw
    officer, coord = f.actor(f.officer), f.alfa.actor(f.alfa.coordinator)
    r = open_and_allocate(f)
    n = notify_measure(f, r)
    fs.fund_decide(
        actor=officer, notification=n, outcome="approved", answers=all_met(r), costs_reasonable=True
    )
    claim = _claim(coord, n, final=True)
    fs.claim_pay(actor=officer, claim=claim)
    with pytest.raises(PermissionDeniedError, match="Återsänd"):
        fs.claim_return(actor=officer, claim=claim, reason="För sent.")
    claim.refresh_from_db()
    assert claim.status == Claim.Status.PAID and claim.return_reason == ""


def test_no_code_of_fund_mode_sets_a_status_but_the_transition_function():
    """Every status change of a period, notification or claim goes through `transition()`:
    no other module of the package assigns `.status` (nor updates it in bulk)."""
    import ast
    from pathlib import Path

    import lom.fundmode

    root = Path(lom.fundmode.__file__).parent
    allowed = root / "services" / "workflow.py"
    offenders = []
    for path in root.rglob("*.py"):
        if path == allowed or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            targets = node.targets if isinstance(node, ast.Assign) else []
            if isinstance(node, ast.AugAssign | ast.AnnAssign):
                targets = [node.target]
            for t in targets:
                if isinstance(t, ast.Attribute) and t.attr == "status":
                    offenders.append(f"{path.relative_to(root)}:{node.lineno}")
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "update"
                and any(k.arg == "status" for k in node.keywords)
            ):
                offenders.append(f"{path.relative_to(root)}:{node.lineno}")
    assert offenders == []
