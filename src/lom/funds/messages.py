"""System messages of this app (lom.common.messages): stored as a code with parameters,
rendered in the reader's language when shown."""

from django.utils.translation import gettext_lazy as _

from lom.common.history import event_action
from lom.common.messages import message

# The case history: the ledger entries a case causes.
event_action("ledger.allocation", _("Tilldelade medel"))
event_action("ledger.carry_over", _("Förde över medel"))
event_action("ledger.commitment", _("Bokade det beviljade beloppet"))
event_action("ledger.release", _("Frigjorde medel"))
event_action("ledger.expense", _("Registrerade en utgift"))

# Ledger memos LOM writes (LedgerEntry.memo_code); a memo a person typed stays text.
LEDGER_ALLOCATED = message("funds.allocated", _("Tilldelning för %(name)s"))
LEDGER_CARRIED = message("funds.carried", _("Överfört från %(a)s till %(b)s"))
LEDGER_CARRIED_AFTER_CLOSE = message(
    "funds.carried_after_close", _("Frigjort efter stängningen av %(a)s, fört vidare till %(b)s")
)
LEDGER_CARRY_REVERSED = message(
    "funds.carry_reversed", _("Överföringen till %(b)s återförd: %(a)s öppnad igen")
)
LEDGER_GRANTED = message("funds.granted", _("Beviljat %(n)s"))
LEDGER_GRANTED_RECONSIDERED = message(
    "funds.granted_reconsidered", _("Beviljat efter omprövning %(n)s")
)
LEDGER_RELEASED_COMPLETED = message(
    "funds.released_completed", _("Frigjort när ansökan avslutades")
)
LEDGER_RELEASED_WITHDRAWN = message("funds.released_withdrawn", _("Frigjort när ansökan återtogs"))
LEDGER_EXPENSE = message("funds.expense", _("Faktisk kostnad"))
