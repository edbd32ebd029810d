"""`manage.py run_worker`: django-tasks-db's `db_worker` (same options: --queue-name,
--interval, --batch, --worker-id, ...) with a heartbeat, so a task of a worker that dies is
given back to the queue instead of staying RUNNING for ever."""

from django.conf import settings
from django_tasks_db.management.commands import db_worker

from lom.operations.worker import Heartbeat


class Command(db_worker.Command):
    help = (
        "Run a background worker (django-tasks-db's db_worker) that writes a heartbeat every "
        "LOM_WORKER_HEARTBEAT_SECONDS; use this, not db_worker, in production."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        # Reloading forks a child that would run the tasks under the parent's heartbeat.
        parser.set_defaults(reload=False)

    def handle(self, *args, **options):
        heartbeat = Heartbeat(
            worker_id=options["worker_id"], interval=settings.LOM_WORKER_HEARTBEAT_SECONDS
        )
        heartbeat.start()
        try:
            super().handle(*args, **options)
        finally:
            heartbeat.stop()
