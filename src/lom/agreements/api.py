"""Local agreements, mounted at /api/v1/agreements, and what the information page shows,
mounted at /api/v1/information."""

from dataclasses import asdict
from datetime import date, datetime
from typing import Annotated

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from lom.accounts.api_reauth import ensure_recent_auth
from lom.agreements.models import AgreementVersion, DecisionModel, LocalAgreement, Quorum
from lom.agreements.rules import rules_of_version
from lom.agreements.selectors import (
    VERSION_EDITORS,
    agreement_current,
    agreements_for_org,
    measure_types_with_ids,
    version_approvals,
    version_diff,
    version_get,
    version_previous,
    versions_of_agreement,
)
from lom.agreements.services import (
    agreement_save,
    version_approve,
    version_draft_save,
    version_withdraw,
)
from lom.common.bounds import MAX_AMOUNT_ORE, TEXT_MAX
from lom.common.errors import DomainError, PermissionDeniedError, fields_renamed
from lom.common.pagination import keyset_page
from lom.common.schemas import DEFAULT_LIMIT, Cursor, Day, ErrorOut, Id, Limit, Page, inline_choices
from lom.organisations.selectors import unions_for_org

router = Router(tags=["agreements"])
information_router = Router(tags=["agreements"])
# Who writes an agreement (as its form).
AGREEMENT_EDITORS = VERSION_EDITORS
MAX_IDS = 100


VersionStatus = Annotated[AgreementVersion.Status, inline_choices(AgreementVersion.Status)]


class AgreementOut(Schema):
    """The agreement with the rules in force (a draft version's rules are under
    `/agreements/{agreement_id}/versions`)."""

    id: int
    title: str
    valid_from: date
    valid_to: date | None
    decision_model: str
    quorum: str
    purpose_text: str
    exclusions: str
    excludes_ordinary_training: bool
    application_kinds: list[str]
    requires_manager_endorsement: bool
    applicant_participation: bool
    objection_days: int
    objection_answer_days: int
    reconsideration_days: int
    cap_per_person_ore: int | None
    cap_per_application_ore: int | None
    allows_carry_over: bool
    follow_up_text: str
    union_ids: list[int]
    measure_type_ids: list[int]


class AgreementRulesIn(Schema):
    """The agreement's rules (versioned: a change is a draft the parties approve)."""

    decision_model: DecisionModel = DecisionModel.HR_DECIDES
    quorum: Quorum = Quorum.ALL_PARTIES
    purpose_text: str = Field("", max_length=TEXT_MAX)
    exclusions: str = Field("", max_length=TEXT_MAX)
    excludes_ordinary_training: bool = True
    allow_individual: bool = True
    allow_with_manager: bool = True
    allow_group: bool = True
    allow_development_project: bool = False
    requires_manager_endorsement: bool = False
    applicant_participation: bool = False
    objection_days: int = Field(14, ge=0, le=365)
    objection_answer_days: int = Field(14, ge=1, le=365)
    reconsideration_days: int = Field(21, ge=1, le=365)
    allows_carry_over: bool = True
    follow_up_text: str = Field("", max_length=TEXT_MAX)
    cap_per_person_ore: int | None = Field(None, ge=0, le=MAX_AMOUNT_ORE)
    cap_per_application_ore: int | None = Field(None, ge=0, le=MAX_AMOUNT_ORE)
    union_ids: list[Id] = Field([], max_length=MAX_IDS)
    measure_type_ids: list[Id] = Field(min_length=1, max_length=MAX_IDS)


class AgreementIn(AgreementRulesIn):
    """As the agreement's form; PUT replaces every field. On a new agreement the rules are
    its version 1 (the signed agreement), in force from `valid_from`. On a change, the title
    and dates apply at once, while changed rules become the agreement's draft version from
    `effective_from` (required then): they apply only once the employer and every union party
    have approved it (`POST /agreements/{agreement_id}/versions/{version_id}/approve`); the
    response still shows the rules in force."""

    title: str = Field(min_length=1, max_length=200)
    valid_from: Day
    valid_to: Day | None = None
    effective_from: Day | None = None
    change_note: str = Field("", max_length=TEXT_MAX)


class AgreementDraftIn(AgreementRulesIn):
    """Every rule of the draft version (replaced as a whole), the date it is to apply from,
    and what it changes."""

    effective_from: Day
    change_note: str = Field("", max_length=TEXT_MAX)


class AgreementApprovalIn(Schema):
    """The party approving: a union (a representative of it), or the employer (null)."""

    union_id: Id | None = None


class AgreementRulesOut(Schema):
    decision_model: str
    quorum: str
    purpose_text: str
    exclusions: str
    excludes_ordinary_training: bool
    allow_individual: bool
    allow_with_manager: bool
    allow_group: bool
    allow_development_project: bool
    requires_manager_endorsement: bool
    applicant_participation: bool
    objection_days: int
    objection_answer_days: int
    reconsideration_days: int
    allows_carry_over: bool
    follow_up_text: str
    cap_per_person_ore: int | None
    cap_per_application_ore: int | None
    union_ids: list[int]
    measure_type_ids: list[int]


class AgreementPartyApprovalOut(Schema):
    """One party of the version: approved (by whom, when) or not yet (empty)."""

    union_id: int | None
    party: str
    approved_by: str
    approved_at: datetime | None


class AgreementVersionOut(Schema):
    id: int
    number: int
    status: VersionStatus
    effective_from: date
    change_note: str
    created_at: datetime
    in_force_at: datetime | None
    approvals: list[AgreementPartyApprovalOut]


class AgreementRuleChangeOut(Schema):
    field: str
    label: str
    before: str
    after: str


class AgreementVersionDetailOut(AgreementVersionOut):
    """The version with its rules and what it changes against the version before it."""

    rules: AgreementRulesOut
    changes: list[AgreementRuleChangeOut]


class InformationOut(Schema):
    """What the funds can pay for here: the agreement in force today (null when there is
    none)."""

    agreement: AgreementOut | None


def agreement_out(a: LocalAgreement) -> AgreementOut:
    computed = {
        "application_kinds": [str(k) for k in a.application_kinds()],
        "union_ids": [u.pk for u in a.unions.all()],
        "measure_type_ids": [m.pk for m in a.measure_types.all()],
    }
    plain = {f: getattr(a, f) for f in AgreementOut.model_fields if f not in computed}
    return AgreementOut.model_validate(plain | computed)


def _agreement(actor, agreement_id: int) -> LocalAgreement:
    a = agreements_for_org(organisation=actor.organisation).filter(pk=agreement_id).first()
    if a is None:
        raise Http404
    return a


def _editor(request):
    actor = request.api_actor
    if not actor.has(*AGREEMENT_EDITORS):
        raise PermissionDeniedError(_("Din roll får inte göra detta."))
    return actor


def _parties(actor, payload: AgreementRulesIn) -> tuple[list, list]:
    unions = list(unions_for_org(organisation=actor.organisation).filter(pk__in=payload.union_ids))
    if len(unions) != len(set(payload.union_ids)):
        raise DomainError(_("Välj fackförbund i organisationen."), field="union_ids")
    measure_types = measure_types_with_ids(ids=payload.measure_type_ids)
    if len(measure_types) != len(set(payload.measure_type_ids)):
        raise DomainError(_("Okänd insatstyp."), field="measure_type_ids")
    return unions, measure_types


ID_FIELDS = {"measure_types": "measure_type_ids", "unions": "union_ids"}


def _save(actor, payload: AgreementIn, instance: LocalAgreement | None) -> LocalAgreement:
    fields = payload.dict(exclude={"union_ids", "measure_type_ids"})
    unions, measure_types = _parties(actor, payload)
    with fields_renamed(ID_FIELDS):
        saved = agreement_save(
            actor=actor.user,
            organisation=actor.organisation,
            agreement=instance,
            unions=unions,
            measure_types=measure_types,
            **fields,
        )
    return _agreement(actor, saved.pk)


def version_out(v: AgreementVersion) -> AgreementVersionOut:
    return AgreementVersionOut(
        id=v.pk,
        number=v.number,
        status=AgreementVersion.Status(v.status),
        effective_from=v.effective_from,
        change_note=v.change_note,
        created_at=v.created_at,
        in_force_at=v.in_force_at,
        approvals=[AgreementPartyApprovalOut(**asdict(a)) for a in version_approvals(version=v)],
    )


def version_detail_out(v: AgreementVersion) -> AgreementVersionDetailOut:
    changes = version_diff(version=v, previous=version_previous(version=v))
    return AgreementVersionDetailOut(
        **version_out(v).dict(),
        rules=AgreementRulesOut(**rules_of_version(v).snapshot()),
        changes=[AgreementRuleChangeOut(**asdict(c)) for c in changes],
    )


def _version(actor, agreement_id: int, version_id: int) -> AgreementVersion:
    v = version_get(agreement=_agreement(actor, agreement_id), pk=version_id)
    if v is None:
        raise Http404
    return v


@router.get("", response=Page[AgreementOut], summary="List the local agreements")
def list_agreements(
    request, cursor: Cursor | None = None, limit: Limit = DEFAULT_LIMIT
) -> Page[AgreementOut]:
    """Newest first."""
    qs = agreements_for_org(organisation=request.api_actor.organisation)
    rows, nxt = keyset_page(qs, cursor=cursor, limit=limit)
    return Page[AgreementOut](items=[agreement_out(a) for a in rows], next_cursor=nxt)


@router.post("", response={201: AgreementOut, 400: ErrorOut}, summary="Add a local agreement")
def create_agreement(request, payload: AgreementIn) -> Status:
    """Coordinators and organisation administrators."""
    return Status(201, agreement_out(_save(_editor(request), payload, None)))


@router.get("/{agreement_id}", response=AgreementOut, summary="Read a local agreement")
def get_agreement(request, agreement_id: Id) -> AgreementOut:
    return agreement_out(_agreement(request.api_actor, agreement_id))


@router.put(
    "/{agreement_id}",
    response={200: AgreementOut, 400: ErrorOut},
    summary="Change a local agreement",
)
def update_agreement(request, agreement_id: Id, payload: AgreementIn) -> AgreementOut:
    """Every field is replaced. Coordinators and organisation administrators. The title and
    dates change at once; changed rules become the draft version (give `effective_from`),
    which applies only once every party has approved it; open cases keep their version."""
    actor = _editor(request)
    instance = _agreement(actor, agreement_id)
    return agreement_out(_save(actor, payload, instance))


@router.get(
    "/{agreement_id}/versions",
    response=Page[AgreementVersionOut],
    summary="List an agreement's versions",
)
def list_versions(
    request, agreement_id: Id, cursor: Cursor | None = None, limit: Limit = DEFAULT_LIMIT
) -> Page[AgreementVersionOut]:
    """Newest first: the draft, the versions approved, in force and superseded, with each
    party's approval."""
    agreement = _agreement(request.api_actor, agreement_id)
    qs = versions_of_agreement(agreement=agreement)
    rows, nxt = keyset_page(qs, cursor=cursor, limit=limit, order=("-number",))
    return Page[AgreementVersionOut](items=[version_out(v) for v in rows], next_cursor=nxt)


@router.get(
    "/{agreement_id}/versions/{version_id}",
    response=AgreementVersionDetailOut,
    summary="Read an agreement version and what it changes",
)
def get_version(request, agreement_id: Id, version_id: Id) -> AgreementVersionDetailOut:
    return version_detail_out(_version(request.api_actor, agreement_id, version_id))


@router.put(
    "/{agreement_id}/draft",
    response={200: AgreementVersionDetailOut, 400: ErrorOut, 403: ErrorOut, 409: ErrorOut},
    summary="Create or change the agreement's draft version",
)
def save_draft(request, agreement_id: Id, payload: AgreementDraftIn) -> AgreementVersionDetailOut:
    """Every rule of the draft is replaced; approvals already given are cleared. The draft
    does not apply until the employer and every union party have approved it. Coordinators
    and organisation administrators."""
    actor = request.api_actor
    agreement = _agreement(actor, agreement_id)
    unions, measure_types = _parties(actor, payload)
    fields = payload.dict(exclude={"union_ids", "measure_type_ids"})
    with fields_renamed(ID_FIELDS):
        v = version_draft_save(
            actor=actor, agreement=agreement, unions=unions, measure_types=measure_types, **fields
        )
    return version_detail_out(_version(actor, agreement_id, v.pk))


@router.post(
    "/{agreement_id}/versions/{version_id}/approve",
    response={200: AgreementVersionDetailOut, 400: ErrorOut, 403: ErrorOut, 409: ErrorOut},
    summary="Approve a draft version for one party",
)
def approve_version(
    request, agreement_id: Id, version_id: Id, payload: AgreementApprovalIn
) -> AgreementVersionDetailOut:
    """For the employer (`union_id` null: a coordinator, an organisation administrator or a
    decision maker) or a union (a representative of that union). Once every party has
    approved, the version comes into force on its date (at once when the date has come)."""
    ensure_recent_auth(request)
    actor = request.api_actor
    version = _version(actor, agreement_id, version_id)
    union = None
    if payload.union_id is not None:
        union = unions_for_org(organisation=actor.organisation).filter(pk=payload.union_id).first()
        if union is None:
            raise DomainError(_("Välj fackförbund i organisationen."), field="union_id")
    version_approve(actor=actor, version=version, union=union)
    return version_detail_out(_version(actor, agreement_id, version_id))


@router.post(
    "/{agreement_id}/versions/{version_id}/withdraw",
    response={204: None, 400: ErrorOut, 403: ErrorOut, 409: ErrorOut},
    summary="Withdraw a draft version",
)
def withdraw_version(request, agreement_id: Id, version_id: Id) -> Status:
    """Discards a version not yet in force. Coordinators and organisation administrators."""
    actor = request.api_actor
    version_withdraw(actor=actor, version=_version(actor, agreement_id, version_id))
    return Status(204, None)


@information_router.get(
    "", response=InformationOut, summary="What the funds can pay for (the agreement in force)"
)
def information(request) -> InformationOut:
    a = agreement_current(organisation=request.api_actor.organisation, on=timezone.localdate())
    return InformationOut(agreement=agreement_out(a) if a is not None else None)
