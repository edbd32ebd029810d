"""`manage.py run_scheduler`: the one process that runs every periodic job of
`lom.operations.schedule.JOBS`. `--once` runs what is due now and exits (tests, hosts that
only have cron)."""

import signal
import sys

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.crypto import get_random_string

from lom.operations.scheduler import Scheduler, run_due


class Command(BaseCommand):
    help = "Run the periodic jobs (one process); --once runs what is due now and exits."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="run what is due, then exit")
        parser.add_argument(
            "--tick",
            type=float,
            default=None,
            help="seconds between looks for due jobs (default LOM_SCHEDULER_TICK_SECONDS)",
        )

    def handle(self, *args, once: bool, tick: float | None, **options):
        if once:
            for ran in run_due():
                self.stdout.write(f"{ran.job}: {ran.outcome} {ran.detail}")
            return
        scheduler = Scheduler(
            tick_seconds=tick or settings.LOM_SCHEDULER_TICK_SECONDS,
            scheduler_id="scheduler-" + get_random_string(12),
        )

        def stop(signum, frame):
            scheduler.running = False
            sys.exit(0)

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        scheduler.run()
