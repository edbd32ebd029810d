"""Mail services: queue a mail inside the caller's transaction; the task queue delivers it,
retries what fails and lists what cannot be delivered. Content: the recipient's language,
one-click unsubscribe, the daily digest."""

from lom.mail.services.compose import Composed, compose, composed_queue, notification_mail
from lom.mail.services.delivery import deliver_mail_task, mail_deliver, mail_send_due
from lom.mail.services.digest import digest_send, digest_send_task, mail_digest_choose
from lom.mail.services.failures import mail_cancel, mail_resend, mail_resend_all
from lom.mail.services.queue import mail_queue
from lom.mail.services.unsubscribe import (
    mail_unsubscribe,
    unsubscribe_headers,
    unsubscribe_read,
    unsubscribe_url,
)

__all__ = [
    "Composed",
    "compose",
    "composed_queue",
    "deliver_mail_task",
    "digest_send",
    "digest_send_task",
    "mail_cancel",
    "mail_deliver",
    "mail_digest_choose",
    "mail_queue",
    "mail_resend",
    "mail_resend_all",
    "mail_send_due",
    "mail_unsubscribe",
    "notification_mail",
    "unsubscribe_headers",
    "unsubscribe_read",
    "unsubscribe_url",
]
