"""System messages of this app (lom.common.messages): stored as a code with parameters,
rendered in the reader's language when shown."""

from django.utils.translation import gettext_lazy as _

from lom.cases.models import Status
from lom.common.history import event_action, history_states
from lom.common.messages import message

CASE_STATUS = message("cases.status", _("%(case)s: %(status)s"))

# The case history (lom.common.history): what each event says, and the case's states.
history_states("cases.case", dict(Status.choices))
for _action, _text in {
    "case.create": _("Skapade ansökan"),
    "case.submit": _("Skickade in ansökan"),
    "case.endorse": _("Tillstyrkte ansökan"),
    "case.manager_return": _("Skickade tillbaka ansökan till sökande"),
    "case.start_review": _("Påbörjade handläggningen"),
    "case.return": _("Begärde komplettering"),
    "case.share_assessment": _("Skickade bedömningen till sökande"),
    "case.applicant_respond": _("Lämnade synpunkter på bedömningen"),
    "case.approve": _("Beviljade ansökan"),
    "case.reject": _("Avslog ansökan"),
    "case.request_reconsideration": _("Begärde omprövning"),
    "case.reconsider_approve": _("Beviljade ansökan vid omprövning"),
    "case.reconsider_reject": _("Avslog omprövningen"),
    "case.start": _("Markerade insatsen som påbörjad"),
    "case.complete": _("Markerade ansökan som avslutad"),
    "case.withdraw": _("Återtog ansökan"),
    "case.comment": _("Skrev en kommentar"),
    "case.attachment": _("Lade till en bilaga"),
    "case.letter": _("Skickade beslutsbrevet"),
}.items():
    event_action(_action, _text)
