from django.core.management.base import BaseCommand

from lom.mail.services import mail_send_due


class Command(BaseCommand):
    help = (
        "Send every mail that is due: retries whose time has come, and queued mails no worker "
        "has taken (the scheduler runs it every minute, job mail_queue; this command is for a "
        "manual run). Safe to run alongside the workers."
    )

    def handle(self, *args, **options):
        tried = mail_send_due()
        self.stdout.write(f"Mail tried: {tried}")
