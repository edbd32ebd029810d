from django.db.models import Count, Q, QuerySet
from django.http import Http404

from lom.accounts.models import User
from lom.organisations.models import Employee, Membership, Organisation, Role, Union, Unit


def units_for_org(
    *, organisation: Organisation, q: str = "", parent_id: int | None = None
) -> QuerySet[Unit]:
    """The organisation's units in tree order; `q` a word of the name or the code,
    `parent_id` only the units directly under that unit."""
    qs = Unit.objects.filter(organisation=organisation).order_by("path")
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(code__icontains=q))
    if parent_id is not None:
        qs = qs.filter(parent_id=parent_id)
    return qs


def unions_for_org(*, organisation: Organisation) -> QuerySet[Union]:
    return Union.objects.filter(organisation=organisation)


def units_managed(*, organisation: Organisation, paths: tuple[str, ...]) -> list[Unit]:
    units = list(units_for_org(organisation=organisation))
    return [u for u in units if any(u.path.startswith(p) for p in paths)]


def employees_for_org(
    *, organisation: Organisation, q: str = "", unit: Unit | None = None
) -> QuerySet[Employee]:
    qs = Employee.objects.filter(organisation=organisation).select_related("unit", "user")
    if unit is not None:
        qs = qs.filter(unit__path__startswith=unit.path)
    if q:
        qs = qs.filter(
            Q(first_name__icontains=q) | Q(last_name__icontains=q) | Q(email__icontains=q)
        )
    return qs


def employees_in_paths(*, organisation: Organisation, paths: tuple[str, ...]) -> QuerySet[Employee]:
    q = Q()
    for p in paths:
        q |= Q(unit__path__startswith=p)
    return (
        Employee.objects.filter(organisation=organisation, active=True)
        .filter(q)
        .select_related("unit")
    )


def managers_for_unit(*, organisation: Organisation, unit: Unit) -> list[Membership]:
    """Managers whose subtree holds the unit, nearest first."""
    rows = Membership.objects.filter(organisation=organisation, role=Role.MANAGER).select_related(
        "user", "unit"
    )
    mine = [m for m in rows if m.unit and unit.path.startswith(m.unit.path)]
    return sorted(mine, key=lambda m: -len(m.unit.path if m.unit else ""))


def membership_get(*, organisation: Organisation, pk: int) -> Membership:
    """A membership of the organisation, or 404."""
    membership = (
        Membership.objects.filter(organisation=organisation, pk=pk).select_related("user").first()
    )
    if membership is None:
        raise Http404
    return membership


def employee_get(*, organisation: Organisation, pk: int) -> Employee:
    """An employee of the organisation, or 404."""
    employee = employees_for_org(organisation=organisation).filter(pk=pk).first()
    if employee is None:
        raise Http404
    return employee


def memberships_for_org(*, organisation: Organisation) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(organisation=organisation)
        .select_related("user", "unit", "union")
        .order_by("user__last_name", "user__username", "role")
    )


# Size bands shown instead of exact head counts wherever organisations are compared or
# published, so a figure cannot be tied back to one organisation by its size.
SIZE_BANDS: tuple[tuple[int, int | None, str], ...] = (
    (0, 49, "1–49"),
    (50, 249, "50–249"),
    (250, 999, "250–999"),
    (1000, 4999, "1 000–4 999"),
    (5000, None, "5 000+"),
)


def size_band(employee_count: int) -> str:
    """The band label for a head count."""
    for low, high, label in SIZE_BANDS:
        if employee_count >= low and (high is None or employee_count <= high):
            return label
    return SIZE_BANDS[0][2]


def active_employee_counts(*, organisation_ids: list[int] | None = None) -> dict[int, int]:
    """Active employees per organisation id, in one grouped query."""
    qs = Employee.objects.filter(active=True)
    if organisation_ids is not None:
        qs = qs.filter(organisation_id__in=organisation_ids)
    rows = qs.values("organisation_id").annotate(n=Count("id"))
    return {r["organisation_id"]: r["n"] for r in rows}


def users_with_roles(organisation_id: int, *roles: str) -> list[User]:
    """The users who hold one of `roles` in the organisation (whom a notification goes to)."""
    return [
        m.user
        for m in Membership.objects.filter(
            organisation_id=organisation_id, role__in=roles
        ).select_related("user")
    ]


def managers_over_path(*, organisation_id: int, path: str) -> list[User]:
    """The managers of the unit at `path` and of every unit above it."""
    rows = Membership.objects.filter(
        organisation_id=organisation_id, role=Role.MANAGER
    ).select_related("user", "unit")
    return [m.user for m in rows if m.unit and path.startswith(m.unit.path)]
