"""Who is acting, in which organisation, with which roles: computed once per request."""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import OuterRef, Subquery

from lom.accounts.models import User
from lom.organisations.models import Employee, Membership, Organisation, Role

STAFF_ROLES = frozenset({Role.COORDINATOR, Role.DECISION_MAKER, Role.AUDITOR, Role.ORG_ADMIN})


@dataclass(frozen=True)
class Actor:
    user: User
    organisation: Organisation
    roles: frozenset[str]
    manager_unit_paths: tuple[str, ...] = ()
    union_ids: tuple[int, ...] = ()
    # The user's employee record in this organisation: its id is known from the start, the
    # record itself is read on first use (most staff pages never need it).
    employee_id: int | None = None
    all_organisations: tuple[Organisation, ...] = field(default=(), compare=False)
    _read: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def employee(self) -> Employee | None:
        if self.employee_id is None:
            return None
        if "employee" not in self._read:
            self._read["employee"] = (
                Employee.objects.filter(pk=self.employee_id).select_related("unit").first()
            )
        return self._read["employee"]

    def has(self, *roles: str) -> bool:
        return any(r in self.roles for r in roles)

    @property
    def is_coordinator(self) -> bool:
        return Role.COORDINATOR in self.roles

    @property
    def is_staff_reader(self) -> bool:
        """Reads every submitted case of the organisation."""
        return bool(self.roles & STAFF_ROLES)

    @property
    def is_union_rep(self) -> bool:
        return Role.UNION_REP in self.roles

    @property
    def is_manager(self) -> bool:
        return Role.MANAGER in self.roles

    def manages_path(self, unit_path: str) -> bool:
        return any(unit_path.startswith(p) for p in self.manager_unit_paths)


def actor_for(*, user: User, organisation_id: int | None = None) -> Actor | None:
    """The actor for `user` in the given organisation (or their first one). None when the
    user has no role anywhere. One query (the memberships, with the id of the user's employee
    record in each organisation); the employee record is read when first used."""
    employee = Employee.objects.filter(user=user, organisation=OuterRef("organisation_id"))
    memberships = list(
        Membership.objects.filter(user=user)
        .select_related("organisation", "unit")
        .annotate(own_employee_id=Subquery(employee.order_by("pk").values("pk")[:1]))
    )
    if not memberships:
        return None
    orgs: dict[int, Organisation] = {}
    for m in memberships:
        orgs.setdefault(m.organisation_id, m.organisation)
    org_id = organisation_id if organisation_id in orgs else next(iter(orgs))
    mine = [m for m in memberships if m.organisation_id == org_id]
    return Actor(
        user=user,
        organisation=orgs[org_id],
        roles=frozenset(m.role for m in mine),
        manager_unit_paths=tuple(m.unit.path for m in mine if m.role == Role.MANAGER and m.unit),
        union_ids=tuple(m.union_id for m in mine if m.role == Role.UNION_REP and m.union_id),
        employee_id=mine[0].own_employee_id,
        all_organisations=tuple(sorted(orgs.values(), key=lambda o: o.name)),
    )
