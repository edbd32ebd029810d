"""System messages of this app (lom.common.messages): stored as a code with parameters,
rendered in the reader's language when shown."""

from django.utils.translation import gettext_lazy as _

from lom.common.history import event_action
from lom.common.messages import message

WORKSHOP_INVITED = message(
    "planning.workshop_invited",
    _("Du är inbjuden till omställningsworkshoppen ”%(t)s” den %(d)s"),
)

# The case history (lom.common.history).
event_action("workshop.proposal_to_case", _("Skapade ansökan från ett workshopförslag"))
