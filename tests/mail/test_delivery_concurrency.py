"""Two sweeps at the same instant on PostgreSQL: every due mail is sent exactly once."""

import threading
from collections import Counter
from datetime import timedelta

import pytest
from django.db import connections
from django.utils import timezone

from lom.mail.models import MailAttempt, OutboundMail
from lom.mail.services import mail_send_due
from lom.mail.services.delivery import STUCK_AFTER


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_send_each_mail_once(smtp):
    OutboundMail.objects.bulk_create(
        OutboundMail(to_address=f"p{i}@example.se", subject=f"S{i}", text="T") for i in range(20)
    )
    later = timezone.now() + STUCK_AFTER + timedelta(seconds=1)
    barrier = threading.Barrier(2)
    tried: list[int] = []

    def sweep():
        try:
            barrier.wait(timeout=10)
            tried.append(mail_send_due(now=later))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sum(tried) == 20
    arrived = Counter(m.rcpt_tos[0] for m in smtp.messages)
    assert len(arrived) == 20 and set(arrived.values()) == {1}
    assert set(OutboundMail.objects.values_list("status", flat=True)) == {"sent"}
    assert MailAttempt.objects.count() == 20
