from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from lom.agreements.models import AgreementVersion, ContributionRate, LocalAgreement, MeasureType
from lom.agreements.rules import (
    RULE_FIELDS,
    AgreementRules,
    rules_of_agreement,
    rules_of_version,
)
from lom.common.money import format_ore
from lom.organisations.models import Organisation, Union


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


# Who writes an agreement and its draft version.
VERSION_EDITORS = ("coordinator", "org_admin")
# Who approves a version for the employer.
EMPLOYER_APPROVERS = ("coordinator", "org_admin", "decision_maker")


def version_pending(*, agreement: LocalAgreement, lock: bool = False) -> AgreementVersion | None:
    """The agreement's one version not yet in force: a draft, or a version every party has
    approved whose date has not come."""
    qs = AgreementVersion.objects.filter(
        agreement=agreement,
        status__in=[AgreementVersion.Status.DRAFT, AgreementVersion.Status.APPROVED],
    ).order_by("-number")
    if lock:
        qs = qs.select_for_update()
    return qs.first()


def version_parties(*, version: AgreementVersion) -> list[Union | None]:
    """The parties that approve a version: the employer (None) first, then every union that
    is a party under the version in force or under the new version (a union leaving the
    agreement approves that too), by name."""
    union_ids = set(version.rules.get("union_ids", ()))
    current = (
        AgreementVersion.objects.filter(
            agreement_id=version.agreement_id, status=AgreementVersion.Status.IN_FORCE
        )
        .exclude(pk=version.pk)
        .order_by("-number")
        .first()
    )
    if current is not None:
        union_ids |= set(current.rules.get("union_ids", ()))
    parties: list[Union | None] = [None]
    parties.extend(Union.objects.filter(pk__in=union_ids).order_by("name"))
    return parties


def versions_of_agreement(*, agreement: LocalAgreement) -> QuerySet[AgreementVersion]:
    """Newest first, with their approvals and who gave them."""
    return (
        AgreementVersion.objects.filter(agreement=agreement)
        .select_related("created_by")
        .prefetch_related("approvals__union", "approvals__approved_by")
        .order_by("-number")
    )


def version_get(*, agreement: LocalAgreement, pk: int) -> AgreementVersion | None:
    return versions_of_agreement(agreement=agreement).filter(pk=pk).first()


@dataclass(frozen=True)
class RuleChange:
    field: str
    label: str
    before: str
    after: str


@dataclass(frozen=True)
class PartyApproval:
    union_id: int | None
    party: str
    approved_by: str
    approved_at: datetime | None


def _rule_text(name: str, value: Any, names: dict[str, dict[int, str]]) -> str:
    # pure: one rule's value as the agreement page shows it.
    if name in names:
        return ", ".join(sorted(names[name].get(i, f"#{i}") for i in value)) or "–"
    if isinstance(value, bool):
        return str(_("ja") if value else _("nej"))
    if value is None or value == "":
        return "–"
    if name.endswith("_ore"):
        return format_ore(value)
    choices = getattr(LocalAgreement._meta.get_field(name), "choices", None)
    if choices:
        return str(dict(choices).get(value, value))
    return str(value)


def _rule_label(name: str) -> str:
    # pure: the rule's Swedish label, the agreement field's verbose name.
    field_name = {"measure_type_ids": "measure_types", "union_ids": "unions"}.get(name, name)
    field = LocalAgreement._meta.get_field(field_name)
    return str(getattr(field, "verbose_name", field_name))


def version_diff(
    *, version: AgreementVersion, previous: AgreementVersion | None
) -> list[RuleChange]:
    """What a version changes against the one before it (every rule for the first version
    would say nothing: an empty list), in the order the agreement shows its rules; measure
    types and unions by name."""
    if previous is None:
        return []
    before = rules_of_version(previous).snapshot()
    after = rules_of_version(version).snapshot()
    changed = [k for k in (*RULE_FIELDS, "measure_type_ids", "union_ids") if before[k] != after[k]]
    names = {
        "measure_type_ids": dict(
            MeasureType.objects.filter(
                pk__in={*before["measure_type_ids"], *after["measure_type_ids"]}
            ).values_list("pk", "name")
        ),
        "union_ids": dict(
            Union.objects.filter(pk__in={*before["union_ids"], *after["union_ids"]}).values_list(
                "pk", "name"
            )
        ),
    }
    return [
        RuleChange(
            field=k,
            label=_rule_label(k),
            before=_rule_text(k, before[k], names),
            after=_rule_text(k, after[k], names),
        )
        for k in changed
    ]


def version_previous(*, version: AgreementVersion) -> AgreementVersion | None:
    """The version before it (by number)."""
    return (
        AgreementVersion.objects.filter(
            agreement_id=version.agreement_id, number__lt=version.number
        )
        .order_by("-number")
        .first()
    )


def version_approvals(*, version: AgreementVersion) -> list[PartyApproval]:
    """Every party of the version with who approved it and when (empty when not yet)."""
    given = {a.union_id: a for a in version.approvals.all()}
    rows = []
    for party in version_parties(version=version):
        key = party.pk if party is not None else None
        approval = given.get(key)
        rows.append(
            PartyApproval(
                union_id=key,
                party=party.name if party is not None else str(_("Arbetsgivaren")),
                approved_by=approval.approved_by.get_full_name() or approval.approved_by.username
                if approval
                else "",
                approved_at=approval.approved_at if approval else None,
            )
        )
    return rows


@dataclass(frozen=True)
class VersionSummary:
    """A version as the agreement page shows it."""

    version: AgreementVersion
    approvals: list[PartyApproval]
    changes: list[RuleChange]
    # The parties the reader may approve for now (None: the employer).
    may_approve: list[PartyApproval]


def version_summaries(
    *, agreement: LocalAgreement, roles: frozenset[str], union_ids: tuple[int, ...]
) -> list[VersionSummary]:
    """Every version of the agreement, newest first, with its parties' approvals, what it
    changes against the version before it, and the parties the reader may still approve for
    (a draft only: the employer for its approvers, a union for its representatives)."""
    versions = list(versions_of_agreement(agreement=agreement))
    out = []
    for i, v in enumerate(versions):
        previous = versions[i + 1] if i + 1 < len(versions) else None
        approvals = version_approvals(version=v)
        may = [
            a
            for a in approvals
            if v.status == AgreementVersion.Status.DRAFT
            and a.approved_at is None
            and (
                a.union_id in union_ids
                if a.union_id is not None
                else bool(roles & set(EMPLOYER_APPROVERS))
            )
        ]
        out.append(
            VersionSummary(
                version=v,
                approvals=approvals,
                changes=version_diff(version=v, previous=previous),
                may_approve=may,
            )
        )
    return out
