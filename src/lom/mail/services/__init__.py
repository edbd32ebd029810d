"""Mail services: queue a mail inside the caller's transaction; the task queue delivers it."""

from lom.mail.services.delivery import deliver_mail_task, mail_deliver
from lom.mail.services.queue import mail_queue

__all__ = ["deliver_mail_task", "mail_deliver", "mail_queue"]

# Content, language, unsubscribe and the daily digest.
from lom.mail.services.compose import Composed, compose, composed_queue, notification_mail
from lom.mail.services.digest import (
    digest_send,
    digest_send_task,
    mail_digest_choose,
)
from lom.mail.services.unsubscribe import (
    mail_unsubscribe,
    unsubscribe_headers,
    unsubscribe_read,
    unsubscribe_url,
)

__all__ += [
    "Composed",
    "compose",
    "composed_queue",
    "digest_send",
    "digest_send_task",
    "mail_digest_choose",
    "mail_unsubscribe",
    "notification_mail",
    "unsubscribe_headers",
    "unsubscribe_read",
    "unsubscribe_url",
]
