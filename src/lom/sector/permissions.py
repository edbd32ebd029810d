"""Who may read the sector benchmark."""

from django.utils.translation import gettext_lazy as _

from lom.common.verdict import Verdict
from lom.organisations.access import Actor
from lom.organisations.models import Organisation, Role

BENCHMARK_READERS = (
    Role.COORDINATOR,
    Role.DECISION_MAKER,
    Role.UNION_REP,
    Role.AUDITOR,
    Role.ORG_ADMIN,
)


def can_read_benchmark(actor: Actor) -> Verdict:
    if not actor.has(*BENCHMARK_READERS):
        return Verdict(
            False,
            _(
                "Jämförelsen är till för samordnare, beslutsfattare, fackliga företrädare, "
                "revisorer och administratörer."
            ),
        )
    if actor.organisation.kind == Organisation.Kind.FUND:
        return Verdict(False, _("En fond har inga egna nyckeltal att jämföra."))
    return Verdict(True)
