"""System messages of this app (lom.common.messages): stored as a code with parameters,
rendered in the reader's language when shown."""

from django.utils.translation import gettext_lazy as _

from lom.common.messages import message

SUPPORT_APPLIED = message(
    "support.applied", _("Ny ansökan om individuellt stöd från %(n)s (%(o)s).")
)
SUPPORT_TAKEN = message(
    "support.taken", _("En vägledare har tagit din ansökan om individuellt stöd.")
)
SUPPORT_CLOSED = message("support.closed", _("Din ansökan om individuellt stöd är avslutad."))
SUPPORT_WITHDRAWN = message(
    "support.withdrawn", _("%(n)s har återkallat sin ansökan om individuellt stöd.")
)
BOOKING_NEW = message("support.booking_new", _("Ny bokning av vägledning %(t)s med %(n)s."))
BOOKING_BOOKED = message("support.booking_booked", _("Du har bokat vägledning %(t)s med %(n)s."))
BOOKING_CANCELLED_BY_COACH = message(
    "support.booking_cancelled_by_coach", _("Vägledaren har avbokat samtalet %(t)s: %(r)s")
)
BOOKING_CANCELLED = message("support.booking_cancelled", _("%(n)s har avbokat samtalet %(t)s."))
