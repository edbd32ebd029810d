from datetime import date

from django.db.models import Q

from lom.agreements.models import AgreementVersion, ContributionRate, LocalAgreement, MeasureType
from lom.agreements.rules import AgreementRules, rules_of_agreement, rules_of_version
from lom.organisations.models import Organisation


def agreement_current(*, organisation: Organisation, on: date) -> LocalAgreement | None:
    """The agreement in force on a date (the newest one if they overlap)."""
    return (
        LocalAgreement.objects.filter(organisation=organisation, valid_from__lte=on)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
        .order_by("-valid_from", "-id")
        .prefetch_related("measure_types", "unions")
        .first()
    )


def agreements_for_org(*, organisation: Organisation):
    return LocalAgreement.objects.filter(organisation=organisation).prefetch_related(
        "measure_types", "unions"
    )


def contribution_rate_get(*, pk: int) -> ContributionRate | None:
    """A share of payroll set aside (installation-wide reference data)."""
    return ContributionRate.objects.filter(pk=pk).first()


def measure_types_with_ids(*, ids: list[int]) -> list[MeasureType]:
    """The measure types of `ids` that exist (the caller compares the counts)."""
    return list(MeasureType.objects.filter(pk__in=set(ids)))


def version_in_force(*, agreement: LocalAgreement, on: date) -> AgreementVersion | None:
    """The agreement's version whose rules apply on a date: the newest version approved by
    every party whose date has come (None for an agreement without versions)."""
    return (
        AgreementVersion.objects.filter(
            agreement=agreement,
            status__in=[AgreementVersion.Status.APPROVED, AgreementVersion.Status.IN_FORCE],
            effective_from__lte=on,
        )
        .order_by("-effective_from", "-number")
        .first()
    )


def rules_in_force(*, organisation: Organisation, on: date) -> AgreementRules | None:
    """The rules of the agreement in force on a date, in the version in force then."""
    agreement = agreement_current(organisation=organisation, on=on)
    if agreement is None:
        return None
    version = version_in_force(agreement=agreement, on=on)
    return rules_of_version(version) if version else rules_of_agreement(agreement)
