from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from lom.accounts.models import User
from lom.common.audit import audit
from lom.common.errors import DomainError
from lom.common.validation import fields_within
from lom.organisations.models import Employee, Membership, Organisation, Role, Union, Unit


@transaction.atomic(durable=True)
def unit_create(
    *,
    actor: User | None,
    organisation: Organisation,
    name: str,
    parent: Unit | None = None,
    code: str = "",
) -> Unit:
    if parent is not None and parent.organisation_id != organisation.pk:
        raise DomainError(
            _("Den överordnade enheten tillhör en annan organisation."), field="parent"
        )
    if not name.strip():
        raise DomainError(_("Ange enhetens namn."), field="name")
    fields_within(Unit, {"name": name.strip(), "code": code})
    unit = Unit.objects.create(
        organisation=organisation, parent=parent, name=name.strip(), code=code
    )
    unit.path = f"{parent.path if parent else '/'}{unit.pk}/"
    unit.save(update_fields=["path"])
    audit(
        organisation_id=organisation.pk,
        actor=actor,
        action="unit.create",
        target=unit,
        after={"name": unit.name, "parent": parent.pk if parent else None},
    )
    return unit


@transaction.atomic(durable=True)
def union_create(*, actor: User | None, organisation: Organisation, name: str) -> Union:
    if not name.strip():
        raise DomainError(_("Ange förbundets namn."), field="name")
    fields_within(Union, {"name": name.strip()})
    union, created = Union.objects.get_or_create(organisation=organisation, name=name.strip())
    if created:
        audit(
            organisation_id=organisation.pk,
            actor=actor,
            action="union.create",
            target=union,
            after={"name": union.name},
        )
    return union


EMPLOYEE_FIELDS = (
    "first_name",
    "last_name",
    "email",
    "occupational_group",
    "employment_start",
    "employment_form",
    "birth_year",
    "gender",
    "active",
)


def _check_employee(
    organisation: Organisation, unit: Unit, birth_year: int, employment_start: date
) -> None:
    if unit.organisation_id != organisation.pk:
        raise DomainError(_("Enheten tillhör en annan organisation."), field="unit")
    this_year = date.today().year
    if not (this_year - 80 <= birth_year <= this_year - 14):
        raise DomainError(_("Födelseåret verkar inte stämma."), field="birth_year")
    if employment_start > date.today():
        raise DomainError(
            _("Anställningsdatum kan inte ligga i framtiden."), field="employment_start"
        )


@transaction.atomic(durable=True)
def employee_number_set(
    *, actor: User | None, employee: Employee, employee_number: str
) -> Employee:
    """Set the HR system's employee number, which sign-in and provisioning link by."""
    number = employee_number.strip()
    fields_within(Employee, {"employee_number": number})
    clash = (
        Employee.objects.filter(organisation_id=employee.organisation_id, employee_number=number)
        .exclude(pk=employee.pk)
        .exists()
    )
    if number and clash:
        raise DomainError(
            _("Anställningsnumret används redan i organisationen."), field="employee_number"
        )
    before = employee.employee_number
    employee.employee_number = number
    employee.save(update_fields=["employee_number"])
    audit(
        organisation_id=employee.organisation_id,
        actor=actor,
        action="employee.update",
        target=employee,
        before={"employee_number": before},
        after={"employee_number": number},
    )
    return employee


@transaction.atomic(durable=True)
def employee_save(
    *,
    actor: User | None,
    organisation: Organisation,
    unit: Unit,
    employee: Employee | None = None,
    **fields,
) -> Employee:
    _check_employee(organisation, unit, fields["birth_year"], fields["employment_start"])
    fields_within(Employee, {k: v for k, v in fields.items() if k in EMPLOYEE_FIELDS})
    before = {}
    if employee is None:
        employee = Employee(organisation=organisation)
    else:
        if employee.organisation_id != organisation.pk:
            raise DomainError(_("Medarbetaren tillhör en annan organisation."))
        before = {f: str(getattr(employee, f)) for f in EMPLOYEE_FIELDS} | {
            "unit": employee.unit_id
        }
    employee.unit = unit
    for name in EMPLOYEE_FIELDS:
        if name in fields:
            setattr(employee, name, fields[name])
    employee.save()
    audit(
        organisation_id=organisation.pk,
        actor=actor,
        action="employee.update" if before else "employee.create",
        target=employee,
        before=before,
        after={f: str(getattr(employee, f)) for f in EMPLOYEE_FIELDS} | {"unit": unit.pk},
    )
    return employee


@transaction.atomic(durable=True)
def membership_grant(
    *,
    actor: User | None,
    organisation: Organisation,
    user: User,
    role: str,
    unit: Unit | None = None,
    union: Union | None = None,
) -> Membership:
    return _do_membership_grant(
        actor=actor, organisation=organisation, user=user, role=role, unit=unit, union=union
    )


@transaction.atomic(durable=True)
def membership_grant_by_username(
    *,
    actor: User | None,
    organisation: Organisation,
    username: str,
    email: str = "",
    role: str,
    unit: Unit | None = None,
    union: Union | None = None,
) -> Membership:
    """Grant a role to the account `username`, creating the account (with `email`) when there
    is none: both or neither, so a refused grant leaves no new account behind."""
    user = _user_get_or_create(username=username, email=email)
    return _do_membership_grant(
        actor=actor, organisation=organisation, user=user, role=role, unit=unit, union=union
    )


def _user_get_or_create(*, username: str, email: str) -> User:
    username = username.strip()
    if not username:
        raise DomainError(_("Ange användarnamnet."), field="username")
    fields_within(User, {"username": username, "email": email})
    user, _created = User.objects.get_or_create(username=username, defaults={"email": email})
    return user


def _do_membership_grant(
    *,
    actor: User | None,
    organisation: Organisation,
    user: User,
    role: str,
    unit: Unit | None,
    union: Union | None,
) -> Membership:
    if role not in Role.values:
        raise DomainError(_("Okänd roll."), field="role")
    if role == Role.MANAGER and unit is None:
        raise DomainError(_("En chef behöver en enhet."), field="unit")
    if role == Role.UNION_REP and union is None:
        raise DomainError(_("En facklig företrädare behöver ett fackförbund."), field="union")
    for obj in (unit, union):
        if obj is not None and obj.organisation_id != organisation.pk:
            raise DomainError(_("Enheten eller förbundet tillhör en annan organisation."))
    membership, _created = Membership.objects.get_or_create(
        user=user,
        organisation=organisation,
        role=role,
        unit=unit if role == Role.MANAGER else None,
        defaults={"union": union if role == Role.UNION_REP else None},
    )
    audit(
        organisation_id=organisation.pk,
        actor=actor,
        action="membership.grant",
        target=membership,
        after={"user": user.username, "role": role},
    )
    return membership


@transaction.atomic(durable=True)
def membership_revoke(*, actor: User | None, membership: Membership) -> None:
    audit(
        organisation_id=membership.organisation_id,
        actor=actor,
        action="membership.revoke",
        target=membership,
        before={"user": membership.user.username, "role": membership.role},
    )
    membership.delete()
