"""Two approvals at the same instant on PostgreSQL: only the one that fits may pass."""

import threading

import pytest
from django.db import connections

from lom.cases import services
from lom.cases.models import Status
from lom.common.errors import DomainError
from lom.funds.selectors import fund_balance
from tests.factories import make_case, make_world


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_approvals_cannot_overspend():
    w = make_world("samtidigt", allocation_ore=100_000_00)
    coord = w.actor(w.coordinator)
    cases = []
    for _ in range(2):
        case = make_case(w, amount_ore=60_000_00)
        cases.append(services.case_transition(actor=coord, case=case, name="start_review"))
    barrier = threading.Barrier(2)
    results: list[str] = []

    def decide(case):
        try:
            barrier.wait(timeout=10)
            services.case_transition(actor=coord, case=case, name="approve", reason="ok")
            results.append("approved")
        except DomainError as exc:
            results.append(exc.code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=decide, args=(c,)) for c in cases]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(results) == ["approved", "insufficient_funds"]
    balance = fund_balance(period=w.period)
    assert balance.committed == 60_000_00 and balance.remaining == 40_000_00
    statuses = sorted(c.__class__.objects.get(pk=c.pk).status for c in cases)
    assert statuses == [Status.APPROVED, Status.IN_REVIEW]
