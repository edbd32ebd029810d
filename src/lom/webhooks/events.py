"""The events an integration may subscribe to: ONE table, code → label (Swedish; English via
gettext). A service that emits an event names its code from here (`webhook_emit` refuses any
other)."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

EVENTS: dict[str, Promise] = {
    "case.submitted": _("Ärende inskickat"),
    "case.decided": _("Ärende beslutat (beviljat eller avslaget)"),
    "document.registered": _("Protokoll justerat (registrerad handling)"),
    "claim.paid": _("Rekvisition utbetald"),
    "fund_notification.decided": _("Fondens beslut om en avisering"),
    "register.import_applied": _("Import till personalregistret tillämpad"),
}
EVENT_CODES: tuple[str, ...] = tuple(EVENTS)


def event_choices() -> list[tuple[str, str]]:
    return [(code, str(label)) for code, label in EVENTS.items()]
