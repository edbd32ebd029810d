"""System messages of this app (lom.common.messages): stored as a code with parameters,
rendered in the reader's language when shown."""

from django.utils.translation import gettext_lazy as _

from lom.common.messages import message

EVENT_PROMOTED = message(
    "events.promoted", _("Ni har fått plats på %(t)s (%(d)s): anmälan flyttades från väntelistan.")
)
EVENT_REMINDER = message("events.reminder", _("Påminnelse: %(t)s börjar %(d)s, %(p)s."))
EVENT_EVALUATE = message(
    "events.evaluate",
    _("Tack för att du deltog i %(t)s. Berätta vad du tyckte: utvärderingen är anonym."),
)
