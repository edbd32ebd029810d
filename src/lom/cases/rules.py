"""The agreement's rules that apply to a case: those of the version in force when it was
submitted, so a later change of the agreement never alters an open case."""

from django.utils import timezone

from lom.agreements.rules import AgreementRules, rules_of_version
from lom.agreements.selectors import rules_in_force
from lom.cases.models import Case


def rules_for_case(case: Case) -> AgreementRules | None:
    """The rules of the version the case was submitted under; a case not yet submitted (or
    submitted before versions existed) reads the rules in force today."""
    version = case.agreement_version if case.agreement_version_id is not None else None
    if version is not None:
        return rules_of_version(version)
    return rules_in_force(organisation=case.organisation, on=timezone.localdate())
