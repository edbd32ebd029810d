from django.core.management.base import BaseCommand

from lom.events.tasks import send_event_reminders_task


class Command(BaseCommand):
    help = (
        "Enqueue the event reminders and evaluation invitations (the scheduler does hourly, "
        "job event_reminders). Each registration is reminded and invited once."
    )

    def handle(self, *args, **options):
        result = send_event_reminders_task.enqueue()
        self.stdout.write(f"Enqueued event reminders: {result.id} ({result.status})")
