from django.core.management.base import BaseCommand
from django.utils import timezone

from lom.followup.services import survey_send_reminders


class Command(BaseCommand):
    help = "E-mail participants whose measure ended and who have not answered the survey."

    def handle(self, *args, **options):
        sent = survey_send_reminders(today=timezone.localdate())
        self.stdout.write(f"{sent} påminnelser skickade.")
