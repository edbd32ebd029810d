"""Local agreements, mounted at /api/v1/agreements, and what the information page shows,
mounted at /api/v1/information."""

from datetime import date

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from lom.agreements.models import DecisionModel, LocalAgreement
from lom.agreements.selectors import agreement_current, agreements_for_org, measure_types_with_ids
from lom.agreements.services import agreement_save
from lom.common.bounds import MAX_AMOUNT_ORE, TEXT_MAX
from lom.common.errors import DomainError, PermissionDeniedError
from lom.common.pagination import keyset_page
from lom.common.schemas import DEFAULT_LIMIT, Cursor, Day, ErrorOut, Id, Limit, Page
from lom.organisations.selectors import unions_for_org

router = Router(tags=["agreements"])
information_router = Router(tags=["agreements"])
# Who writes an agreement (as its form).
AGREEMENT_EDITORS = ("coordinator", "org_admin")
MAX_IDS = 100


class AgreementOut(Schema):
    id: int
    title: str
    valid_from: date
    valid_to: date | None
    decision_model: str
    purpose_text: str
    exclusions: str
    excludes_ordinary_training: bool
    application_kinds: list[str]
    requires_manager_endorsement: bool
    applicant_participation: bool
    objection_days: int
    cap_per_person_ore: int | None
    cap_per_application_ore: int | None
    allows_carry_over: bool
    follow_up_text: str
    union_ids: list[int]
    measure_type_ids: list[int]


class AgreementIn(Schema):
    """As the agreement's form; PUT replaces every field."""

    title: str = Field(min_length=1, max_length=200)
    valid_from: Day
    valid_to: Day | None = None
    decision_model: DecisionModel = DecisionModel.HR_DECIDES
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
    allows_carry_over: bool = True
    follow_up_text: str = Field("", max_length=TEXT_MAX)
    cap_per_person_ore: int | None = Field(None, ge=0, le=MAX_AMOUNT_ORE)
    cap_per_application_ore: int | None = Field(None, ge=0, le=MAX_AMOUNT_ORE)
    union_ids: list[Id] = Field([], max_length=MAX_IDS)
    measure_type_ids: list[Id] = Field(min_length=1, max_length=MAX_IDS)


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


def _save(actor, payload: AgreementIn, instance: LocalAgreement | None) -> LocalAgreement:
    fields = payload.dict(exclude={"union_ids", "measure_type_ids"})
    unions = list(unions_for_org(organisation=actor.organisation).filter(pk__in=payload.union_ids))
    if len(unions) != len(set(payload.union_ids)):
        raise DomainError(_("Välj fackförbund i organisationen."), field="union_ids")
    measure_types = measure_types_with_ids(ids=payload.measure_type_ids)
    if len(measure_types) != len(set(payload.measure_type_ids)):
        raise DomainError(_("Okänd insatstyp."), field="measure_type_ids")
    try:
        saved = agreement_save(
            actor=actor.user,
            organisation=actor.organisation,
            agreement=instance,
            unions=unions,
            measure_types=measure_types,
            **fields,
        )
    except DomainError as exc:
        names = {"measure_types": "measure_type_ids", "unions": "union_ids"}
        exc.field = names.get(exc.field or "", exc.field)
        raise
    return _agreement(actor, saved.pk)


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
    """Every field is replaced. Coordinators and organisation administrators."""
    actor = _editor(request)
    instance = _agreement(actor, agreement_id)
    return agreement_out(_save(actor, payload, instance))


@information_router.get(
    "", response=InformationOut, summary="What the funds can pay for (the agreement in force)"
)
def information(request) -> InformationOut:
    a = agreement_current(organisation=request.api_actor.organisation, on=timezone.localdate())
    return InformationOut(agreement=agreement_out(a) if a is not None else None)
