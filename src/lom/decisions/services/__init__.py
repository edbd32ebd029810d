"""Every write in joint decisions, by sub-domain: meetings (agenda, positions, decisions,
minutes), objections, application rounds, and workshop proposals turned into applications or
a round (from_plan).

Every public service is one durable transaction; services that share work call the private,
non-durable helpers of the module that owns it."""

from lom.decisions.services.adjusting import (
    meeting_adjust,
    meeting_adjusting_restart,
    meeting_sign,
)
from lom.decisions.services.from_plan import (
    DEFAULT_ROUND_CRITERIA,
    proposal_to_case,
    proposals_to_round,
)
from lom.decisions.services.meetings import (
    PartyAttendance,
    item_decide,
    meeting_add_case,
    meeting_create,
    meeting_fill_agenda,
    meeting_set_attendance,
    position_record,
)
from lom.decisions.services.notifications import (
    notification_preferences_save,
    notifications_mark_read,
)
from lom.decisions.services.objections import objection_answer, objection_close, objection_raise
from lom.decisions.services.projects import project_report_submit, report_dates_set
from lom.decisions.services.rounds import (
    RoundDecision,
    round_create,
    round_decide,
    round_join,
    round_start_review,
    round_to_agenda,
    score_record,
    scores_save_row,
)

__all__ = [
    "DEFAULT_ROUND_CRITERIA",
    "PartyAttendance",
    "RoundDecision",
    "item_decide",
    "meeting_add_case",
    "meeting_adjust",
    "meeting_adjusting_restart",
    "meeting_create",
    "meeting_fill_agenda",
    "meeting_set_attendance",
    "meeting_sign",
    "notification_preferences_save",
    "notifications_mark_read",
    "objection_answer",
    "objection_close",
    "objection_raise",
    "position_record",
    "project_report_submit",
    "proposal_to_case",
    "proposals_to_round",
    "report_dates_set",
    "round_create",
    "round_decide",
    "round_join",
    "round_start_review",
    "round_to_agenda",
    "score_record",
    "scores_save_row",
]
