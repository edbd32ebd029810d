"""Transition plans: the list, the plan in force, a plan with its contents and approvals, its
header, what it takes from a workshop, its areas, needs and planned measures, the parties'
approval and new versions. Each operation calls the service or selector the plan pages call;
an approved plan refuses changes with 409."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Path, Router, Schema, Status

from lom.common.bounds import DB_ID_MAX
from lom.common.errors import DomainError
from lom.common.pagination import keyset_page
from lom.common.schemas import DEFAULT_LIMIT, Cursor, ErrorOut, Id, Limit, Page
from lom.funds.selectors import fund_period_get
from lom.organisations.access import Actor
from lom.planning import selectors, services
from lom.planning.api._common import actor_of, call, found, plan_or_404
from lom.planning.api.schemas import (
    ApprovalOut,
    ApproveIn,
    ImportIn,
    MeasureIn,
    MeasureOut,
    NeedIn,
    NeedOut,
    PlanAreaIn,
    PlanAreaOut,
    PlanCreateIn,
    PlanDetailOut,
    PlanImportedOut,
    PlanIn,
    PlanOut,
)
from lom.planning.models import Need, PlanArea, PlannedMeasure, TransitionPlan, Workshop
from lom.planning.permissions import can_edit_plan

router = Router(tags=["planning"])
P = "/plans/{plan_id}"
REFUSED: dict[int, Any] = {400: ErrorOut, 409: ErrorOut}


def _need_out(n: Need) -> NeedOut:
    return NeedOut(
        id=n.pk,
        area_id=n.area_id,
        title=n.title,
        description=n.description,
        priority=n.priority,
        score=n.score,
        source=Need.Source(n.source),
    )


def _measure_out(m: PlannedMeasure) -> MeasureOut:
    return MeasureOut(
        id=m.pk,
        area_id=m.area_id,
        title=m.title,
        description=m.description,
        measure_type_id=m.measure_type_id,
        budget_ore=m.budget_ore,
        target_group=m.target_group,
        need_ids=[n.pk for n in m.needs.all()],
    )


def _plan_out(plan: TransitionPlan) -> PlanOut:
    return PlanOut.model_validate(plan, from_attributes=True)


def _detail(actor: Actor, plan: TransitionPlan) -> PlanDetailOut:
    """The plan as its page shows it."""
    contents = selectors.plan_contents(plan=plan)
    rows, problem = selectors.plan_approval_rows(
        actor=actor, plan=plan, approvals=contents["approvals"]
    )
    newer = plan.next_versions.order_by("version").first()
    return PlanDetailOut(
        **_plan_out(plan).model_dump(),
        analyses=plan.analyses,
        areas=[PlanAreaOut(id=a.pk, name=a.name, order=a.order) for a in contents["areas"]],
        needs=[_need_out(n) for n in contents["needs"]],
        measures=[_measure_out(m) for m in contents["measures"]],
        total_budget_ore=sum(m.budget_ore for m in contents["measures"]),
        approvals=[
            ApprovalOut(
                party_id=r.party_id,
                name=r.name,
                approved=r.approval is not None,
                approved_at=r.approval.approved_at if r.approval else None,
                mine=r.mine,
            )
            for r in rows
        ],
        approval_problem=problem,
        workshop_ids=[w.pk for w, _mine in selectors.plan_source_workshops(actor=actor, plan=plan)],
        editable=bool(can_edit_plan(actor, plan)),
        newer_id=newer.pk if newer else None,
    )


def _fund_period(actor: Actor, pk: int | None):
    if pk is None:
        return None
    period = fund_period_get(organisation=actor.organisation, pk=pk)
    if period is None:
        raise DomainError(_("Välj en av organisationens fondperioder."), field="fund_period_id")
    return period


def _locked_workshop(actor: Actor, pk: int) -> Workshop:
    ws = selectors.locked_workshops_for(actor=actor).filter(pk=pk).first()
    if ws is None:
        raise DomainError(_("Välj en låst workshop som du deltog i."), field="workshop_id")
    return ws


@router.get("/plans", response=Page[PlanOut], summary="List the transition plans")
def list_plans(
    request, cursor: Cursor | None = None, limit: Limit = DEFAULT_LIMIT
) -> Page[PlanOut]:
    rows, nxt = keyset_page(
        selectors.plans_for(actor=actor_of(request)),
        cursor=cursor,
        limit=limit,
        order=("-period_start", "-version", "-id"),
    )
    return Page[PlanOut](items=[_plan_out(p) for p in rows], next_cursor=nxt)


@router.post(
    "/plans",
    response={201: PlanDetailOut, 400: ErrorOut},
    summary="Create a draft plan (optionally from a locked workshop)",
)
def create_plan(request, payload: PlanCreateIn) -> Status:
    actor = actor_of(request)
    fund_period = _fund_period(actor, payload.fund_period_id)
    workshop = _locked_workshop(actor, payload.workshop_id) if payload.workshop_id else None
    plan = call(
        lambda: services.plan_create(
            actor=actor,
            title=payload.title,
            period_start=payload.period_start,
            period_end=payload.period_end,
            fund_period=fund_period,
            analyses=payload.analyses,
            workshop=workshop,
        )
    )
    return Status(201, _detail(actor, plan_or_404(actor, plan.pk)))


@router.get("/plans/current", response=PlanDetailOut, summary="The approved plan in force today")
def get_current_plan(request) -> PlanDetailOut:
    actor = actor_of(request)
    plan = selectors.plan_current(organisation=actor.organisation, on=timezone.localdate())
    if plan is None:
        raise Http404
    return _detail(actor, plan_or_404(actor, plan.pk))


@router.get(P, response=PlanDetailOut, summary="A plan with its contents and approvals")
def get_plan(request, plan_id: Id) -> PlanDetailOut:
    actor = actor_of(request)
    return _detail(actor, plan_or_404(actor, plan_id))


@router.put(P, response={200: PlanDetailOut, **REFUSED}, summary="Change a draft plan's header")
def update_plan(request, plan_id: Id, payload: PlanIn) -> PlanDetailOut:
    actor = actor_of(request)
    plan = plan_or_404(actor, plan_id)
    fund_period = _fund_period(actor, payload.fund_period_id)
    call(
        lambda: services.plan_update(
            actor=actor,
            plan=plan,
            title=payload.title,
            period_start=payload.period_start,
            period_end=payload.period_end,
            fund_period=fund_period,
            analyses=payload.analyses,
        )
    )
    return _detail(actor, plan_or_404(actor, plan_id))


@router.post(
    P + "/import",
    response={200: PlanImportedOut, **REFUSED},
    summary="Take a locked workshop's needs and proposals into a draft plan",
)
def import_workshop(request, plan_id: Id, payload: ImportIn) -> PlanImportedOut:
    actor = actor_of(request)
    plan = plan_or_404(actor, plan_id)
    workshop = _locked_workshop(actor, payload.workshop_id)
    n = call(lambda: services.plan_import_workshop(actor=actor, plan=plan, workshop=workshop))
    return PlanImportedOut(needs=n)


@router.post(
    P + "/areas", response={201: PlanAreaOut, **REFUSED}, summary="Add an area of measures"
)
def add_plan_area(request, plan_id: Id, payload: PlanAreaIn) -> Status:
    actor = actor_of(request)
    plan = plan_or_404(actor, plan_id)
    area = call(lambda: services.plan_area_add(actor=actor, plan=plan, name=payload.name))
    return Status(201, PlanAreaOut(id=area.pk, name=area.name, order=area.order))


@router.delete(
    P + "/areas/{area_id}", response={204: None, **REFUSED}, summary="Remove an area of measures"
)
def remove_plan_area(request, plan_id: Id, area_id: Id) -> Status:
    actor = actor_of(request)
    plan = plan_or_404(actor, plan_id)
    area = found(selectors.plan_item(plan=plan, model=PlanArea, pk=area_id))
    call(lambda: services.plan_area_remove(actor=actor, plan=plan, area=area))
    return Status(204, None)


def _need_input(payload: NeedIn) -> services.NeedInput:
    return services.NeedInput(
        area_id=payload.area_id,
        title=payload.title,
        description=payload.description,
        priority=payload.priority,
        source=payload.source,
    )


def _measure_input(payload: MeasureIn) -> services.MeasureInput:
    return services.MeasureInput(
        area_id=payload.area_id,
        title=payload.title,
        description=payload.description,
        measure_type_id=payload.measure_type_id,
        budget_ore=payload.budget_ore,
        target_group=payload.target_group,
        need_ids=payload.need_ids,
    )


@dataclass(frozen=True)
class _Kind:
    """What differs between a plan's needs and its planned measures."""

    name: str  # "need" or "measure"
    plural: str
    model: type[Need] | type[PlannedMeasure]
    payload: type[Schema]
    out: Callable[[Any], Schema]
    schema: type[Schema]
    to_input: Callable[[Any], Any]
    save: Callable[..., Any]
    remove: Callable[..., None]


def _item_routes(kind: _Kind) -> None:
    """POST .../<plural>, GET/PUT/DELETE .../<plural>/{<name>_id}: one set of operations for
    needs and for planned measures, each calling the same service as the plan's item pages."""
    item_path = f"{P}/{kind.plural}/{{{kind.name}_id}}"
    item_param: Any = Path(..., ge=1, le=DB_ID_MAX, alias=f"{kind.name}_id")

    def item_of(actor: Actor, plan_id: int, item_id: int):
        plan = plan_or_404(actor, plan_id)
        return plan, found(selectors.plan_item(plan=plan, model=kind.model, pk=item_id))

    def save(actor: Actor, plan: TransitionPlan, item, payload):
        data = kind.to_input(payload)
        return call(lambda: kind.save(actor=actor, plan=plan, data=data, **{kind.name: item}))

    @router.post(
        f"{P}/{kind.plural}",
        response={201: kind.schema, **REFUSED},
        summary=f"Add a {kind.name} to a draft plan",
        operation_id=f"planning_add_plan_{kind.name}",
    )
    def create(request, plan_id: Id, payload: kind.payload) -> Status:  # type: ignore[name-defined]
        actor = actor_of(request)
        plan = plan_or_404(actor, plan_id)
        return Status(201, kind.out(save(actor, plan, None, payload)))

    @router.get(
        item_path,
        response=kind.schema,
        summary=f"A {kind.name} of a plan",
        operation_id=f"planning_get_plan_{kind.name}",
    )
    def read(request, plan_id: Id, item_id: int = item_param) -> Schema:
        _plan, item = item_of(actor_of(request), plan_id, item_id)
        return kind.out(item)

    @router.put(
        item_path,
        response={200: kind.schema, **REFUSED},
        summary=f"Change a {kind.name} of a draft plan",
        operation_id=f"planning_update_plan_{kind.name}",
    )
    def update(
        request,
        plan_id: Id,
        payload: kind.payload,  # type: ignore[name-defined]
        item_id: int = item_param,
    ) -> Schema:
        actor = actor_of(request)
        plan, item = item_of(actor, plan_id, item_id)
        return kind.out(save(actor, plan, item, payload))

    @router.delete(
        item_path,
        response={204: None, **REFUSED},
        summary=f"Remove a {kind.name} from a draft plan",
        operation_id=f"planning_remove_plan_{kind.name}",
    )
    def remove(request, plan_id: Id, item_id: int = item_param) -> Status:
        actor = actor_of(request)
        plan, item = item_of(actor, plan_id, item_id)
        call(lambda: kind.remove(actor=actor, plan=plan, **{kind.name: item}))
        return Status(204, None)


_item_routes(
    _Kind(
        name="need",
        plural="needs",
        model=Need,
        payload=NeedIn,
        out=_need_out,
        schema=NeedOut,
        to_input=_need_input,
        save=services.plan_need_save,
        remove=services.plan_need_remove,
    )
)
_item_routes(
    _Kind(
        name="measure",
        plural="measures",
        model=PlannedMeasure,
        payload=MeasureIn,
        out=_measure_out,
        schema=MeasureOut,
        to_input=_measure_input,
        save=services.plan_measure_save,
        remove=services.plan_measure_remove,
    )
)


@router.post(
    P + "/approve",
    response={200: PlanOut, **REFUSED},
    summary="Approve a draft plan for one party",
)
def approve_plan(request, plan_id: Id, payload: ApproveIn) -> PlanOut:
    actor = actor_of(request)
    plan = plan_or_404(actor, plan_id)
    union = None
    if payload.union_id is not None:
        union = found(selectors.plan_union(organisation=actor.organisation, pk=payload.union_id))
    return _plan_out(call(lambda: services.plan_approve(actor=actor, plan=plan, union=union)))


@router.post(
    P + "/new-version",
    response={201: PlanOut, **REFUSED},
    summary="Open a draft of a new version of an approved plan",
)
def new_plan_version(request, plan_id: Id) -> Status:
    actor = actor_of(request)
    plan = plan_or_404(actor, plan_id)
    return Status(201, _plan_out(call(lambda: services.plan_new_version(actor=actor, plan=plan))))
