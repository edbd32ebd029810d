"""Reads from a streaming replica (lom.common.replica): inside `reading_from_replica()` reads go to
the replica alias and writes to the primary; outside it, and without a replica, everything goes
to the primary. The test settings define the alias `replica` as a mirror of the test database
(Django's TEST MIRROR), so both aliases see the same rows through two connections; a test turns
the router on by naming the alias in LOM_REPLICA_ALIAS. The real replica: bench/replica.py."""

from datetime import date

import pytest
from django.contrib.sessions.models import Session
from django.db import connections, transaction
from django.test.utils import CaptureQueriesContext

from lom.accounts.models import User
from lom.cases.models import Case
from lom.common.models import AuditEvent
from lom.common.replica import (
    ReplicaRouter,
    current_read_alias,
    reading_from_replica,
    replica_caught_up,
    rows_from_replica,
)
from lom.organisations.models import Organisation
from tests.config.production import manage, production_env
from tests.factories import make_world

BOTH = ["default", "replica"]
TODAY = date(2026, 11, 22)


class Queries:
    """The SQL each alias ran inside the block."""

    def __enter__(self):
        self.default = CaptureQueriesContext(connections["default"]).__enter__()
        self.replica = CaptureQueriesContext(connections["replica"]).__enter__()
        return self

    def __exit__(self, *exc):
        self.replica.__exit__(*exc)
        self.default.__exit__(*exc)

    def count(self, alias: str, table: str) -> int:
        captured = self.default if alias == "default" else self.replica
        return sum(table in q["sql"] for q in captured.captured_queries)


@pytest.fixture
def replica_on(settings):
    settings.LOM_REPLICA_ALIAS = "replica"
    settings.LOM_REPLICA_MAX_LAG_SECONDS = 0


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_inside_the_scope_reads_go_to_the_replica_and_writes_to_the_primary(replica_on):
    org = Organisation.objects.create(name="Org", slug="org")
    with Queries() as q, reading_from_replica() as alias:
        assert alias == "replica" and current_read_alias() == "replica"
        # The replica (a mirror here) sees what the primary committed.
        assert Organisation.objects.get(slug="org").pk == org.pk
        Organisation.objects.filter(pk=org.pk).update(name="Renamed")
        fetched = Organisation.objects.get(pk=org.pk)
        fetched.name = "Saved"
        fetched.save()  # read on the replica, written on the primary
    assert q.count("replica", "organisations_organisation") == 2
    assert "UPDATE" not in " ".join(x["sql"] for x in q.replica.captured_queries)
    assert q.count("default", "UPDATE") == 2
    assert fetched._state.db == "default"  # saved there: a later save goes there too
    assert Organisation.objects.get(pk=org.pk).name == "Saved"
    assert current_read_alias() is None


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_outside_the_scope_everything_goes_to_the_primary(replica_on):
    org = Organisation.objects.create(name="Org", slug="org")
    with Queries() as q:
        Organisation.objects.get(pk=org.pk)
        Case.objects.count()
    assert q.replica.captured_queries == []
    assert q.count("default", "organisations_organisation") == 1


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_without_a_replica_the_scope_reads_from_the_primary(settings):
    settings.LOM_REPLICA_ALIAS = None
    org = Organisation.objects.create(name="Org", slug="org")
    with Queries() as q, reading_from_replica() as alias:
        assert alias == "default"
        Organisation.objects.get(pk=org.pk)
    assert q.replica.captured_queries == []
    assert q.count("default", "organisations_organisation") == 1


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_a_transaction_and_the_tables_that_must_see_their_own_writes_stay_on_the_primary(
    replica_on,
):
    org = Organisation.objects.create(name="Org", slug="org")
    with Queries() as q, reading_from_replica():
        with transaction.atomic():
            Organisation.objects.filter(pk=org.pk).update(name="In a transaction")
            # The transaction's own write is seen: it reads the primary.
            assert Organisation.objects.get(pk=org.pk).name == "In a transaction"
        User.objects.count()
        Session.objects.count()
        AuditEvent.objects.count()
        with transaction.atomic():
            Organisation.objects.select_for_update().get(pk=org.pk)
    assert q.count("replica", "organisations_organisation") == 0
    for table in ("accounts_user", "django_session", "common_auditevent"):
        assert q.count("replica", table) == 0 and q.count("default", table) == 1


def test_the_router_writes_to_the_primary_and_migrates_only_the_primary():
    router = ReplicaRouter()
    assert router.db_for_write(Organisation, instance=Organisation()) == "default"
    assert router.allow_migrate("default", "cases") is True
    assert router.allow_migrate("replica", "cases") is False
    assert router.db_for_read(Organisation) == "default"


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_streamed_rows_are_read_on_the_replica_while_they_are_consumed(replica_on):
    Organisation.objects.create(name="Org", slug="org")

    @rows_from_replica
    def rows():
        for o in Organisation.objects.order_by("pk"):
            yield [o.slug, current_read_alias()]

    made = rows()  # nothing read yet: a CSV response consumes it later
    assert current_read_alias() is None
    with Queries() as q:
        assert list(made) == [["org", "replica"]]
    assert q.count("replica", "organisations_organisation") == 1
    assert current_read_alias() is None


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_a_replica_that_is_not_in_recovery_counts_as_caught_up(replica_on):
    # The test mirror is the primary itself: nothing to wait for (bench/replica.py waits on a
    # real one).
    assert replica_caught_up(alias="replica", timeout=0.1) is True
    with reading_from_replica(max_lag_seconds=1) as alias:
        assert alias == "replica"


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_the_annual_report_figures_are_the_same_from_the_replica(replica_on):
    from lom.reports.figures import annual_figures, annual_figures_json
    from tests.reporting import build_scenario

    world = make_world("alfa")
    build_scenario(world)
    on_primary = annual_figures_json(annual_figures(organisation=world.org, year=2024, today=TODAY))
    with Queries() as q, reading_from_replica():
        on_replica = annual_figures_json(
            annual_figures(organisation=world.org, year=2024, today=TODAY)
        )
    assert on_replica == on_primary
    funds = next(t for t in on_primary["tables"] if t["key"] == "funds")
    assert funds["rows"], "the scenario's 2024 periods are in the figures"
    assert q.count("replica", "funds_ledgerentry") > 0
    assert q.count("default", "funds_ledgerentry") == 0


def test_production_settings_add_the_replica_and_the_router(tmp_path):
    env = production_env(
        f"sqlite:///{tmp_path / 'lom.sqlite3'}",
        DATABASE_REPLICA_URL="postgres://lom@replica.example.se:5432/lom",
        DATABASE_TRANSACTION_POOLING="1",
    )
    shown = manage(
        env,
        "shell",
        "-c",
        "from django.conf import settings as s; r = s.DATABASES['replica']; "
        "print(s.LOM_REPLICA_ALIAS, r['HOST'], r['DISABLE_SERVER_SIDE_CURSORS'], "
        "s.DATABASES['default'].get('DISABLE_SERVER_SIDE_CURSORS'), s.DATABASE_ROUTERS)",
    )
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.strip().splitlines()[-1] == (
        "replica replica.example.se True True ['lom.common.replica.ReplicaRouter']"
    )
    bad = manage({**env, "DATABASE_REPLICA_URL": "sqlite:///x.sqlite3"}, "check")
    assert bad.returncode != 0 and "DATABASE_REPLICA_URL must be a postgres" in bad.stderr
