"""Joint decisions, by sub-domain: meetings, objections, application rounds, notifications,
and workshop proposals turned into applications or a round (from_plan). `urls.py` and
`from_plan_urls.py` refer to the views through this package."""

from lom.decisions.views.from_plan import (
    proposal_to_case_view,
    proposals_round_view,
)
from lom.decisions.views.meetings import (
    item_decide_view,
    meeting_adjust_view,
    meeting_adjusting_restart_view,
    meeting_agenda_view,
    meeting_attendance_view,
    meeting_minutes_view,
    meeting_sign_view,
    meeting_view,
    meetings_view,
    position_view,
)
from lom.decisions.views.notifications import (
    notifications_view,
)
from lom.decisions.views.objections import (
    objection_raise_view,
    objection_view,
    objections_view,
)
from lom.decisions.views.projects import (
    project_history_view,
    project_report_view,
    round_projects_view,
)
from lom.decisions.views.rounds import (
    round_agenda_view,
    round_decide_view,
    round_join_view,
    round_matrix_view,
    round_start_review_view,
    round_view,
    rounds_view,
    score_row_view,
    score_view,
)

__all__ = [
    "item_decide_view",
    "meeting_adjust_view",
    "meeting_adjusting_restart_view",
    "meeting_agenda_view",
    "meeting_attendance_view",
    "meeting_minutes_view",
    "meeting_sign_view",
    "meeting_view",
    "meetings_view",
    "notifications_view",
    "objection_raise_view",
    "objection_view",
    "objections_view",
    "position_view",
    "project_history_view",
    "project_report_view",
    "proposal_to_case_view",
    "proposals_round_view",
    "round_agenda_view",
    "round_decide_view",
    "round_join_view",
    "round_matrix_view",
    "round_projects_view",
    "round_start_review_view",
    "round_view",
    "rounds_view",
    "score_row_view",
    "score_view",
]
