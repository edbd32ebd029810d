from datetime import date

from django.db.models import Q

from lom.agreements.models import ContributionRate, LocalAgreement, MeasureType
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
