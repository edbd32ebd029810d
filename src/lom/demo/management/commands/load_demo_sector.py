"""Fill the benchmark cache for the demo (run after every other demo command): without a
running task worker the page would otherwise wait for the background refresh."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from lom.sector.services import benchmark_refresh


class Command(BaseCommand):
    help = "Compute the sector benchmark cache for this year and the four before it."

    def handle(self, *args, **options):
        this_year = timezone.localdate().year
        for year in range(this_year - 4, this_year + 1):
            run = benchmark_refresh(year=year)
            self.stdout.write(
                f"Benchmark {year}: {run.organisations} organisations, {run.seconds:.2f} s"
            )
