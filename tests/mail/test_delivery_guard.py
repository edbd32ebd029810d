"""No code sends mail on its own (inside a web request, failing silently): every mail goes
through the outbox (`lom.mail.services.mail_queue`) and is delivered by the task queue."""

import re
from pathlib import Path

import lom

SRC = Path(lom.__file__).parent
SENDERS = re.compile(
    r"\b(send_mail|send_mass_mail|mail_admins|EmailMessage|EmailMultiAlternatives)\("
)
# The one place that talks to the SMTP server.
DELIVERY = SRC / "mail" / "services" / "delivery.py"


def test_only_the_outbox_delivery_sends_mail():
    senders = {
        path
        for path in SRC.rglob("*.py")
        if "migrations" not in path.parts and SENDERS.search(path.read_text(encoding="utf-8"))
    }
    assert DELIVERY in senders
    unexpected = senders - {DELIVERY}
    assert not unexpected, f"send mail through lom.mail.services.mail_queue: {sorted(unexpected)}"
