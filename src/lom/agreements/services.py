from dataclasses import replace
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lom.accounts.models import User
from lom.agreements.models import (
    AgreementVersion,
    ContributionRate,
    LocalAgreement,
    MeasureType,
    VersionApproval,
)
from lom.agreements.rules import RULE_FIELDS, AgreementRules, rules_of_agreement, rules_of_version
from lom.agreements.selectors import (
    EMPLOYER_APPROVERS,
    VERSION_EDITORS,
    version_parties,
    version_pending,
)
from lom.common.audit import audit
from lom.common.bounds import TEXT_MAX
from lom.common.errors import ConflictError, DomainError, PermissionDeniedError
from lom.common.validation import amount_within, count_within, fields_within, optional_text
from lom.diarium.models import Direction, DocumentKind, Secrecy
from lom.diarium.services import document_register
from lom.organisations.access import Actor
from lom.organisations.models import Organisation, Union

# The agreement's frame: changed directly (not rules, so no version and no approval).
FRAME_FIELDS = ("title", "valid_from", "valid_to")
AGREEMENT_FIELDS = FRAME_FIELDS + RULE_FIELDS
# Version 1 of a new agreement is the agreement the parties signed, entered as it is: it is in
# force from the agreement's start without a round of approvals in LOM.
FIRST_VERSION_NOTE = "Det undertecknade avtalet, inlagt som det är."
DAY_FIELDS = {
    # field: (minimum, maximum)
    "objection_days": (0, 365),
    "objection_answer_days": (1, 365),
    "reconsideration_days": (1, 365),
}


def _rules_value(
    base: AgreementRules, fields: dict, unions: list[Union], measure_types: list[MeasureType]
) -> AgreementRules:
    # pure: `base` with the rule fields given (a field not given keeps its value in `base`).
    return replace(
        base,
        version_id=None,
        version_number=None,
        measure_type_ids=tuple(sorted(m.pk for m in measure_types)),
        union_ids=tuple(sorted(u.pk for u in unions)),
        **{name: fields[name] for name in RULE_FIELDS if name in fields},
    )


def _check_rules(
    *,
    organisation: Organisation,
    rules: AgreementRules,
    unions: list[Union],
    measure_types: list[MeasureType],
) -> None:
    fields_within(LocalAgreement, {name: getattr(rules, name) for name in RULE_FIELDS})
    for cap in ("cap_per_person_ore", "cap_per_application_ore"):
        amount_within(getattr(rules, cap), field=cap)
    for name, (low, high) in DAY_FIELDS.items():
        count_within(getattr(rules, name), field=name, minimum=low, maximum=high)
    if not rules.application_kinds():
        raise DomainError(
            _("Avtalet måste tillåta minst ett sätt att ansöka."), field="allow_individual"
        )
    if not measure_types:
        raise DomainError(_("Välj minst en insatstyp."), field="measure_types")
    if any(u.organisation_id != organisation.pk for u in unions):
        raise DomainError(_("Ett fackförbund tillhör en annan organisation."), field="unions")


def _check_frame(fields: dict) -> None:
    fields_within(LocalAgreement, {k: v for k, v in fields.items() if k in FRAME_FIELDS})
    if fields.get("valid_to") and fields["valid_to"] < fields["valid_from"]:
        raise DomainError(_("Avtalet kan inte upphöra före det börjar gälla."), field="valid_to")


@transaction.atomic(durable=True)
def agreement_save(
    *,
    actor: User | None,
    organisation: Organisation,
    agreement: LocalAgreement | None = None,
    unions: list[Union],
    measure_types: list[MeasureType],
    effective_from: date | None = None,
    change_note: str = "",
    **fields,
) -> LocalAgreement:
    """Add an agreement (its version 1, the signed agreement, is in force at once), or change
    one. A change of the frame (title, dates) applies directly; a change of the rules becomes
    the agreement's draft version (from `effective_from`), which applies only once every
    party has approved it: no open case and none of the agreement's own fields change."""
    _check_frame(fields)
    if agreement is None:
        return _agreement_create(
            actor=actor,
            organisation=organisation,
            unions=unions,
            measure_types=measure_types,
            fields=fields,
        )
    if agreement.organisation_id != organisation.pk:
        raise DomainError(_("Avtalet tillhör en annan organisation."))
    _apply_due(agreement=agreement, actor=actor)
    agreement = LocalAgreement.objects.select_for_update().get(pk=agreement.pk)
    in_force = rules_of_agreement(agreement)
    rules = _rules_value(in_force, fields, unions, measure_types)
    _check_rules(organisation=organisation, rules=rules, unions=unions, measure_types=measure_types)
    before = {f: str(getattr(agreement, f)) for f in FRAME_FIELDS}
    for name in FRAME_FIELDS:
        if name in fields:
            setattr(agreement, name, fields[name])
    after = {f: str(getattr(agreement, f)) for f in FRAME_FIELDS}
    if after != before:
        agreement.save()
        audit(
            organisation_id=organisation.pk,
            actor=actor,
            action="agreement.update",
            target=agreement,
            before=before,
            after=after,
        )
    pending = version_pending(agreement=agreement)
    unchanged = rules.snapshot() == in_force.snapshot()
    same_as_pending = pending is not None and (
        pending.rules == rules.snapshot()
        and pending.effective_from == (effective_from or pending.effective_from)
        and pending.change_note == (change_note or pending.change_note)
    )
    if not unchanged and not same_as_pending:
        _draft_write(
            actor=actor,
            agreement=agreement,
            rules=rules,
            effective_from=effective_from,
            change_note=change_note,
        )
    return agreement


def _agreement_create(
    *,
    actor: User | None,
    organisation: Organisation,
    unions: list[Union],
    measure_types: list[MeasureType],
    fields: dict,
) -> LocalAgreement:
    # step: the agreement, and its version 1 in force from its start.
    defaults = AgreementRules(agreement_id=0, version_id=None, version_number=None)
    rules = _rules_value(defaults, fields, unions, measure_types)
    _check_rules(organisation=organisation, rules=rules, unions=unions, measure_types=measure_types)
    agreement = LocalAgreement(organisation=organisation)
    for name in FRAME_FIELDS:
        setattr(agreement, name, fields.get(name))
    for name in RULE_FIELDS:
        setattr(agreement, name, getattr(rules, name))
    agreement.save()
    agreement.unions.set(unions)
    agreement.measure_types.set(measure_types)
    audit(
        organisation_id=organisation.pk,
        actor=actor,
        action="agreement.create",
        target=agreement,
        after={f: str(getattr(agreement, f)) for f in AGREEMENT_FIELDS},
    )
    first = AgreementVersion.objects.create(
        agreement=agreement,
        number=1,
        status=AgreementVersion.Status.APPROVED,
        effective_from=agreement.valid_from,
        rules=rules.snapshot(),
        change_note=FIRST_VERSION_NOTE,
        created_by=actor,
    )
    _bring_into_force(version=first, actor=actor)
    return agreement


def _draft_write(
    *,
    actor: User | None,
    agreement: LocalAgreement,
    rules: AgreementRules,
    effective_from: date | None,
    change_note: str,
) -> AgreementVersion:
    # step: create or change the agreement's one pending version (a change clears approvals).
    change_note = optional_text(change_note, field="change_note", max_length=TEXT_MAX)
    if effective_from is None:
        raise DomainError(
            _(
                "Ange från vilket datum de ändrade reglerna ska gälla. Ändringen blir ett utkast "
                "som gäller först när arbetsgivaren och alla fackliga parter har godkänt det."
            ),
            field="effective_from",
        )
    current = (
        agreement.versions.filter(status=AgreementVersion.Status.IN_FORCE)
        .order_by("-number")
        .first()
    )
    if current is not None and effective_from < current.effective_from:
        raise DomainError(
            _("Den nya versionen kan inte gälla före version %(n)d (från %(d)s).")
            % {"n": current.number, "d": current.effective_from.isoformat()},
            field="effective_from",
        )
    if effective_from < agreement.valid_from or (
        agreement.valid_to is not None and effective_from > agreement.valid_to
    ):
        raise DomainError(
            _("Datumet måste ligga inom avtalets giltighetstid."), field="effective_from"
        )
    if current is not None and rules.snapshot() == current.rules:
        raise DomainError(
            _(
                "Utkastet ändrar inga regler jämfört med den gällande versionen. "
                "Dra tillbaka utkastet i stället."
            ),
            field="rules",
        )
    draft = version_pending(agreement=agreement, lock=True)
    before = {}
    if draft is None:
        last = agreement.versions.order_by("-number").first()
        draft = AgreementVersion(
            agreement=agreement, number=(last.number if last else 0) + 1, created_by=actor
        )
    else:
        before = {
            "rules": draft.rules,
            "effective_from": draft.effective_from.isoformat(),
            "change_note": draft.change_note,
            "status": draft.status,
            "approvals": [str(a.union_id or "employer") for a in draft.approvals.all()],
        }
        draft.approvals.all().delete()
    draft.status = AgreementVersion.Status.DRAFT
    draft.rules = rules.snapshot()
    draft.effective_from = effective_from
    draft.change_note = change_note
    draft.save()
    audit(
        organisation_id=agreement.organisation_id,
        actor=actor,
        action="agreement.version_draft",
        target=draft,
        before=before,
        after={
            "number": draft.number,
            "rules": draft.rules,
            "effective_from": effective_from.isoformat(),
            "change_note": change_note,
        },
    )
    return draft


def _require_editor(actor: Actor, agreement: LocalAgreement) -> None:
    if agreement.organisation_id != actor.organisation.pk:
        raise DomainError(_("Avtalet tillhör en annan organisation."))
    if not actor.has(*VERSION_EDITORS):
        raise PermissionDeniedError(
            _("Bara samordnare och organisationens administratörer ändrar avtalet.")
        )


@transaction.atomic(durable=True)
def version_draft_save(
    *,
    actor: Actor,
    agreement: LocalAgreement,
    unions: list[Union],
    measure_types: list[MeasureType],
    effective_from: date | None,
    change_note: str = "",
    **rule_fields,
) -> AgreementVersion:
    """Create or change the agreement's draft version: its rules (those not given keep their
    value in force), the date it is to apply from and what it changes. Approvals already given
    are cleared: the parties approve what the draft says now."""
    _require_editor(actor, agreement)
    unknown = set(rule_fields) - set(RULE_FIELDS)
    if unknown:
        raise DomainError(_("Okänt fält."), field=sorted(unknown)[0])
    _apply_due(agreement=agreement, actor=actor.user)
    agreement = LocalAgreement.objects.select_for_update().get(pk=agreement.pk)
    rules = _rules_value(rules_of_agreement(agreement), rule_fields, unions, measure_types)
    _check_rules(
        organisation=actor.organisation, rules=rules, unions=unions, measure_types=measure_types
    )
    return _draft_write(
        actor=actor.user,
        agreement=agreement,
        rules=rules,
        effective_from=effective_from,
        change_note=change_note,
    )


def _party_name(union: Union | None) -> str:
    return union.name if union is not None else _("Arbetsgivaren")


@transaction.atomic(durable=True)
def version_approve(
    *, actor: Actor, version: AgreementVersion, union: Union | None = None
) -> AgreementVersion:
    """One party approves the draft: the employer (`union` None; a coordinator, an
    organisation administrator or a decision maker) or a union (a representative of that
    union). When the employer and every union party have approved, the version is approved;
    it comes into force on its date (at once when the date has come)."""
    version = (
        AgreementVersion.objects.select_for_update().select_related("agreement").get(pk=version.pk)
    )
    agreement = version.agreement
    if agreement.organisation_id != actor.organisation.pk:
        raise DomainError(_("Avtalet tillhör en annan organisation."))
    if version.status != AgreementVersion.Status.DRAFT:
        raise ConflictError(
            _("Version %(n)d väntar inte på godkännande (%(s)s).")
            % {"n": version.number, "s": version.get_status_display()},
            code="state",
        )
    if union is None and not actor.has(*EMPLOYER_APPROVERS):
        raise PermissionDeniedError(
            _(
                "Bara arbetsgivarens företrädare (samordnare, administratör eller "
                "beslutsfattare) godkänner versionen för arbetsgivaren."
            )
        )
    if union is not None and union.pk not in actor.union_ids:
        raise PermissionDeniedError(
            _("Du företräder inte %(u)s och kan inte godkänna versionen för det förbundet.")
            % {"u": union.name}
        )
    parties = version_parties(version=version)
    if union is not None and union.pk not in {u.pk for u in parties if u is not None}:
        raise DomainError(_("%(u)s är inte part i avtalet.") % {"u": union.name}, field="union_id")
    if version.approvals.filter(union=union).exists():
        raise ConflictError(
            _("%(p)s har redan godkänt version %(n)d.")
            % {"p": _party_name(union), "n": version.number},
            code="state",
        )
    VersionApproval.objects.create(version=version, union=union, approved_by=actor.user)
    audit(
        organisation_id=agreement.organisation_id,
        actor=actor.user,
        action="agreement.version_approve",
        target=version,
        after={"party": _party_name(union), "union_id": union.pk if union else None},
    )
    approved = {a.union_id for a in version.approvals.all()}
    if all((p.pk if p else None) in approved for p in parties):
        version.status = AgreementVersion.Status.APPROVED
        version.save(update_fields=["status"])
        audit(
            organisation_id=agreement.organisation_id,
            actor=actor.user,
            action="agreement.version_approved",
            target=version,
            after={"effective_from": version.effective_from.isoformat()},
        )
        if version.effective_from <= timezone.localdate():
            _bring_into_force(version=version, actor=actor.user)
    return version


@transaction.atomic(durable=True)
def version_withdraw(*, actor: Actor, version: AgreementVersion) -> None:
    """Discard the draft (or an approved version whose date has not come): nothing of it
    applies, and the next draft takes its number."""
    version = (
        AgreementVersion.objects.select_for_update().select_related("agreement").get(pk=version.pk)
    )
    _require_editor(actor, version.agreement)
    if version.status not in (AgreementVersion.Status.DRAFT, AgreementVersion.Status.APPROVED):
        raise ConflictError(
            _("Version %(n)d gäller eller har gällt och kan inte dras tillbaka.")
            % {"n": version.number},
            code="state",
        )
    if version.status == AgreementVersion.Status.APPROVED and (
        version.effective_from <= timezone.localdate()
    ):
        raise ConflictError(
            _("Version %(n)d har redan börjat gälla.") % {"n": version.number}, code="state"
        )
    audit(
        organisation_id=version.agreement.organisation_id,
        actor=actor.user,
        action="agreement.version_withdraw",
        target=version.agreement,
        before={"number": version.number, "rules": version.rules, "status": version.status},
    )
    version.delete()


@transaction.atomic(durable=True)
def versions_in_force_apply(*, on: date | None = None) -> int:
    """Bring into force every approved version whose date has come (the daily job; the
    approval does it at once when the date has already come). Returns how many."""
    on = on or timezone.localdate()
    due = list(
        AgreementVersion.objects.select_for_update()
        .filter(status=AgreementVersion.Status.APPROVED, effective_from__lte=on)
        .select_related("agreement")
        .order_by("agreement_id", "effective_from", "number")
    )
    for version in due:
        _bring_into_force(version=version, actor=None)
    return len(due)


def _apply_due(*, agreement: LocalAgreement, actor: User | None) -> None:
    # step: the lazy half of coming into force, before the agreement is read for a change.
    due = agreement.versions.filter(
        status=AgreementVersion.Status.APPROVED, effective_from__lte=timezone.localdate()
    ).order_by("effective_from", "number")
    for version in due:
        _bring_into_force(version=version, actor=actor)


def _bring_into_force(*, version: AgreementVersion, actor: User | None) -> None:
    # step: the version's rules become the agreement's own fields (measure types and unions
    # too), the version in force before it is superseded, and the version is registered.
    agreement = LocalAgreement.objects.select_for_update().get(pk=version.agreement_id)
    rules = rules_of_version(version)
    before = rules_of_agreement(agreement).snapshot()
    for name in RULE_FIELDS:
        setattr(agreement, name, getattr(rules, name))
    agreement.save()
    agreement.measure_types.set(MeasureType.objects.filter(pk__in=rules.measure_type_ids))
    unions = list(Union.objects.filter(pk__in=rules.union_ids))
    agreement.unions.set(unions)
    superseded = list(
        agreement.versions.filter(status=AgreementVersion.Status.IN_FORCE)
        .exclude(pk=version.pk)
        .values_list("number", flat=True)
    )
    agreement.versions.filter(number__in=superseded).update(
        status=AgreementVersion.Status.SUPERSEDED
    )
    version.status = AgreementVersion.Status.IN_FORCE
    version.in_force_at = timezone.now()
    version.save(update_fields=["status", "in_force_at"])
    document_register(
        organisation_id=agreement.organisation_id,
        kind=DocumentKind.AGREEMENT_VERSION,
        title=_("%(t)s, version %(n)d") % {"t": agreement.title, "n": version.number},
        target=version,
        party=", ".join([str(_("Arbetsgivaren"))] + [u.name for u in unions]),
        direction=Direction.INTERNAL,
        secrecy=Secrecy.PUBLIC,
        by=actor,
    )
    audit(
        organisation_id=agreement.organisation_id,
        actor=actor,
        action="agreement.version_in_force",
        target=version,
        before={"rules": before, "superseded": superseded},
        after={"rules": version.rules, "effective_from": version.effective_from.isoformat()},
    )


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
