from django.core.management.base import BaseCommand

from lom.mail.services.digest import digest_send


class Command(BaseCommand):
    help = (
        "Send the daily digest to users who chose one mail a day instead of one per event. "
        "The scheduler runs it daily (job digests); this command is for a manual run."
    )

    def handle(self, *args, **options):
        sent = digest_send()
        self.stdout.write(f"{sent} sammanfattningar köade.")
