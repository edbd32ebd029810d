"""Proposals from a workshop become a draft application or an application round: the bridge
from the plan (planning) to applications (cases) and rounds (decisions), composed here because
decisions sits above both."""

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lom.agreements.selectors import agreement_current
from lom.cases import services as case_services
from lom.cases.models import ApplicationKind, Case, CostLine
from lom.common.audit import audit
from lom.common.errors import ConflictError, DomainError
from lom.common.validation import amount_within
from lom.common.validation import require as _require
from lom.decisions.models import ApplicationRound
from lom.decisions.services.rounds import _round_create
from lom.funds.models import FundPeriod
from lom.organisations.access import Actor
from lom.planning.models import Need, Proposal, Workshop
from lom.planning.permissions import can_convert_proposal
from lom.planning.selectors import plan_current


def _proposal_need_text(proposal: Proposal, workshop: Workshop) -> str:
    needs = "; ".join(n.competence_need for n in proposal.needs.all())
    return _("Behov från omställningsworkshoppen ”%(w)s” (%(d)s): %(n)s") % {
        "w": workshop.title,
        "d": workshop.held_on.isoformat(),
        "n": needs,
    }


def _plan_need_for(proposal: Proposal, organisation_id: int) -> Need | None:
    """The need of the plan in force that came from one of the proposal's needs."""
    plan = plan_current(organisation=proposal.workshop.organisation, on=timezone.localdate())
    if plan is None:
        return None
    return (
        Need.objects.filter(plan=plan, source_workshop_need__in=proposal.needs.all())
        .order_by("priority", "id")
        .first()
    )


@transaction.atomic(durable=True)
def proposal_to_case(*, actor: Actor, proposal: Proposal, kind: str | None = None) -> Case:
    """A draft application built from a workshop proposal, created by the actor (who then
    completes and submits it like any application)."""
    proposal = Proposal.objects.select_for_update().select_related("workshop").get(pk=proposal.pk)
    workshop = proposal.workshop
    _require(can_convert_proposal(actor, workshop, proposal.author_id))
    if proposal.case_id:
        raise ConflictError(_("Förslaget har redan blivit en ansökan."), code="already_converted")
    agreement = agreement_current(organisation=actor.organisation, on=timezone.localdate())
    if agreement is None:
        raise DomainError(_("Organisationen har inget gällande lokalt avtal."))
    kinds = agreement.application_kinds()
    if kind is None:
        kind = next(
            (k for k in (ApplicationKind.GROUP, ApplicationKind.DEVELOPMENT_PROJECT) if k in kinds),
            kinds[0] if kinds else ApplicationKind.GROUP,
        )
    allowed_types = {m.pk for m in agreement.measure_types.all()}
    need = _plan_need_for(proposal, workshop.organisation_id)
    description = proposal.description
    if proposal.target_group:
        description = f"{description}\n\n{_('Målgrupp')}: {proposal.target_group}".strip()
    cost_lines = None
    if proposal.cost_ore:
        cost_lines = [
            case_services.CostLineInput(
                kind=CostLine.Kind.OTHER,
                amount_ore=proposal.cost_ore,
                description=str(_("Ungefärlig kostnad enligt workshoppen")),
            )
        ]
    # Runs inside this service's transaction (the durable case_create would refuse to nest).
    case = case_services._do_case_create(
        actor=actor,
        data=case_services.CaseInput(
            title=proposal.title[:200],
            kind=kind,
            measure_type_ids=[proposal.measure_type_id]
            if proposal.measure_type_id in allowed_types
            else [],
            business_need=_proposal_need_text(proposal, workshop),
            description=description,
            participant_count=1,
            need_id=need.pk if need else None,
        ),
        cost_lines=cost_lines,
    )
    proposal.case = case
    proposal.save(update_fields=["case"])
    audit(
        organisation_id=workshop.organisation_id,
        actor=actor.user,
        action="workshop.proposal_to_case",
        target=proposal,
        case=case,
        after={"workshop": workshop.pk, "proposal": proposal.title},
    )
    return case


DEFAULT_ROUND_CRITERIA = [
    (gettext_lazy("Svarar mot behov från workshoppen och planen"), 5),
    (gettext_lazy("Nytta för verksamheten inför förändringen"), 5),
    (gettext_lazy("Antal medarbetare som insatsen når"), 5),
    (gettext_lazy("Rimlig kostnad"), 5),
]


@transaction.atomic(durable=True)
def proposals_to_round(
    *,
    actor: Actor,
    workshop: Workshop,
    proposals: list[Proposal],
    title: str,
    opens_on: date,
    closes_on: date,
    period: FundPeriod,
    budget_ore: int | None = None,
) -> ApplicationRound:
    """An application round for development projects, its call built from the proposals."""
    _require(can_convert_proposal(actor, workshop))
    if not proposals:
        raise DomainError(_("Välj minst ett förslag."), field="proposals")
    if any(p.workshop_id != workshop.pk for p in proposals):
        raise DomainError(_("Förslagen ska komma från workshoppen."), field="proposals")
    lines = [
        _("Omgången bygger på förslag från omställningsworkshoppen ”%(w)s” den %(d)s.")
        % {"w": workshop.title, "d": workshop.held_on.isoformat()},
        "",
    ]
    for p in proposals:
        line = f"– {p.title}"
        if p.target_group:
            line += f" ({_('målgrupp')}: {p.target_group})"
        if p.description:
            line += f": {p.description}"
        lines.append(line)
    budget = budget_ore if budget_ore else sum(p.cost_ore or 0 for p in proposals)
    amount_within(budget, field="budget")
    rnd = _round_create(
        actor=actor,
        title=title,
        call_text="\n".join(lines),
        opens_on=opens_on,
        closes_on=closes_on,
        budget_ore=budget,
        period=period,
        criteria=[(str(n), m) for n, m in DEFAULT_ROUND_CRITERIA],
    )
    Proposal.objects.filter(pk__in=[p.pk for p in proposals]).update(round=rnd)
    audit(
        organisation_id=workshop.organisation_id,
        actor=actor.user,
        action="workshop.proposals_to_round",
        target=rnd,
        after={"workshop": workshop.pk, "proposals": [p.pk for p in proposals]},
    )
    return rnd
