"""The rules of a local agreement as one value: what the cases, the meetings and the money read.

The rules in force are those of the agreement's newest version in force (or, for an agreement
without versions, its own fields). A case reads the rules of the version it was submitted under
(`lom.cases.rules.rules_for_case`), so a later change never alters an open case."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from lom.agreements.models import (
    AgreementVersion,
    ApplicationKind,
    DecisionModel,
    LocalAgreement,
    Quorum,
)

# The agreement's fields that are rules (versioned), in the order the agreement page shows them.
RULE_FIELDS = (
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
    "quorum",
    "applicant_participation",
    "objection_days",
    "objection_answer_days",
    "reconsideration_days",
    "allows_carry_over",
    "follow_up_text",
)


@dataclass(frozen=True)
class AgreementRules:
    agreement_id: int
    # None: the agreement has no version yet (its own fields are the rules).
    version_id: int | None
    version_number: int | None
    purpose_text: str = ""
    exclusions: str = ""
    excludes_ordinary_training: bool = True
    allow_individual: bool = True
    allow_with_manager: bool = True
    allow_group: bool = True
    allow_development_project: bool = False
    requires_manager_endorsement: bool = False
    cap_per_person_ore: int | None = None
    cap_per_application_ore: int | None = None
    decision_model: str = DecisionModel.HR_DECIDES
    quorum: str = Quorum.ALL_PARTIES
    applicant_participation: bool = False
    objection_days: int = 14
    objection_answer_days: int = 14
    reconsideration_days: int = 21
    allows_carry_over: bool = True
    follow_up_text: str = ""
    measure_type_ids: tuple[int, ...] = field(default_factory=tuple)
    union_ids: tuple[int, ...] = field(default_factory=tuple)

    def application_kinds(self) -> list[str]:
        kinds: list[str] = []
        if self.allow_individual:
            kinds.append(ApplicationKind.INDIVIDUAL)
        if self.allow_with_manager:
            kinds.append(ApplicationKind.WITH_MANAGER)
        if self.allow_group:
            kinds.append(ApplicationKind.GROUP)
        if self.allow_development_project:
            kinds.append(ApplicationKind.DEVELOPMENT_PROJECT)
        return kinds

    def snapshot(self) -> dict[str, Any]:
        """The rules as stored in a version (`AgreementVersion.rules`)."""
        data = asdict(self)
        for key in ("agreement_id", "version_id", "version_number"):
            data.pop(key)
        data["measure_type_ids"] = sorted(self.measure_type_ids)
        data["union_ids"] = sorted(self.union_ids)
        return data


def rules_of_agreement(agreement: LocalAgreement) -> AgreementRules:
    """The rules as the agreement's own fields hold them (an agreement without versions, or
    the draft being edited)."""
    return AgreementRules(
        agreement_id=agreement.pk,
        version_id=None,
        version_number=None,
        measure_type_ids=tuple(sorted(m.pk for m in agreement.measure_types.all())),
        union_ids=tuple(sorted(u.pk for u in agreement.unions.all())),
        **{name: getattr(agreement, name) for name in RULE_FIELDS},
    )


def rules_of_version(version: AgreementVersion) -> AgreementRules:
    """The rules a version holds. Keys unknown to this code are ignored and missing keys take
    the defaults, so a version stored before a rule existed still reads."""
    known = set(RULE_FIELDS)
    data = {k: v for k, v in version.rules.items() if k in known}
    return AgreementRules(
        agreement_id=version.agreement_id,
        version_id=version.pk,
        version_number=version.number,
        measure_type_ids=tuple(version.rules.get("measure_type_ids", ())),
        union_ids=tuple(version.rules.get("union_ids", ())),
        **data,
    )
