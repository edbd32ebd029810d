"""`manage.py jobs`: the periodic jobs with their last run and next due time; `--run NAME`
runs one job now (a manual run, recorded like a scheduled one)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from lom.operations.schedule import JOBS, job_named
from lom.operations.scheduler import run_due
from lom.operations.selectors import job_overview


class Command(BaseCommand):
    help = "List the periodic jobs (last run, next due); --run NAME runs one now."

    def add_arguments(self, parser):
        parser.add_argument("--run", metavar="NAME", help="run this job now")

    def handle(self, *args, run: str | None, **options):
        if run:
            try:
                job = job_named(run)
            except KeyError:
                names = ", ".join(j.name for j in JOBS)
                raise CommandError(f"No job {run!r}; the jobs are: {names}") from None
            # A manual run takes the slot "now", so it never hides the next scheduled one.
            for ran in run_due(now=timezone.now(), jobs=(job,), manual=True):
                self.stdout.write(f"{ran.job}: {ran.outcome} {ran.detail}")
            return
        fmt = "{:<20} {:<14} {:<20} {:<9} {:>8} {:<20}"
        self.stdout.write(fmt.format("job", "when", "last run", "outcome", "ms", "next due"))
        for row in job_overview():
            last = row.last
            self.stdout.write(
                fmt.format(
                    row.name,
                    row.when,
                    timezone.localtime(last.started_at).strftime("%Y-%m-%d %H:%M:%S")
                    if last
                    else "never",
                    last.outcome if last else "",
                    "" if last is None or last.duration_ms is None else str(last.duration_ms),
                    timezone.localtime(row.next_due).strftime("%Y-%m-%d %H:%M:%S"),
                )
            )
