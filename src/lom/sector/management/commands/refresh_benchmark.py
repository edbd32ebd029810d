from django.core.management.base import BaseCommand
from django.utils import timezone

from lom.sector.services import benchmark_refresh, benchmark_request_refresh


class Command(BaseCommand):
    help = (
        "Recompute the sector benchmark cache (the scheduler queues it daily, job "
        "benchmark_refresh). By default the current "
        "and the previous year; --now computes here instead of queueing the background task."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, action="append")
        parser.add_argument("--now", action="store_true", help="compute in this process")

    def handle(self, *args, **options):
        this_year = timezone.localdate().year
        for year in options["year"] or [this_year - 1, this_year]:
            if options["now"]:
                run = benchmark_refresh(year=year)
                self.stdout.write(
                    f"{year}: {run.organisations} organisations in {run.seconds:.2f} s"
                )
            else:
                benchmark_request_refresh(year=year, force=True)
                self.stdout.write(f"{year}: refresh queued")
