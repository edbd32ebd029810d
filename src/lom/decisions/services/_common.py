"""Checks the decision services share."""

from django.utils.translation import gettext as _

from lom.cases.models import Case
from lom.common.errors import DomainError
from lom.organisations.access import Actor


def _own_case(actor: Actor, case: Case) -> None:
    if case.organisation_id != actor.organisation.pk:
        raise DomainError(_("Ärendet tillhör en annan organisation."))
