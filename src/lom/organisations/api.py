"""The organisation, its staff, users and roles, mounted at /api/v1/organisation; the caller
(`GET /me`), mounted at /api/v1/me. Organisation administrators only, as the pages."""

from datetime import date

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from lom.accounts.api_reauth import ensure_recent_auth
from lom.common.errors import DomainError, PermissionDeniedError
from lom.common.pagination import keyset_page
from lom.common.schemas import DEFAULT_LIMIT, Cursor, Day, ErrorOut, Id, Limit, Page
from lom.organisations import services
from lom.organisations.models import Employee, Membership, Role, Union, Unit
from lom.organisations.selectors import (
    employee_get,
    employees_for_org,
    membership_get,
    memberships_for_org,
    unions_for_org,
    units_for_org,
)

router = Router(tags=["organisation"])
me_router = Router(tags=["organisation"])
Search = Query("", max_length=100, description="A word of the name (or code, e-mail).")


class UnitOut(Schema):
    id: int
    name: str
    code: str
    parent_id: int | None
    path: str


class UnitIn(Schema):
    name: str = Field(min_length=1, max_length=200)
    code: str = Field("", max_length=40)
    parent_id: Id | None = None


class EmployeeOut(Schema):
    id: int
    first_name: str
    last_name: str
    email: str
    unit_id: int
    user_id: int | None
    occupational_group: str
    employment_start: date
    employment_form: str
    birth_year: int
    gender: str
    active: bool


class EmployeeIn(Schema):
    """As the employee's form; PUT replaces every field."""

    first_name: str = Field(min_length=1, max_length=100)
    last_name: str = Field(min_length=1, max_length=100)
    email: str = Field("", max_length=254)
    unit_id: Id
    occupational_group: str = Field("", max_length=100)
    employment_start: Day
    employment_form: Employee.EmploymentForm = Employee.EmploymentForm.PERMANENT
    birth_year: int = Field(ge=1900, le=2100)
    gender: Employee.Gender
    active: bool = True


class UnionOut(Schema):
    id: int
    name: str


class UnionIn(Schema):
    name: str = Field(min_length=1, max_length=200)


class MembershipOut(Schema):
    id: int
    user_id: int
    username: str
    name: str
    role: str
    unit_id: int | None
    union_id: int | None
    source: str


class MembershipIn(Schema):
    """Grant a role to the account `username`; a new account is made (with `email`) when
    there is none."""

    username: str = Field(min_length=1, max_length=150)
    email: str = Field("", max_length=254)
    role: Role
    unit_id: Id | None = None
    union_id: Id | None = None


class OrganisationRefOut(Schema):
    id: int
    name: str


class MeOut(Schema):
    """The caller: who they are, the organisation the request acts in (`X-LOM-Organisation`),
    their roles there, and the organisations they may choose."""

    user_id: int
    username: str
    name: str
    email: str
    language: str
    organisation: OrganisationRefOut
    roles: list[Role]
    role_labels: list[str]
    employee_id: int | None
    organisations: list[OrganisationRefOut]


def _admin(request):
    actor = request.api_actor
    if not actor.has(Role.ORG_ADMIN):
        raise PermissionDeniedError(_("Din roll får inte göra detta."))
    return actor


def _in_org(qs, pk: int | None, field: str):
    """The row `pk` of the organisation's `qs`, or a refusal naming the field."""
    if pk is None:
        return None
    row = qs.filter(pk=pk).first()
    if row is None:
        raise DomainError(_("Välj en i organisationen."), field=field)
    return row


def _membership_out(m: Membership) -> MembershipOut:
    return MembershipOut(
        id=m.pk,
        user_id=m.user_id,
        username=m.user.username,
        name=str(m.user),
        role=m.role,
        unit_id=m.unit_id,
        union_id=m.union_id,
        source=m.source,
    )


@me_router.get("", response=MeOut, summary="The caller, their organisation and roles")
def me(request) -> MeOut:
    actor = request.api_actor
    user = actor.user
    return MeOut(
        user_id=user.pk,
        username=user.username,
        name=str(user),
        email=user.email,
        language=user.language,
        organisation=OrganisationRefOut(id=actor.organisation.pk, name=actor.organisation.name),
        roles=sorted(actor.roles),
        role_labels=[str(Role(r).label) for r in sorted(actor.roles)],
        employee_id=actor.employee.pk if actor.employee is not None else None,
        organisations=[OrganisationRefOut(id=o.pk, name=o.name) for o in actor.all_organisations],
    )


@router.get("/units", response=Page[UnitOut], summary="List the organisation's units")
def list_units(
    request,
    q: str = Search,
    parent_id: Id | None = None,
    cursor: Cursor | None = None,
    limit: Limit = DEFAULT_LIMIT,
) -> Page[UnitOut]:
    """In tree order; `parent_id` only the units directly under that unit."""
    actor = _admin(request)
    qs = units_for_org(organisation=actor.organisation, q=q, parent_id=parent_id)
    rows, nxt = keyset_page(qs, cursor=cursor, limit=limit, order=("path", "id"))
    return Page[UnitOut](items=[UnitOut.model_validate(u) for u in rows], next_cursor=nxt)


@router.post("/units", response={201: UnitOut, 400: ErrorOut}, summary="Add a unit")
def create_unit(request, payload: UnitIn) -> Status:
    actor = _admin(request)
    units = units_for_org(organisation=actor.organisation)
    parent: Unit | None = _in_org(units, payload.parent_id, "parent_id")
    unit = services.unit_create(
        actor=actor.user,
        organisation=actor.organisation,
        name=payload.name,
        code=payload.code,
        parent=parent,
    )
    return Status(201, UnitOut.model_validate(unit))


@router.get("/employees", response=Page[EmployeeOut], summary="List the employees")
def list_employees(
    request, q: str = Search, cursor: Cursor | None = None, limit: Limit = DEFAULT_LIMIT
) -> Page[EmployeeOut]:
    """By last name; `q` a word of the first or last name or the e-mail address."""
    actor = _admin(request)
    qs = employees_for_org(organisation=actor.organisation, q=q)
    rows, nxt = keyset_page(qs, cursor=cursor, limit=limit, order=("last_name", "id"))
    return Page[EmployeeOut](items=[EmployeeOut.model_validate(e) for e in rows], next_cursor=nxt)


def _employee_save(actor, payload: EmployeeIn, employee: Employee | None) -> Employee:
    units = units_for_org(organisation=actor.organisation)
    unit: Unit = _in_org(units, payload.unit_id, "unit_id")
    fields = payload.dict(exclude={"unit_id"})
    try:
        return services.employee_save(
            actor=actor.user,
            organisation=actor.organisation,
            unit=unit,
            employee=employee,
            **fields,
        )
    except DomainError as exc:
        exc.field = "unit_id" if exc.field == "unit" else exc.field
        raise


@router.post("/employees", response={201: EmployeeOut, 400: ErrorOut}, summary="Add an employee")
def create_employee(request, payload: EmployeeIn) -> Status:
    actor = _admin(request)
    return Status(201, EmployeeOut.model_validate(_employee_save(actor, payload, None)))


@router.get("/employees/{employee_id}", response=EmployeeOut, summary="Read an employee")
def get_employee(request, employee_id: Id) -> EmployeeOut:
    actor = _admin(request)
    return EmployeeOut.model_validate(employee_get(organisation=actor.organisation, pk=employee_id))


@router.put(
    "/employees/{employee_id}",
    response={200: EmployeeOut, 400: ErrorOut},
    summary="Change an employee",
)
def update_employee(request, employee_id: Id, payload: EmployeeIn) -> EmployeeOut:
    """Every field is replaced."""
    actor = _admin(request)
    employee = employee_get(organisation=actor.organisation, pk=employee_id)
    return EmployeeOut.model_validate(_employee_save(actor, payload, employee))


@router.get("/unions", response=Page[UnionOut], summary="List the local unions")
def list_unions(
    request, cursor: Cursor | None = None, limit: Limit = DEFAULT_LIMIT
) -> Page[UnionOut]:
    actor = _admin(request)
    qs = unions_for_org(organisation=actor.organisation)
    rows, nxt = keyset_page(qs, cursor=cursor, limit=limit, order=("name", "id"))
    return Page[UnionOut](items=[UnionOut.model_validate(u) for u in rows], next_cursor=nxt)


@router.post("/unions", response={201: UnionOut, 400: ErrorOut}, summary="Add a local union")
def create_union(request, payload: UnionIn) -> Status:
    actor = _admin(request)
    union = services.union_create(
        actor=actor.user, organisation=actor.organisation, name=payload.name
    )
    return Status(201, UnionOut.model_validate(union))


@router.get("/memberships", response=Page[MembershipOut], summary="List the users and their roles")
def list_memberships(
    request, cursor: Cursor | None = None, limit: Limit = DEFAULT_LIMIT
) -> Page[MembershipOut]:
    actor = _admin(request)
    qs = memberships_for_org(organisation=actor.organisation)
    rows, nxt = keyset_page(qs, cursor=cursor, limit=limit, order=("id",))
    return Page[MembershipOut](items=[_membership_out(m) for m in rows], next_cursor=nxt)


@router.post(
    "/memberships",
    response={201: MembershipOut, 400: ErrorOut},
    summary="Grant a role to a user",
)
def grant_membership(request, payload: MembershipIn) -> Status:
    """A manager's role needs `unit_id`, a union representative's `union_id`."""
    actor = _admin(request)
    ensure_recent_auth(request)  # as the roles page: a session must be a recent sign-in
    org = actor.organisation
    unit: Unit | None = _in_org(units_for_org(organisation=org), payload.unit_id, "unit_id")
    union: Union | None = _in_org(unions_for_org(organisation=org), payload.union_id, "union_id")
    try:
        membership = services.membership_grant_by_username(
            actor=actor.user,
            organisation=org,
            username=payload.username,
            email=payload.email,
            role=payload.role,
            unit=unit,
            union=union,
        )
    except DomainError as exc:
        exc.field = {"unit": "unit_id", "union": "union_id"}.get(exc.field or "", exc.field)
        raise
    return Status(201, _membership_out(membership_get(organisation=org, pk=membership.pk)))


@router.delete(
    "/memberships/{membership_id}",
    response={204: None, 400: ErrorOut},
    summary="Take a role away from a user",
)
def revoke_membership(request, membership_id: Id) -> Status:
    """An administrator cannot take away their own administrator role (400)."""
    actor = _admin(request)
    ensure_recent_auth(request)  # as the roles page: a session must be a recent sign-in
    membership = membership_get(organisation=actor.organisation, pk=membership_id)
    services.membership_revoke(actor=actor.user, membership=membership)
    return Status(204, None)
