from django.db.models import QuerySet

from lom.organisations.models import Employee, Membership, Organisation, Role, Unit


def units_for_org(*, organisation: Organisation) -> QuerySet[Unit]:
    return Unit.objects.filter(organisation=organisation).order_by("path")


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
        from django.db.models import Q

        qs = qs.filter(
            Q(first_name__icontains=q) | Q(last_name__icontains=q) | Q(email__icontains=q)
        )
    return qs


def employees_in_paths(*, organisation: Organisation, paths: tuple[str, ...]) -> QuerySet[Employee]:
    from django.db.models import Q

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
    return sorted(mine, key=lambda m: -len(m.unit.path))


def memberships_for_org(*, organisation: Organisation) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(organisation=organisation)
        .select_related("user", "unit", "union")
        .order_by("user__last_name", "user__username", "role")
    )
