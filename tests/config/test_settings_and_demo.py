import os
import subprocess
import sys
from pathlib import Path

from django.core.management import call_command

from lom.cases.models import Case, Status
from lom.funds.models import LedgerEntry
from lom.organisations.models import Employee, Organisation

ROOT = Path(__file__).resolve().parents[2]


def _start(env_extra: dict) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG")}
    env.update(env_extra)
    env["DJANGO_SETTINGS_MODULE"] = "lom.config.settings"
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_without_secret_key_refuses_to_start():
    result = _start({"DEBUG": "0"})
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_production_with_secret_key_starts():
    result = _start({"DEBUG": "0", "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "lom.example.org"})
    assert result.returncode == 0, result.stderr


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
