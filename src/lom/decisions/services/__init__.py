"""Every write in joint decisions, by sub-domain: meetings (agenda, positions, decisions,
minutes), objections, and application rounds.

Every public service is one durable transaction; services that share work call the private,
non-durable helpers of the module that owns it."""

from lom.decisions.services.meetings import (
    item_decide,
    meeting_add_case,
    meeting_create,
    meeting_fill_agenda,
    meeting_set_attendance,
    meeting_sign,
    position_record,
)
from lom.decisions.services.notifications import (
    notification_preferences_save,
    notifications_mark_read,
)
from lom.decisions.services.objections import objection_answer, objection_close, objection_raise
from lom.decisions.services.rounds import (
    RoundDecision,
    round_create,
    round_decide,
    round_join,
    score_record,
)

__all__ = [
    "RoundDecision",
    "item_decide",
    "meeting_add_case",
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
    "round_create",
    "round_decide",
    "round_join",
    "score_record",
]
