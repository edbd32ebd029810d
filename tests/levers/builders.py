"""An organisation whose forecast warns, with groups the money does not reach: unit A's
administrators (women born 1980) got all of it, unit B's carers (men born 1995) nothing."""

from dataclasses import dataclass
from datetime import date

from lom.organisations.models import Employee, Unit
from lom.planning.models import TransitionPlan
from lom.planning.services import plan as plans
from lom.planning.services.approval import plan_approve
from tests.factories import UserFactory, World, _employee, approve, make_case

GRANT_ORE = 20_000_00


@dataclass
class Reached:
    world: World
    appliers: list[Employee]
    carers: list[Employee]


def staff(world: World, unit: Unit, n: int, prefix: str, **fields) -> list[Employee]:
    out = []
    for i in range(n):
        user = UserFactory(username=f"{world.org.slug}-{prefix}{i}")
        emp = _employee(world.org, unit, user, prefix.capitalize(), f"Nr{i}")
        for k, v in fields.items():
            setattr(emp, k, v)
        emp.save()
        out.append(emp)
    return out


def reached_world(world: World) -> Reached:
    """Unit A: 7 administrators, 5 of whom got 20 000 kr each; unit B: the colleague and 6
    carers, no application. Unit B's manager is the colleague."""
    appliers = staff(world, world.unit_a, 5, "handl")
    carers = staff(
        world, world.unit_b, 6, "vard", occupational_group="Vårdare", gender="M", birth_year=1995
    )
    for emp in appliers:
        approve(world, make_case(world, emp.user, amount_ore=GRANT_ORE))
    Unit.objects.filter(pk=world.unit_b.pk).update(manager=world.colleague_rec)
    return Reached(world, appliers, carers)


def approved_plan(
    world: World, *, budget_ore: int, need: str, target_group: str = ""
) -> TransitionPlan:
    coord = world.actor(world.coordinator)
    plan = plans.plan_create(
        actor=coord,
        title="Omställningsplan",
        period_start=date(date.today().year, 1, 1),
        period_end=date(date.today().year, 12, 31),
        fund_period=world.period,
    )
    area = plans.plan_area_add(actor=coord, plan=plan, name="Digitalisering")
    n = plans.plan_need_save(
        actor=coord, plan=plan, data=plans.NeedInput(area_id=area.pk, title=need)
    )
    plans.plan_measure_save(
        actor=coord,
        plan=plan,
        data=plans.MeasureInput(
            area_id=area.pk,
            title="Utbildning",
            budget_ore=budget_ore,
            target_group=target_group,
            need_ids=[n.pk],
        ),
    )
    plan_approve(actor=coord, plan=plan)
    return plan_approve(actor=world.actor(world.union_rep), plan=plan, union=world.union)
