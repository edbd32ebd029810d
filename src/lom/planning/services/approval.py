"""The joint approval of a transition plan, and new versions of an approved plan."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lom.common.audit import audit
from lom.common.errors import ConflictError, DomainError
from lom.organisations.access import Actor
from lom.organisations.models import Union
from lom.planning.models import Need, PlanApproval, PlanArea, PlannedMeasure, TransitionPlan
from lom.planning.permissions import can_approve_plan, can_manage_plans
from lom.planning.selectors import plan_parties
from lom.planning.services._common import _require


@transaction.atomic(durable=True)
def plan_approve(
    *, actor: Actor, plan: TransitionPlan, union: Union | None = None
) -> TransitionPlan:
    """One party approves. When every party has, the plan is approved, and an earlier approved
    plan of the organisation for an overlapping period is superseded."""
    _require(can_approve_plan(actor, union.pk if union else None))
    plan = TransitionPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.organisation_id != actor.organisation.pk:
        raise DomainError(_("Planen tillhör en annan organisation."))
    if not plan.is_draft:
        raise ConflictError(_("Planen är redan godkänd."), code="approved")
    if not plan.needs.exists():
        raise DomainError(_("Planen behöver minst ett behov innan den kan godkännas."))
    parties = plan_parties(plan=plan)
    party_ids = {pid for pid, _name in parties}
    party_id = union.pk if union else None
    if party_id not in party_ids:
        raise DomainError(_("Förbundet är inte part i det lokala avtalet."), code="not_a_party")
    mine = (
        plan.approvals.filter(union__isnull=True)
        if party_id is None
        else plan.approvals.filter(union_id=party_id)
    )
    if mine.exists():
        raise ConflictError(_("Er part har redan godkänt planen."), code="already_approved")
    approval = PlanApproval.objects.create(plan=plan, union_id=party_id, approved_by=actor.user)
    audit(
        organisation_id=plan.organisation_id,
        actor=actor.user,
        action="plan.approve_party",
        target=plan,
        after={"party": approval.party_name, "version": plan.version},
    )
    approved = set(plan.approvals.values_list("union_id", flat=True))
    if party_ids <= approved:
        superseded = list(
            TransitionPlan.objects.select_for_update()
            .filter(
                organisation_id=plan.organisation_id,
                status=TransitionPlan.Status.APPROVED,
                period_start__lte=plan.period_end,
                period_end__gte=plan.period_start,
            )
            .exclude(pk=plan.pk)
        )
        for old in superseded:
            old.status = TransitionPlan.Status.SUPERSEDED
            old.save(update_fields=["status"])
            audit(
                organisation_id=old.organisation_id,
                actor=actor.user,
                action="plan.supersede",
                target=old,
                after={"by": plan.pk},
            )
        plan.status = TransitionPlan.Status.APPROVED
        plan.approved_at = timezone.now()
        plan.save(update_fields=["status", "approved_at"])
        audit(
            organisation_id=plan.organisation_id,
            actor=actor.user,
            action="plan.approve",
            target=plan,
            after={"parties": [name for _pid, name in parties], "version": plan.version},
        )
    return plan


@transaction.atomic(durable=True)
def plan_new_version(*, actor: Actor, plan: TransitionPlan) -> TransitionPlan:
    """A draft copy of an approved (or superseded) plan. Areas and needs keep their keys, so
    applications that point to the earlier version still count for the same need."""
    _require(can_manage_plans(actor))
    plan = TransitionPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.organisation_id != actor.organisation.pk:
        raise DomainError(_("Planen tillhör en annan organisation."))
    if plan.is_draft:
        raise ConflictError(
            _("Ett utkast ändras direkt; det behöver ingen ny version."), code="state"
        )
    newer = plan.next_versions.first()
    if newer is not None:
        raise DomainError(
            _("Det finns redan en senare version (version %(v)d).") % {"v": newer.version},
            code="newer_exists",
        )
    copy = TransitionPlan.objects.create(
        organisation_id=plan.organisation_id,
        title=plan.title,
        period_start=plan.period_start,
        period_end=plan.period_end,
        fund_period_id=plan.fund_period_id,
        analyses=plan.analyses,
        version=plan.version + 1,
        previous=plan,
        created_by=actor.user,
    )
    copy.workshops.set(plan.workshops.all())
    area_map = {
        a.pk: PlanArea.objects.create(plan=copy, name=a.name, order=a.order, key=a.key)
        for a in plan.areas.all()
    }
    need_map = {
        n.pk: Need.objects.create(
            plan=copy,
            area=area_map[n.area_id],
            title=n.title,
            description=n.description,
            priority=n.priority,
            score=n.score,
            source=n.source,
            source_workshop_need_id=n.source_workshop_need_id,
            key=n.key,
        )
        for n in plan.needs.all()
    }
    for m in plan.measures.prefetch_related("needs"):
        new = PlannedMeasure.objects.create(
            plan=copy,
            area=area_map[m.area_id],
            title=m.title,
            description=m.description,
            measure_type_id=m.measure_type_id,
            budget_ore=m.budget_ore,
            target_group=m.target_group,
            source_proposal_id=m.source_proposal_id,
        )
        new.needs.set([need_map[n.pk] for n in m.needs.all()])
    audit(
        organisation_id=copy.organisation_id,
        actor=actor.user,
        action="plan.new_version",
        target=copy,
        after={"previous": plan.pk, "version": copy.version},
    )
    return copy
