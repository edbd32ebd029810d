"""`manage.py fund_totals_check [--repair]`: the running totals of every fund period against
what its ledger sums to (lom.funds.selectors.period_totals_differences).

Exit status 0 when they are equal, 1 with the differences otherwise. `--repair` sets the totals
to the ledger's sum (the ledger is the truth; audited per period) and checks again."""

from django.core.management.base import BaseCommand, CommandError

from lom.funds.selectors import period_totals_differences
from lom.funds.services import period_totals_rebuild


class Command(BaseCommand):
    help = (
        "Compare every fund period's running totals with the sum of its ledger. Exit status 1 "
        "with the differences; --repair recomputes the totals from the ledger."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--repair", action="store_true", help="Set differing totals to the ledger's sum."
        )

    def handle(self, *args, **options):
        differences = period_totals_differences()
        for diff in differences:
            self.stdout.write(f"funds.FundPeriod {diff.period_id}: {diff}")
        if differences and options["repair"]:
            periods = sorted({d.period_id for d in differences})
            fixed = period_totals_rebuild(actor=None, period_ids=periods)
            self.stdout.write(f"Repaired the running totals of {fixed} period(s) from the ledger.")
            differences = period_totals_differences(period_ids=periods)
        if differences:
            raise CommandError(
                f"{len(differences)} running total(s) differ from the ledger", returncode=1
            )
        self.stdout.write("Fund totals: OK")
