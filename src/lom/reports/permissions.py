"""Who reads the aggregated figures and builds reports."""

from lom.organisations.access import Actor
from lom.organisations.models import Role

# Dashboard, fairness view, survey results and annual report: aggregates only, so union
# representatives read them too.
REPORT_READERS = (
    Role.COORDINATOR,
    Role.DECISION_MAKER,
    Role.AUDITOR,
    Role.ORG_ADMIN,
    Role.UNION_REP,
)
# Exports of lists (cases, ledger, decisions) follow what the role sees in the lists.
LEDGER_READERS = REPORT_READERS


def can_read_reports(actor: Actor) -> bool:
    return actor.has(*REPORT_READERS)


def can_manage_report_settings(actor: Actor) -> bool:
    return actor.has(Role.COORDINATOR, Role.ORG_ADMIN)


def can_write_annual_comments(actor: Actor) -> bool:
    """The coordinator writes the annual report's comments (the admin too, as for settings);
    every report reader reads them."""
    return actor.has(Role.COORDINATOR, Role.ORG_ADMIN)
