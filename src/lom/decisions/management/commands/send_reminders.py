from django.core.management.base import BaseCommand

from lom.decisions.tasks import (
    send_objection_reminders_task,
    send_project_report_reminders_task,
    send_reminders_task,
)


class Command(BaseCommand):
    help = (
        "Enqueue the reminder tasks (the scheduler does daily, jobs case_reminders, "
        "objection_reminders and project_report_reminders)."
    )

    def handle(self, *args, **options):
        for task in (
            send_reminders_task,
            send_objection_reminders_task,
            send_project_report_reminders_task,
        ):
            result = task.enqueue()
            self.stdout.write(f"Enqueued {task.name}: {result.id} ({result.status})")
