from django.core.management.base import BaseCommand

from lom.decisions.tasks import send_reminders_task


class Command(BaseCommand):
    help = "Enqueue the reminder task (the scheduler does daily, job case_reminders)."

    def handle(self, *args, **options):
        result = send_reminders_task.enqueue()
        self.stdout.write(f"Enqueued reminders: {result.id} ({result.status})")
