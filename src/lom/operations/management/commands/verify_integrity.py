"""`manage.py verify_integrity [--json]`: the integrity check of lom.operations.integrity.

Exit status 0 when everything holds, 1 with the list of problems otherwise. Run it after a
restore (lom-restore does), after an upgrade, or from monitoring."""

import json

from django.core.management.base import BaseCommand, CommandError

from lom.operations.integrity import integrity_report


class Command(BaseCommand):
    help = (
        "Check that every sealed document matches its SHA-256, every stored file exists and "
        "every ledger adds up. Exit status 1 with a list of problems otherwise."
    )

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="Print the result as JSON.")

    def handle(self, *args, **options):
        report = integrity_report()
        if options["json"]:
            payload = {
                "ok": report.ok,
                "checked": report.checked,
                "problems": [
                    {"check": p.check, "subject": p.subject, "message": p.message}
                    for p in report.problems
                ],
            }
            self.stdout.write(json.dumps(payload, indent=2, ensure_ascii=False))
        else:
            checked = ", ".join(f"{k} {v}" for k, v in report.checked.items())
            self.stdout.write(f"Checked: {checked}.")
            for problem in report.problems:
                self.stdout.write(str(problem))
        if not report.ok:
            raise CommandError(f"{len(report.problems)} integrity problem(s)", returncode=1)
        if not options["json"]:
            self.stdout.write("Integrity: OK")
