"""System messages of this app (lom.common.messages): stored as a code with parameters,
rendered in the reader's language when shown."""

from django.utils.translation import gettext_lazy as _

from lom.common.history import event_action

# The case history: the ledger entries a case causes.
event_action("ledger.allocation", _("Tilldelade medel"))
event_action("ledger.carry_over", _("Förde över medel"))
event_action("ledger.commitment", _("Bokade det beviljade beloppet"))
event_action("ledger.release", _("Frigjorde medel"))
event_action("ledger.expense", _("Registrerade en utgift"))
