from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from lom.accounts.models import User
from lom.common.audit import audit
from lom.common.errors import DomainError
from lom.common.validation import fields_within
from lom.organisations.models import Employee, Membership, Organisation, Role, Union, Unit
from lom.organisations.signals import unit_paths_changed

UPDATE_BATCH = 200  # bulk_update writes CASE WHEN pk = … per row: its cost grows with the batch


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


ORGANISATION_FIELDS = ("name", "slug", "org_number", "kind")


@transaction.atomic(durable=True)
def organisation_save(
    *,
    actor: User | None,
    organisation: Organisation | None = None,
    name: str,
    slug: str,
    org_number: str = "",
    kind: str = Organisation.Kind.AGENCY,
) -> Organisation:
    """Create an organisation, or change its name, slug and organisation number (its kind is
    fixed once created: agencies and funds keep different data)."""
    values = {"name": name.strip(), "slug": slug.strip(), "org_number": org_number.strip()}
    if not values["name"]:
        raise DomainError(_("Ange organisationens namn."), field="name")
    if not values["slug"]:
        raise DomainError(_("Ange en kortadress."), field="slug")
    if kind not in Organisation.Kind.values:
        raise DomainError(_("Okänd organisationstyp."), field="kind")
    fields_within(Organisation, values)
    taken = Organisation.objects.filter(slug=values["slug"])
    if organisation is not None:
        taken = taken.exclude(pk=organisation.pk)
    if taken.exists():
        raise DomainError(_("Kortadressen används redan."), field="slug")
    before: dict[str, str] = {}
    if organisation is None:
        organisation = Organisation(kind=kind)
    else:
        organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
        before = {f: getattr(organisation, f) for f in ORGANISATION_FIELDS}
    for field, value in values.items():
        setattr(organisation, field, value)
    organisation.save()
    audit(
        organisation_id=organisation.pk,
        actor=actor,
        action="organisation.update" if before else "organisation.create",
        target=organisation,
        before=before,
        after={f: getattr(organisation, f) for f in ORGANISATION_FIELDS},
    )
    return organisation


def _refuse_cycle(unit: Unit, parent: Unit | None) -> None:
    """The new parent may not be the unit itself nor lie in its subtree (walked by parent
    links, so a stale path cannot hide a cycle)."""
    if parent is None:
        return
    if parent.organisation_id != unit.organisation_id:
        raise DomainError(
            _("Den överordnade enheten tillhör en annan organisation."), field="parent"
        )
    parents = dict(
        Unit.objects.filter(organisation_id=unit.organisation_id).values_list("pk", "parent_id")
    )
    node: int | None = parent.pk
    seen: set[int] = set()
    while node is not None and node not in seen:
        if node == unit.pk:
            raise DomainError(_("En enhet kan inte placeras under sig själv."), field="parent")
        seen.add(node)
        node = parents.get(node)


def unit_paths_recompute(*, organisation: Organisation) -> list[int]:  # step: caller's transaction
    """Every unit's path from its parent links (moved subtrees included), written in bulk for
    the units whose path changed; the packages that copy paths follow (`unit_paths_changed`).
    Returns the ids of the units whose path changed."""
    rows = dict(Unit.objects.filter(organisation=organisation).values_list("pk", "parent_id"))
    old = dict(Unit.objects.filter(organisation=organisation).values_list("pk", "path"))
    paths: dict[int, str] = {}

    def path_of(pk: int) -> str:
        trail = []
        node: int | None = pk
        while node is not None and node not in paths:
            trail.append(node)
            node = rows[node]
        base = paths[node] if node is not None else "/"
        for n in reversed(trail):
            base = paths[n] = f"{base}{n}/"
        return paths[pk]

    moved = [Unit(pk=pk, path=path_of(pk)) for pk in rows if path_of(pk) != old[pk]]
    Unit.objects.bulk_update(moved, ["path"], batch_size=UPDATE_BATCH)
    moved_ids = [u.pk for u in moved]
    if moved_ids:
        unit_paths_changed.send(sender=Unit, organisation_id=organisation.pk, unit_ids=moved_ids)
    return moved_ids


@transaction.atomic(durable=True)
def unit_update(
    *,
    actor: User | None,
    unit: Unit,
    name: str,
    parent: Unit | None,
    code: str = "",
) -> Unit:
    """Rename a unit, change its code, or move it under another parent: a move recomputes
    the paths of its whole subtree and the copies cases keep, in the same transaction."""
    if not name.strip():
        raise DomainError(_("Ange enhetens namn."), field="name")
    fields_within(Unit, {"name": name.strip(), "code": code})
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    moved = (parent is not None and parent.pk != unit.parent_id) or (
        parent is None and unit.parent_id is not None
    )
    if moved:
        _refuse_cycle(unit, parent)
    before = {"name": unit.name, "code": unit.code, "parent": unit.parent_id, "path": unit.path}
    unit.name, unit.code, unit.parent = name.strip(), code, parent
    unit.save(update_fields=["name", "code", "parent"])
    if moved:
        unit_paths_recompute(organisation=unit.organisation)
        unit.refresh_from_db(fields=["path"])
    audit(
        organisation_id=unit.organisation_id,
        actor=actor,
        action="unit.move" if moved else "unit.update",
        target=unit,
        before=before,
        after={"name": unit.name, "code": unit.code, "parent": unit.parent_id, "path": unit.path},
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


def _check_role(
    organisation: Organisation, role: str, unit: Unit | None, union: Union | None
) -> None:
    if role not in Role.values:
        raise DomainError(_("Okänd roll."), field="role")
    if role == Role.MANAGER and unit is None:
        raise DomainError(_("En chef behöver en enhet."), field="unit")
    if role == Role.UNION_REP and union is None:
        raise DomainError(_("En facklig företrädare behöver ett fackförbund."), field="union")
    for obj in (unit, union):
        if obj is not None and obj.organisation_id != organisation.pk:
            raise DomainError(_("Enheten eller förbundet tillhör en annan organisation."))


def _membership_state(membership: Membership) -> dict[str, object]:
    return {
        "user": membership.user.username,
        "role": membership.role,
        "unit": membership.unit_id,
        "union": membership.union_id,
    }


@transaction.atomic(durable=True)
def membership_change(
    *,
    actor: User | None,
    membership: Membership,
    role: str,
    unit: Unit | None = None,
    union: Union | None = None,
) -> Membership:
    """Change the role (and its unit or union) of one membership, audited before and after."""
    membership = Membership.objects.select_for_update().select_related("user").get(pk=membership.pk)
    _check_role(membership.organisation, role, unit, union)
    unit = unit if role == Role.MANAGER else None
    clash = Membership.objects.filter(
        user_id=membership.user_id, organisation_id=membership.organisation_id, role=role, unit=unit
    ).exclude(pk=membership.pk)
    if clash.exists():
        raise DomainError(_("Användaren har redan den rollen."), field="role")
    before = _membership_state(membership)
    membership.role = role
    membership.unit = unit
    membership.union = union if role == Role.UNION_REP else None
    membership.save(update_fields=["role", "unit", "union"])
    audit(
        organisation_id=membership.organisation_id,
        actor=actor,
        action="membership.change",
        target=membership,
        before=before,
        after=_membership_state(membership),
    )
    return membership


def _do_membership_grant(
    *,
    actor: User | None,
    organisation: Organisation,
    user: User,
    role: str,
    unit: Unit | None,
    union: Union | None,
) -> Membership:
    _check_role(organisation, role, unit, union)
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
    """Take a role away. An administrator cannot take away their own administrator role (the
    organisation would risk having none)."""
    if actor is not None and membership.user_id == actor.pk and membership.role == Role.ORG_ADMIN:
        raise DomainError(_("Du kan inte ta bort din egen administratörsroll."), code="own_role")
    audit(
        organisation_id=membership.organisation_id,
        actor=actor,
        action="membership.revoke",
        target=membership,
        before=_membership_state(membership),
    )
    membership.delete()
