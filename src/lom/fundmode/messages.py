"""System messages of this app (lom.common.messages): stored as a code with parameters,
rendered in the reader's language when shown."""

from django.utils.translation import gettext_lazy as _

from lom.common.messages import message

CLAIM_NEW = message("fund.claim_new", _("Ny rekvisition: %(n)s %(t)s"))
CLAIM_PAID = message("fund.claim_paid", _("Fonden har betalat ut %(a)s för %(n)s"))
CLAIM_RETURNED = message("fund.claim_returned", _("Fonden har återsänt rekvisitionen för %(n)s"))
FUND_DECIDED = message("fund.decided", _("Fonden har beslutat om %(n)s %(t)s: %(o)s"))
FUND_NOTIFIED = message("fund.notified", _("Ny anmälan till fonden: %(n)s %(t)s (%(o)s)"))

# Pot ledger memos (PotEntry.memo_code).
POT_ALLOCATED = message("fund.pot_allocated", _("Tilldelning efter lönesumma, %(name)s"))
POT_PAID = message("fund.pot_paid", _("Utbetalning: %(n)s"))
POT_UNCLAIMED = message("fund.pot_unclaimed", _("Ej rekvirerat, åter till potten: %(n)s"))
POT_GRANTED = message("fund.pot_granted", _("Beviljat: %(n)s"))
POT_LOWERED = message("fund.pot_lowered", _("Sänkt beviljat belopp: %(n)s"))

# The criteria a new period is seeded with (Criterion.text_code); the fund may edit them.
DEFAULT_CRITERIA = (
    message(
        "fund.criterion.employed",
        _("Deltagarna är anställda när anmälan görs och under hela insatsen"),
    ),
    message(
        "fund.criterion.employer_need",
        _("Insatsen svarar mot arbetsgivarens behov av kompetensförsörjning"),
    ),
    message(
        "fund.criterion.early",
        _("Insatsen bidrar till tidig omställning (ingen risk för arbetsbrist krävs)"),
    ),
    message("fund.criterion.beyond_normal", _("Insatsen går utöver normal kompetensutveckling")),
    message(
        "fund.criterion.unions_consulted",
        _("De fackliga organisationerna har samverkat före anmälan och samverkan är protokollförd"),
    ),
    message(
        "fund.criterion.provider",
        _("Insatsen utförs av fonden, arbetsgivaren eller en annan anordnare"),
    ),
    message("fund.criterion.purposes", _("Medlen används för avtalets syften")),
)
