"""System messages of this app (lom.common.messages): stored as a code with parameters,
rendered in the reader's language when shown."""

from django.utils.translation import gettext_lazy as _

from lom.common.messages import message

CLAIM_NEW = message("fund.claim_new", _("Ny rekvisition: %(n)s %(t)s"))
CLAIM_PAID = message("fund.claim_paid", _("Fonden har betalat ut %(a)s för %(n)s"))
CLAIM_RETURNED = message("fund.claim_returned", _("Fonden har återsänt rekvisitionen för %(n)s"))
FUND_DECIDED = message("fund.decided", _("Fonden har beslutat om %(n)s %(t)s: %(o)s"))
FUND_NOTIFIED = message("fund.notified", _("Ny anmälan till fonden: %(n)s %(t)s (%(o)s)"))
