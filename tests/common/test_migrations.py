"""Every model change has its migration (a choice list changed in code and not in a migration
would let the database and the models drift apart unnoticed)."""

import io

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_no_model_change_lacks_a_migration():
    out = io.StringIO()
    try:
        call_command("makemigrations", check=True, dry_run=True, stdout=out, verbosity=1)
    except SystemExit as exc:
        pytest.fail(f"missing migrations (exit {exc.code}):\n{out.getvalue()}")
