"""Every write of fund mode, one module per sub-domain: periods, payroll, allocation and the
pot ledger (`pots`), the fund's criteria (`criteria`), pre-notification and notification
(`notifications`), the fund's decision (`decisions`), claims and payment (`claims`), member
employers (`members`), and the one transition function of the workflow (`workflow`).

Callers import this package (`from lom.fundmode import services as fs`); the public names are
re-exported here."""

from lom.fundmode.services.claims import claim_pay, claim_return, claim_submit
from lom.fundmode.services.criteria import criterion_save, criterion_set_active
from lom.fundmode.services.decisions import fund_decide
from lom.fundmode.services.members import MEMBER_KINDS, member_add, member_remove
from lom.fundmode.services.notifications import (
    GENDERS,
    NotificationInput,
    notification_add_employees,
    notification_attach,
    notification_prenotify,
    notification_set_participants,
    notification_submit,
    notification_update,
    notification_withdraw,
)
from lom.fundmode.services.pots import (
    DEFAULT_CRITERIA,
    lock_pot,
    payroll_import,
    payroll_set,
    payroll_set_many,
    pot_post,
    round_allocate,
    round_open,
    split_by_payroll,
)
from lom.fundmode.services.workflow import check_transition, transition

__all__ = [
    "DEFAULT_CRITERIA",
    "GENDERS",
    "MEMBER_KINDS",
    "NotificationInput",
    "check_transition",
    "claim_pay",
    "claim_return",
    "claim_submit",
    "criterion_save",
    "criterion_set_active",
    "fund_decide",
    "lock_pot",
    "member_add",
    "member_remove",
    "notification_add_employees",
    "notification_attach",
    "notification_prenotify",
    "notification_set_participants",
    "notification_submit",
    "notification_update",
    "notification_withdraw",
    "payroll_import",
    "payroll_set",
    "payroll_set_many",
    "pot_post",
    "round_allocate",
    "round_open",
    "split_by_payroll",
    "transition",
]
