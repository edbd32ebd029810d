"""The personal data LOM holds, as data classes with a retention rule each (gallring).

One row per class: what happens when its period has run (the personal text is blanked and the
record kept, or the record is deleted), the event the clock starts from, the default period
and the bounds an organisation may set. The defaults and their reasons are documented in
docs/operations.md ("Personal data"). Decisions, amounts, the fund ledger and sealed documents
(signed minutes, plans) are public records and are never in this table."""

from dataclasses import dataclass

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

ANONYMISE = "anonymise"
DELETE = "delete"

# No organisation keeps personal data for more than ten years under LOM's rules.
MAX_MONTHS = 120


@dataclass(frozen=True)
class DataClass:
    code: str
    label: Promise
    action: str  # ANONYMISE or DELETE
    clock: Promise  # the event the period counts from
    default_months: int
    min_months: int  # the shortest period an organisation may set (documented why)
    reason: Promise
    special: bool = False  # special-category or otherwise sensitive: reads are logged
    max_months: int = MAX_MONTHS

    @property
    def months_in_force(self) -> int:
        """The default period of this installation: `LOM_RETENTION_DEFAULT_MONTHS` (environment,
        e.g. "mail.body=6,case.draft=12") or the table's default. Checked at start-up
        (`lom.privacy.checks`)."""
        return int(settings.LOM_RETENTION_DEFAULT_MONTHS.get(self.code, self.default_months))

    @property
    def action_label(self) -> Promise:
        return _("Avidentifieras") if self.action == ANONYMISE else _("Raderas")


CLASSES: tuple[DataClass, ...] = (
    DataClass(
        code="case.private_reason",
        label=_("Personliga skäl i ansökan"),
        action=ANONYMISE,
        clock=_("ärendet avslutades (avslutat, avslaget eller återtaget)"),
        default_months=24,
        min_months=12,
        reason=_(
            "Behövs under den senare uppföljningen och en eventuell omprövning; beslutet och "
            "beloppen står kvar utan dem."
        ),
        special=True,
    ),
    DataClass(
        code="case.draft",
        label=_("Utkast som aldrig skickades in"),
        action=DELETE,
        clock=_("utkastet ändrades senast"),
        default_months=12,
        min_months=6,
        reason=_(
            "Ett utkast som legat ett år utan att skickas in är övergivet och inte en handling."
        ),
    ),
    DataClass(
        code="support.session_note",
        label=_("Anteckningar från vägledningssamtal"),
        action=ANONYMISE,
        clock=_("samtalet hölls"),
        default_months=24,
        min_months=6,
        reason=_("Stöd för fortsatt vägledning; efter två år är de inte längre aktuella."),
        special=True,
    ),
    DataClass(
        code="support.eligibility_check",
        label=_("Underlag i kontroller av grundvillkoret"),
        action=ANONYMISE,
        clock=_("kontrollen gjordes"),
        default_months=36,
        min_months=24,
        reason=_(
            "Månader och inkomster bakom utfallet behövs om ett beslut ifrågasätts; vem som "
            "kontrollerade, när och utfallet står kvar."
        ),
    ),
    DataClass(
        code="support.application_text",
        label=_("Egen beskrivning i ansökningar om individuellt stöd"),
        action=ANONYMISE,
        clock=_("ansökan avslutades eller återkallades"),
        default_months=24,
        min_months=6,
        reason=_(
            "Behövs medan vägledningen pågår och en tid efter; vad som söktes, utfallet av "
            "prövningen och när står kvar."
        ),
    ),
    DataClass(
        code="events.participant",
        label=_("Namngivna deltagare i evenemang"),
        action=DELETE,
        clock=_("evenemanget slutade"),
        default_months=24,
        min_months=3,
        reason=_("Behövs för utvärdering och statistik; antalet anmälda personer står kvar."),
    ),
    DataClass(
        code="mail.body",
        label=_("Text i skickad e-post"),
        action=ANONYMISE,
        clock=_("e-posten lades i kö"),
        default_months=3,
        min_months=1,
        reason=_(
            "Behövs för att felsöka och skicka om; ämne, mottagare och leveranslogg står kvar."
        ),
    ),
    DataClass(
        code="common.notification",
        label=_("Aviseringar i LOM"),
        action=DELETE,
        clock=_("aviseringen skapades"),
        default_months=12,
        min_months=1,
        reason=_("En avisering är en påminnelse; ärendet och dess händelselogg står kvar."),
    ),
    DataClass(
        code="common.readlog",
        label=_("Läslogg (vem läste känsliga uppgifter)"),
        action=DELETE,
        clock=_("uppgiften lästes"),
        default_months=24,
        min_months=12,
        reason=_(
            "Så länge de känsliga uppgifterna själva finns kvar ska det gå att se vem som läst "
            "dem, och den enskilde ska kunna få veta det i ett registerutdrag."
        ),
    ),
)

BY_CODE: dict[str, DataClass] = {c.code: c for c in CLASSES}
CHOICES = [(c.code, c.label) for c in CLASSES]
