from django.core.management import call_command

from lom.cases.models import Case, Status
from lom.funds.models import LedgerEntry
from lom.organisations.models import Employee, Organisation


def test_demo_data_is_complete_and_idempotent(db):
    call_command("load_demo")
    counts = (
        Organisation.objects.count(),
        Employee.objects.count(),
        Case.objects.count(),
        LedgerEntry.objects.count(),
    )
    assert counts[0] >= 2 and counts[1] >= 300
    statuses = set(Case.objects.values_list("status", flat=True))
    assert statuses == set(Status.values)
    call_command("load_demo")
    assert counts == (
        Organisation.objects.count(),
        Employee.objects.count(),
        Case.objects.count(),
        LedgerEntry.objects.count(),
    )
    models = set(Organisation.objects.values_list("agreements__decision_model", flat=True))
    assert models == {"hr_decides", "joint"}
