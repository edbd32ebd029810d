"""The report builders read from the replica when one is configured (lom.common.replica): the
annual report job's figures and the list exports, while the job's own row, its progress and
every write stay on the primary. The alias `replica` is a test mirror of the test database."""

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext

from lom.cases.selectors import CaseFilter
from lom.reports import exports
from lom.reports import services as report_services
from lom.reports.models import ReportJob
from tests.factories import make_world
from tests.reporting import build_scenario

BOTH = ["default", "replica"]


@pytest.fixture
def replica_on(settings):
    settings.LOM_REPLICA_ALIAS = "replica"
    settings.LOM_REPLICA_MAX_LAG_SECONDS = 0


def sql(ctx: CaptureQueriesContext, table: str, verb: str = "SELECT") -> int:
    """Statements of `verb` on `table`; on PostgreSQL `.iterator()` reads through a
    server-side cursor (DECLARE ... FOR SELECT ...)."""
    found = 0
    for q in ctx.captured_queries:
        text = q["sql"].lstrip().upper()
        if text.startswith("DECLARE"):
            text = text.split(" FOR ", 1)[1].lstrip()
        found += table.upper() in text and text.startswith(verb)
    return found


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_the_annual_report_job_reads_its_figures_from_the_replica(replica_on):
    world = make_world("alfa")
    build_scenario(world)
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections["replica"]) as replica,
    ):
        job = report_services.report_job_start(
            actor=world.actor(world.coordinator), year=2024, fmt=ReportJob.Format.XLSX
        )
    assert job.status == ReportJob.Status.DONE and job.xlsx.name
    assert sql(replica, "funds_ledgerentry") > 0 and sql(replica, "cases_case") > 0
    assert sql(primary, "funds_ledgerentry") == 0
    # The job itself, its progress steps and the audit trail: the primary only.
    assert sql(replica, "reports_reportjob") == 0
    assert sql(primary, "reports_reportjob", "UPDATE") >= 3
    assert sql(primary, "common_auditevent", "INSERT") == 1


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_a_streamed_case_export_reads_its_rows_from_the_replica(replica_on):
    world = make_world("alfa")
    scenario = build_scenario(world)
    export = exports.cases_export(actor=world.actor(world.coordinator), filters=CaseFilter())
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections["replica"]) as replica,
    ):
        body = b"".join(exports.csv_response(export).streaming_content).decode("utf-8-sig")
    assert scenario.a.number in body
    assert sql(replica, "cases_case") >= 1
    assert sql(primary, "cases_case") == 0


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_the_ledger_export_is_the_same_from_the_replica_as_from_the_primary(settings):
    world = make_world("alfa")
    scenario = build_scenario(world)

    def workbook_rows() -> list[list]:
        export = exports.ledger_export(period=scenario.p1)
        return [list(r) for r in export.rows]

    settings.LOM_REPLICA_ALIAS = None
    on_primary = workbook_rows()
    settings.LOM_REPLICA_ALIAS = "replica"
    settings.LOM_REPLICA_MAX_LAG_SECONDS = 0
    with CaptureQueriesContext(connections["replica"]) as replica:
        on_replica = workbook_rows()
    assert on_replica == on_primary and len(on_primary) >= 5
    assert sql(replica, "funds_ledgerentry") == 1
