"""Who is acting, in which organisation, with which roles: computed once per request."""

from dataclasses import dataclass, field

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
    employee: Employee | None = None
    all_organisations: tuple[Organisation, ...] = field(default=(), compare=False)

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
    user has no role anywhere. Two queries: memberships, and the employee record."""
    memberships = list(Membership.objects.filter(user=user).select_related("organisation", "unit"))
    if not memberships:
        return None
    orgs: dict[int, Organisation] = {}
    for m in memberships:
        orgs.setdefault(m.organisation_id, m.organisation)
    org_id = organisation_id if organisation_id in orgs else next(iter(orgs))
    mine = [m for m in memberships if m.organisation_id == org_id]
    employee = (
        Employee.objects.filter(user=user, organisation_id=org_id).select_related("unit").first()
    )
    return Actor(
        user=user,
        organisation=orgs[org_id],
        roles=frozenset(m.role for m in mine),
        manager_unit_paths=tuple(m.unit.path for m in mine if m.role == Role.MANAGER and m.unit),
        union_ids=tuple(m.union_id for m in mine if m.role == Role.UNION_REP and m.union_id),
        employee=employee,
        all_organisations=tuple(sorted(orgs.values(), key=lambda o: o.name)),
    )
