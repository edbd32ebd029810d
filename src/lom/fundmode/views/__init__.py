"""Fund mode pages, one module per sub-domain. Thin: parse the form, call one service, render.
The view functions are re-exported here for `lom.fundmode.urls`."""

from lom.fundmode.views.claims import (
    claim_new_view,
    claim_pay_view,
    claim_return_view,
    claim_view,
)
from lom.fundmode.views.notifications import (
    assess_view,
    attach_view,
    attachment_download_view,
    notification_edit_view,
    notification_view,
    pick_employees_view,
    prenotify_view,
    submit_view,
    withdraw_view,
)
from lom.fundmode.views.rounds import (
    allocate_view,
    criteria_view,
    criterion_active_view,
    criterion_edit_view,
    index_view,
    member_remove_view,
    members_view,
    payroll_import_view,
    pot_view,
    round_new_view,
    round_view,
    statistics_view,
    statistics_xlsx_view,
)

__all__ = [
    "allocate_view",
    "assess_view",
    "attach_view",
    "attachment_download_view",
    "claim_new_view",
    "claim_pay_view",
    "claim_return_view",
    "claim_view",
    "criteria_view",
    "criterion_active_view",
    "criterion_edit_view",
    "index_view",
    "member_remove_view",
    "members_view",
    "notification_edit_view",
    "notification_view",
    "payroll_import_view",
    "pick_employees_view",
    "pot_view",
    "prenotify_view",
    "round_new_view",
    "round_view",
    "statistics_view",
    "statistics_xlsx_view",
    "submit_view",
    "withdraw_view",
]
