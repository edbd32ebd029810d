"""System messages of this app (lom.common.messages): stored as a code with parameters,
rendered in the reader's language when shown."""

from django.utils.translation import gettext_lazy as _

from lom.common.history import event_action, history_states
from lom.common.messages import message
from lom.decisions.models import Objection

AGENDA_ADDED = message(
    "decisions.agenda_added", _("%(case)s är uppsatt på dagordningen till %(m)s")
)
REPORT_OVERSPENT = message(
    "decisions.report_overspent", _("%(n)s har lämnat %(r)s (mer använt än beviljat)")
)
REPORT_FILED = message("decisions.report_filed", _("%(n)s har lämnat %(r)s"))
OBJECTION_RAISED = message("decisions.objection_raised", _("%(u)s invänder: %(s)s"))
OBJECTION_ANSWERED = message(
    "decisions.objection_answered", _("Arbetsgivaren har svarat på invändningen: %(s)s")
)
OBJECTION_CLOSED = message("decisions.objection_closed", _("Invändningen %(s)s: %(o)s"))
REMIND_CASE_WAITING = message(
    "decisions.remind_case_waiting", _("Påminnelse: %(n)s har väntat i %(d)d dagar (%(s)s)")
)
REMIND_OBJECTION_SOON = message(
    "decisions.remind_objection_soon",
    _("Påminnelse: svaret på invändningen %(s)s från %(u)s ska lämnas senast %(d)s"),
)
REMIND_OBJECTION_DUE = message(
    "decisions.remind_objection_due",
    _("Sista dag: svaret på invändningen %(s)s från %(u)s skulle lämnas senast %(d)s"),
)
REMIND_REPORT_LATE = message(
    "decisions.remind_report_late", _("%(n)s: %(r)s skulle ha lämnats senast %(d)s")
)
REMIND_REPORT_DUE = message(
    "decisions.remind_report_due", _("Påminnelse: %(n)s ska lämna %(r)s senast %(d)s")
)

# The case and objection histories (lom.common.history).
history_states("decisions.objection", dict(Objection.Status.choices))
event_action("objection.raise", _("Framförde en invändning"))
event_action("objection.answer", _("Besvarade invändningen"))
event_action("objection.resolved", _("Markerade invändningen som löst lokalt"))
event_action("objection.escalated", _("Hänsköt invändningen till centrala parter"))
event_action("agenda.add", _("Satte upp ärendet på dagordningen"))
event_action("agenda.decide", _("Beslutade ärendet på sammanträdet"))
event_action("round.score", _("Bedömde ansökan i utlysningen"))
event_action("position.provisional", _("Lämnade en preliminär ståndpunkt"))
event_action("position.final", _("Lämnade en slutlig ståndpunkt"))
event_action("project.report", _("Lämnade en projektrapport"))

# An objection raised without a subject is named by LOM (Objection.subject_code).
OBJECTION_SUBJECT_AGREEMENT = message(
    "decisions.objection_subject_agreement", _("Tillämpningen av avtalet")
)
OBJECTION_SUBJECT_DECISION = message(
    "decisions.objection_subject_decision", _("Beslut i ärende %(n)s")
)
OBJECTION_SUBJECT_CASE = message("decisions.objection_subject_case", _("Ärende %(n)s"))
