from django.core.management.base import BaseCommand

from lom.mail.services.digest import digest_send


class Command(BaseCommand):
    help = (
        "Send the daily digest to users who chose one mail a day instead of one per event. "
        "Run once a day (cron)."
    )

    def handle(self, *args, **options):
        sent = digest_send()
        self.stdout.write(f"{sent} sammanfattningar köade.")
