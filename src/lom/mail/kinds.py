"""The kinds of notification a user can choose to get by e-mail (or not)."""

from django.utils.translation import gettext_lazy as _

KINDS = {
    "status": _("Ett ärende har bytt status"),
    "agenda": _("Ett ärende har satts upp på en dagordning"),
    "decision": _("Ett beslut har fattats"),
    "objection": _("Invändningar"),
    "reminder": _("Påminnelser om ärenden som väntar"),
    "counselling": _("Bokningar av vägledningssamtal"),
    "support": _("Ansökningar om individuellt stöd"),
    "register": _("Medarbetare med öppna ärenden som har slutat enligt personalregistret"),
    "project": _("Rapporter från utvecklingsprojekt"),
    "accessibility": _("Synpunkter på tjänstens tillgänglighet"),
    "campaign": _("Utskick om omställningsmedlen från din arbetsgivare"),
    "campaign_withheld": _("Kampanjer du skickat som inte gick ut"),
}
