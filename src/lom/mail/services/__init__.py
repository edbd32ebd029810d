"""Mail services: queue a mail inside the caller's transaction; the task queue delivers it."""

from lom.mail.services.delivery import deliver_mail_task, mail_deliver
from lom.mail.services.queue import mail_queue

__all__ = ["deliver_mail_task", "mail_deliver", "mail_queue"]

from lom.mail.services.delivery import mail_send_due
from lom.mail.services.failures import mail_cancel, mail_resend, mail_resend_all

__all__ += ["mail_cancel", "mail_resend", "mail_resend_all", "mail_send_due"]
