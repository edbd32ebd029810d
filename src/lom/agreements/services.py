from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from lom.accounts.models import User
from lom.agreements.models import ContributionRate, LocalAgreement, MeasureType
from lom.common.audit import audit
from lom.common.errors import DomainError
from lom.common.validation import amount_within, count_within, fields_within
from lom.organisations.models import Organisation, Union

AGREEMENT_FIELDS = (
    "title",
    "valid_from",
    "valid_to",
    "purpose_text",
    "exclusions",
    "excludes_ordinary_training",
    "allow_individual",
    "allow_with_manager",
    "allow_group",
    "allow_development_project",
    "requires_manager_endorsement",
    "cap_per_person_ore",
    "cap_per_application_ore",
    "decision_model",
    "applicant_participation",
    "objection_days",
    "allows_carry_over",
    "follow_up_text",
)


@transaction.atomic(durable=True)
def agreement_save(
    *,
    actor: User | None,
    organisation: Organisation,
    agreement: LocalAgreement | None = None,
    unions: list[Union],
    measure_types: list[MeasureType],
    **fields,
) -> LocalAgreement:
    fields_within(LocalAgreement, {k: v for k, v in fields.items() if k in AGREEMENT_FIELDS})
    for cap in ("cap_per_person_ore", "cap_per_application_ore"):
        amount_within(fields.get(cap), field=cap)
    count_within(fields.get("objection_days"), field="objection_days", maximum=365)
    if fields.get("valid_to") and fields["valid_to"] < fields["valid_from"]:
        raise DomainError(_("Avtalet kan inte upphöra före det börjar gälla."), field="valid_to")
    if not any(
        fields.get(k)
        for k in (
            "allow_individual",
            "allow_with_manager",
            "allow_group",
            "allow_development_project",
        )
    ):
        raise DomainError(
            _("Avtalet måste tillåta minst ett sätt att ansöka."), field="allow_individual"
        )
    if not measure_types:
        raise DomainError(_("Välj minst en insatstyp."), field="measure_types")
    if any(u.organisation_id != organisation.pk for u in unions):
        raise DomainError(_("Ett fackförbund tillhör en annan organisation."), field="unions")
    before = {}
    if agreement is None:
        agreement = LocalAgreement(organisation=organisation)
    else:
        if agreement.organisation_id != organisation.pk:
            raise DomainError(_("Avtalet tillhör en annan organisation."))
        before = {f: str(getattr(agreement, f)) for f in AGREEMENT_FIELDS}
    for name in AGREEMENT_FIELDS:
        if name in fields:
            setattr(agreement, name, fields[name])
    agreement.save()
    agreement.unions.set(unions)
    agreement.measure_types.set(measure_types)
    audit(
        organisation_id=organisation.pk,
        actor=actor,
        action="agreement.update" if before else "agreement.create",
        target=agreement,
        before=before,
        after={f: str(getattr(agreement, f)) for f in AGREEMENT_FIELDS},
    )
    return agreement


# --- the installation's reference data (the Django admin writes it through these) ----------
# Shared by every organisation, so there is no organisation's audit trail to write to: the
# Django admin's own log keeps who changed what.

RATE_PERCENT_MAX = Decimal("100")
SORT_ORDER_MAX = 32_767


@transaction.atomic(durable=True)
def measure_type_save(
    *,
    measure_type: MeasureType | None = None,
    code: str,
    name: str,
    description: str = "",
    sort_order: int = 100,
) -> MeasureType:
    """Add a kind of measure, or rename, describe and reorder one. The code is fixed once
    created (applications, reports and the demo refer to it)."""
    if not name.strip():
        raise DomainError(_("Ange insatstypens namn."), field="name")
    count_within(sort_order, field="sort_order", maximum=SORT_ORDER_MAX)
    fields_within(MeasureType, {"name": name.strip(), "description": description})
    if measure_type is None:
        code = code.strip()
        fields_within(MeasureType, {"code": code})
        if not code or MeasureType.objects.filter(code=code).exists():
            raise DomainError(_("Ange en kod som inte redan används."), field="code")
        measure_type = MeasureType(code=code)
    else:
        measure_type = MeasureType.objects.select_for_update().get(pk=measure_type.pk)
    measure_type.name = name.strip()
    measure_type.description = description
    measure_type.sort_order = sort_order
    measure_type.save()
    return measure_type


@transaction.atomic(durable=True)
def contribution_rate_save(
    *,
    rate: ContributionRate | None = None,
    name: str,
    percent: Decimal,
    valid_from: date,
    valid_to: date | None,
) -> ContributionRate:
    """Add an agreement version's share of payroll, or rename one or set when it ends. The
    percentage and start of an existing rate never change: fund periods were computed with
    them (a new agreement version is a new rate)."""
    if not name.strip():
        raise DomainError(_("Ange avtalets namn."), field="name")
    fields_within(ContributionRate, {"name": name.strip()})
    if rate is not None:
        rate = ContributionRate.objects.select_for_update().get(pk=rate.pk)
        if Decimal(percent) != rate.percent or valid_from != rate.valid_from:
            raise DomainError(
                _("Andelen och startdatumet ändras inte: lägg till en ny avsättningsnivå."),
                field="percent",
            )
    if not Decimal(0) < Decimal(percent) <= RATE_PERCENT_MAX:
        raise DomainError(_("Ange en andel över 0 och högst 100 procent."), field="percent")
    if valid_to is not None and valid_to < valid_from:
        raise DomainError(_("Nivån kan inte upphöra före den börjar gälla."), field="valid_to")
    if rate is None:
        rate = ContributionRate(percent=percent, valid_from=valid_from)
    rate.name = name.strip()
    rate.valid_to = valid_to
    rate.save()
    return rate
