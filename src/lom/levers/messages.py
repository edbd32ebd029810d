"""System messages of this app (lom.common.messages): stored as a code with parameters,
rendered in the reader's language when shown."""

from django.utils.translation import gettext_lazy as _

from lom.common.messages import message

CAMPAIGN_WITHHELD = message(
    "levers.campaign_withheld",
    _(
        "Kampanjen ”%(t)s” skickades inte: på utskicksdagen kunde den nå färre än 5 personer "
        "(några har avslutat utskicken eller slutat)."
    ),
)
