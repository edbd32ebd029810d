"""Every write to a case. Views and the API call these; nothing else changes a case.

Public services each run in one durable transaction; the `_do_*` helpers are the same work
without a transaction of their own, for a service of another app that composes them inside its
own (a meeting decides a case, a workshop proposal becomes a draft)."""

from lom.cases.services.attachments import case_attachment_add
from lom.cases.services.cases import (
    MAX_COST_LINES,
    CaseInput,
    CostLineInput,
    _do_case_create,
    _do_case_update,
    _do_set_cost_lines,
    case_create,
    case_set_cost_lines,
    case_update,
)
from lom.cases.services.comments import case_comment_add
from lom.cases.services.transitions import _do_case_transition, case_record_expense, case_transition

__all__ = [
    "MAX_COST_LINES",
    "CaseInput",
    "CostLineInput",
    "_do_case_create",
    "_do_case_transition",
    "_do_case_update",
    "_do_set_cost_lines",
    "case_attachment_add",
    "case_comment_add",
    "case_create",
    "case_record_expense",
    "case_set_cost_lines",
    "case_transition",
    "case_update",
]
