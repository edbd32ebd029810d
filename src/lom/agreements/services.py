from django.db import transaction
from django.utils.translation import gettext as _

from lom.accounts.models import User
from lom.agreements.models import LocalAgreement, MeasureType
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
