"""Mail services: queue a mail inside the caller's transaction; the task queue delivers it."""

from lom.mail.services.delivery import deliver_mail_task, mail_deliver
from lom.mail.services.queue import mail_queue

__all__ = ["deliver_mail_task", "mail_deliver", "mail_queue"]
