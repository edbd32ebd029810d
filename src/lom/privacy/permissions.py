"""Who may do what with personal data: the organisation's administrator sets retention and
exports a data subject's data; the administrator and the auditor search the read log."""

from lom.organisations.access import Actor

RETENTION_ROLES = ("org_admin",)
READ_LOG_ROLES = ("org_admin", "auditor")
SUBJECT_EXPORT_ROLES = ("org_admin",)


def can_manage_retention(actor: Actor) -> bool:
    return actor.has(*RETENTION_ROLES)


def can_search_reads(actor: Actor) -> bool:
    return actor.has(*READ_LOG_ROLES)
