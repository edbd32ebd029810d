"""Every write to a case. Views and the API call these; nothing else changes a case."""

from dataclasses import dataclass
from datetime import date

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lom.agreements.models import LocalAgreement, MeasureType
from lom.agreements.selectors import agreement_current
from lom.cases.models import (
    ApplicationKind,
    Attachment,
    Case,
    CaseCounter,
    Comment,
    CostLine,
    Decision,
    Status,
)
from lom.cases.permissions import (
    can_comment,
    can_create_case,
    can_edit_case,
    can_record_expense,
    can_take,
)
from lom.cases.selectors import (
    cap_problems,
    case_outstanding_commitment,
    case_spent,
    completeness_problems,
)
from lom.cases.workflow import FUNDED_STATES, TRANSITIONS
from lom.common.audit import audit
from lom.common.bounds import MAX_AMOUNT_ORE, NAME_MAX
from lom.common.errors import DomainError, PermissionDeniedError
from lom.common.money import format_ore
from lom.common.validation import validate_upload
from lom.funds.models import EntryKind, FundPeriod
from lom.funds.selectors import fund_balance, fund_period_current
from lom.funds.services import insufficient_funds_message, ledger_post, lock_period
from lom.organisations.access import Actor
from lom.organisations.models import Employee, Unit


@dataclass
class CaseInput:
    """What an applicant can set on a draft. None means 'leave as it is'."""

    title: str | None = None
    kind: str | None = None
    applicant_id: int | None = None
    unit_id: int | None = None
    co_applicant_manager_id: int | None = None
    measure_type_ids: list[int] | None = None
    purpose: str | None = None
    business_need: str | None = None
    description: str | None = None
    private_reason: str | None = None
    share_private_reason: bool | None = None
    participant_count: int | None = None
    start_date: date | None = None
    end_date: date | None = None
    # A need of the organisation's approved transition plan; 0 clears it.
    need_id: int | None = None
    need_explanation: str | None = None


# As many lines as the form offers (CostLineFormSet's max_num).
MAX_COST_LINES = 30


@dataclass
class CostLineInput:
    kind: str
    amount_ore: int
    description: str = ""


def _agreement_or_error(actor: Actor) -> LocalAgreement:
    agreement = agreement_current(organisation=actor.organisation, on=timezone.localdate())
    if agreement is None:
        raise DomainError(
            _(
                "Organisationen har inget gällande lokalt avtal, så det går inte "
                "att ansöka just nu. Kontakta samordnaren."
            )
        )
    return agreement


def _snapshot(case: Case) -> dict:
    return {
        "status": case.status,
        "approved_ore": case.approved_ore,
        "requested_ore": case.requested_ore,
    }


def _apply_input(*, actor: Actor, case: Case, data: CaseInput, agreement: LocalAgreement) -> None:
    org = actor.organisation
    for name in (
        "title",
        "purpose",
        "business_need",
        "description",
        "private_reason",
        "share_private_reason",
        "participant_count",
        "start_date",
        "end_date",
    ):
        value = getattr(data, name)
        if value is not None:
            setattr(case, name, value)
    if data.kind is not None:
        if data.kind not in agreement.application_kinds():
            raise DomainError(
                _("Det lokala avtalet tillåter inte den typen av ansökan."), field="kind"
            )
        case.kind = data.kind
    if data.applicant_id is not None:
        employee = (
            Employee.objects.filter(organisation=org, pk=data.applicant_id)
            .select_related("unit")
            .first()
        )
        allowed = employee is not None and (
            (actor.employee is not None and employee.pk == actor.employee.pk)
            or actor.manages_path(employee.unit.path)
        )
        if not allowed:
            raise DomainError(
                _("Du kan bara ansöka för dig själv eller för medarbetare i din egen enhet."),
                field="applicant",
            )
        case.applicant = employee
        case.unit = employee.unit
    group_like = case.kind in (ApplicationKind.GROUP, ApplicationKind.DEVELOPMENT_PROJECT)
    if group_like and data.unit_id is not None:
        unit = Unit.objects.filter(organisation=org, pk=data.unit_id).first()
        own_unit = actor.employee is not None and actor.employee.unit_id == data.unit_id
        if unit is None or not (own_unit or actor.manages_path(unit.path)):
            raise DomainError(_("Välj en enhet du är chef för."), field="unit")
        case.unit = unit
    if data.co_applicant_manager_id is not None:
        from lom.organisations.models import Membership, Role

        target_path = case.unit.path if case.unit_id else ""
        managers = Membership.objects.filter(
            organisation=org, role=Role.MANAGER, user_id=data.co_applicant_manager_id
        ).select_related("unit")
        if not any(m.unit and target_path.startswith(m.unit.path) for m in managers):
            raise DomainError(_("Välj en chef för din enhet."), field="co_applicant_manager")
        case.co_applicant_manager_id = data.co_applicant_manager_id
    if case.start_date and case.end_date and case.end_date < case.start_date:
        raise DomainError(_("Slutdatum kan inte vara före startdatum."), field="end_date")
    _apply_need(case=case, data=data, organisation=org)
    if case.participant_count is not None and case.participant_count < 1:
        raise DomainError(_("Antal deltagare måste vara minst 1."), field="participant_count")
    case.unit_path = case.unit.path if case.unit_id else ""


def _apply_need(*, case: Case, data: CaseInput, organisation) -> None:
    """The need must belong to the approved plan in force of the same organisation (a need
    the case already points to may stay, even if a newer plan version has replaced it)."""
    from lom.planning.selectors import need_for_case

    if data.need_explanation is not None:
        case.need_explanation = data.need_explanation.strip()[:5000]
    if data.need_id is None or data.need_id == case.need_id:
        return
    if data.need_id == 0:
        case.need = None
        return
    need = need_for_case(organisation=organisation, pk=data.need_id, on=timezone.localdate())
    if need is None:
        raise DomainError(_("Välj ett behov i den gällande omställningsplanen."), field="need")
    case.need = need


def _set_measure_types(*, case: Case, ids: list[int], agreement: LocalAgreement) -> None:
    allowed = {m.pk for m in agreement.measure_types.all()}
    chosen = set(ids)
    if not chosen <= allowed:
        raise DomainError(_("Insatstypen ingår inte i det lokala avtalet."), field="measure_types")
    case.measure_types.set(MeasureType.objects.filter(pk__in=chosen))


@transaction.atomic(durable=True)
def case_create(
    *, actor: Actor, data: CaseInput, cost_lines: list[CostLineInput] | None = None
) -> Case:
    """A draft application, with its cost lines when given: all of it or nothing."""
    return _do_case_create(actor=actor, data=data, cost_lines=cost_lines)


def _do_case_create(
    *, actor: Actor, data: CaseInput, cost_lines: list[CostLineInput] | None = None
) -> Case:
    """`case_create` for a service that composes it inside its own transaction."""
    verdict = can_create_case(actor)
    if not verdict:
        raise PermissionDeniedError(verdict.reason)
    agreement = _agreement_or_error(actor)
    case = Case(
        organisation=actor.organisation,
        created_by=actor.user,
        status=Status.DRAFT,
        title=data.title or "",
    )
    if data.applicant_id is None and data.kind in (
        None,
        ApplicationKind.INDIVIDUAL,
        ApplicationKind.WITH_MANAGER,
    ):
        if actor.employee is None:
            raise DomainError(_("Välj vilken medarbetare ansökan gäller."), field="applicant")
        data.applicant_id = actor.employee.pk
    if data.kind is None:
        data.kind = agreement.application_kinds()[0] if agreement.application_kinds() else ""
    if not (data.title or "").strip():
        raise DomainError(_("Ge ansökan en rubrik."), field="title")
    if (
        data.kind in (ApplicationKind.GROUP, ApplicationKind.DEVELOPMENT_PROJECT)
        and data.unit_id is None
    ):
        if actor.employee is not None:
            data.unit_id = actor.employee.unit_id
        elif actor.manager_unit_paths:
            unit = Unit.objects.filter(
                organisation=actor.organisation, path=actor.manager_unit_paths[0]
            ).first()
            data.unit_id = unit.pk if unit else None
    _apply_input(actor=actor, case=case, data=data, agreement=agreement)
    if not case.unit_id:
        raise DomainError(_("Välj vilken enhet ansökan gäller."), field="unit")
    case.save()
    if data.measure_type_ids is not None:
        _set_measure_types(case=case, ids=data.measure_type_ids, agreement=agreement)
    audit(
        organisation_id=case.organisation_id,
        actor=actor.user,
        action="case.create",
        target=case,
        case=case,
        after=_snapshot(case),
    )
    if cost_lines is not None:
        case = _do_set_cost_lines(actor=actor, case=case, lines=cost_lines)
    return case


@transaction.atomic(durable=True)
def case_update(
    *,
    actor: Actor,
    case: Case,
    data: CaseInput,
    cost_lines: list[CostLineInput] | None = None,
) -> Case:
    """Change a draft (and replace its cost lines when given): all of it or nothing."""
    return _do_case_update(actor=actor, case=case, data=data, cost_lines=cost_lines)


def _do_case_update(
    *,
    actor: Actor,
    case: Case,
    data: CaseInput,
    cost_lines: list[CostLineInput] | None = None,
) -> Case:
    case = Case.objects.select_for_update().select_related("unit").get(pk=case.pk)
    verdict = can_edit_case(actor, case)
    if not verdict:
        raise PermissionDeniedError(verdict.reason)
    agreement = _agreement_or_error(actor)
    _apply_input(actor=actor, case=case, data=data, agreement=agreement)
    case.save()
    if data.measure_type_ids is not None:
        _set_measure_types(case=case, ids=data.measure_type_ids, agreement=agreement)
    if cost_lines is not None:
        case = _do_set_cost_lines(actor=actor, case=case, lines=cost_lines)
    return case


@transaction.atomic(durable=True)
def case_set_cost_lines(*, actor: Actor, case: Case, lines: list[CostLineInput]) -> Case:
    return _do_set_cost_lines(actor=actor, case=case, lines=lines)


def _do_set_cost_lines(*, actor: Actor, case: Case, lines: list[CostLineInput]) -> Case:
    case = Case.objects.select_for_update().get(pk=case.pk)
    verdict = can_edit_case(actor, case)
    if not verdict:
        raise PermissionDeniedError(verdict.reason)
    valid_kinds = set(CostLine.Kind.values)
    for line in lines:
        if line.kind not in valid_kinds:
            raise DomainError(_("Okänt kostnadsslag."), field="cost_lines")
        if line.amount_ore <= 0:
            raise DomainError(
                _("Varje kostnadsrad behöver ett belopp större än noll."), field="cost_lines"
            )
        if line.amount_ore > MAX_AMOUNT_ORE:
            raise DomainError(_("Ett belopp är orimligt stort."), field="cost_lines")
        if len(line.description) > NAME_MAX:
            raise DomainError(
                _("Beskrivningen får vara högst %(n)s tecken.") % {"n": NAME_MAX},
                field="cost_lines",
            )
    if len(lines) > MAX_COST_LINES:
        raise DomainError(
            _("Högst %(n)s kostnadsrader.") % {"n": MAX_COST_LINES}, field="cost_lines"
        )
    total = sum(li.amount_ore for li in lines)
    if total > MAX_AMOUNT_ORE:
        raise DomainError(
            _("Kostnaderna blir sammanlagt orimligt stora (högst %(m)s).")
            % {"m": format_ore(MAX_AMOUNT_ORE)},
            field="cost_lines",
        )
    case.cost_lines.all().delete()
    CostLine.objects.bulk_create(
        [
            CostLine(case=case, kind=li.kind, amount_ore=li.amount_ore, description=li.description)
            for li in lines
        ]
    )
    case.requested_ore = total
    case.save(update_fields=["requested_ore", "updated_at"])
    return case


def _next_case_number(case: Case) -> str:
    year = timezone.localdate().year
    counter, _created = CaseCounter.objects.select_for_update().get_or_create(
        organisation_id=case.organisation_id, year=year
    )
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{year}-{counter.last:04d}"


@transaction.atomic(durable=True)
def case_transition(
    *,
    actor: Actor,
    case: Case,
    name: str,
    reason: str = "",
    amount_ore: int | None = None,
    period: FundPeriod | None = None,
    agenda_item=None,
    in_round: bool = False,
) -> Case:
    """Check, move, record. The one function that changes a case's status.
    `agenda_item` / `in_round` say that a joint decision is taken in a meeting or a round."""
    return _do_case_transition(
        actor=actor,
        case=case,
        name=name,
        reason=reason,
        amount_ore=amount_ore,
        period=period,
        agenda_item=agenda_item,
        in_round=in_round,
    )


def _do_case_transition(
    *,
    actor: Actor,
    case: Case,
    name: str,
    reason: str = "",
    amount_ore: int | None = None,
    period: FundPeriod | None = None,
    agenda_item=None,
    in_round: bool = False,
) -> Case:
    """`case_transition` for a service that takes decisions inside its own transaction
    (a meeting's agenda item, an application round)."""
    case = Case.objects.select_for_update().select_related("unit").get(pk=case.pk)
    verdict = can_take(actor, case, name)
    if not verdict:
        raise PermissionDeniedError(verdict.reason)
    t = TRANSITIONS[name]
    reason = (reason or "").strip()
    if t.needs_reason and not reason:
        raise DomainError(_("Skriv en motivering. Den visas för sökande."), field="reason")
    before = _snapshot(case)
    target = t.target
    agreement = agreement_current(organisation=actor.organisation, on=timezone.localdate())
    now = timezone.now()

    if name == "submit":
        if agreement is None:
            raise DomainError(_("Organisationen har inget gällande lokalt avtal."))
        problems = completeness_problems(case=case, agreement=agreement)
        if problems:
            raise DomainError(
                " ".join(p[1] for p in problems), field=problems[0][0], code="incomplete"
            )
        needs_endorsement = (
            agreement.requires_manager_endorsement
            and case.co_applicant_manager_id is None
            and not (actor.is_manager and actor.manages_path(case.unit_path))
        )
        if needs_endorsement:
            target = Status.AWAITING_ENDORSEMENT
        if not case.number:
            case.number = _next_case_number(case)
            _register_attachments(case)
        case.submitted_at = now
    elif name == "endorse":
        case.endorsed_by = actor.user
    elif name in ("approve", "reject"):
        _check_decision_route(
            case=case, agreement=agreement, agenda_item=agenda_item, in_round=in_round
        )
        _decide(
            agenda_item=agenda_item,
            actor=actor,
            case=case,
            name=name,
            reason=reason,
            amount_ore=amount_ore,
            period=period,
            agreement=agreement,
        )
        case.decided_at = now
    elif name in ("complete", "withdraw") and case.status in FUNDED_STATES:
        _release_outstanding(
            actor=actor, case=case, memo=_("Frigjort vid %(a)s") % {"a": t.label.lower()}
        )

    case.status = target
    case.save()
    audit(
        organisation_id=case.organisation_id,
        actor=actor.user,
        action=f"case.{name}",
        target=case,
        case=case,
        before=before,
        after=_snapshot(case),
        note=reason,
    )
    from lom.decisions.notifications import notify_case_transition

    notify_case_transition(case=case, name=name, actor_user=actor.user)
    return case


def _check_decision_route(*, case: Case, agreement, agenda_item, in_round: bool) -> None:
    """The agreement's decision model decides where a decision may be taken."""
    from lom.agreements.models import DecisionModel

    if agreement is None:
        return
    if agreement.decision_model == DecisionModel.JOINT and agenda_item is None and not in_round:
        raise DomainError(
            _(
                "Enligt det lokala avtalet beslutar parterna gemensamt. Sätt upp ärendet på "
                "dagordningen till ett sammanträde."
            ),
            code="joint_decision_required",
        )
    if case.round_id and not in_round:
        raise DomainError(
            _("Ärendet ingår i en ansökningsomgång och beslutas tillsammans med omgången."),
            code="round_decision_required",
        )
    if (
        agreement.applicant_participation
        and not case.events.filter(action="case.applicant_respond").exists()
    ):
        raise DomainError(
            _("Enligt avtalet ska sökande få se bedömningen och lämna synpunkter före beslut."),
            code="applicant_participation_required",
        )


def _decide(
    *,
    actor: Actor,
    case: Case,
    name: str,
    reason: str,
    amount_ore: int | None,
    period: FundPeriod | None,
    agreement: LocalAgreement | None,
    agenda_item=None,
) -> None:
    model = agreement.decision_model if agreement else ""
    if name == "reject":
        Decision.objects.create(
            case=case,
            outcome=Decision.Outcome.REJECTED,
            reasoning=reason,
            decision_model=model,
            decided_by=actor.user,
            agenda_item=agenda_item,
        )
        return
    amount = case.requested_ore if amount_ore is None else amount_ore
    if amount <= 0:
        raise DomainError(_("Det beviljade beloppet måste vara större än noll."), field="amount")
    if amount > case.requested_ore:
        raise DomainError(
            _("Det beviljade beloppet kan inte vara högre än det sökta (%(r)s).")
            % {"r": format_ore(case.requested_ore)},
            field="amount",
        )
    if agreement is not None:
        problems = cap_problems(case=case, agreement=agreement, amount=amount)
        if problems:
            raise DomainError(" ".join(problems), field="amount")
    if period is None:
        period = fund_period_current(organisation=actor.organisation, on=timezone.localdate())
    if period is None or period.organisation_id != case.organisation_id:
        raise DomainError(
            _("Det finns ingen fondperiod för dagens datum. Lägg upp en fondperiod först."),
            field="period",
        )
    # Lock the period so that two approvals at the same instant see each other.
    period = lock_period(period.pk)
    remaining = fund_balance(period=period).remaining
    if amount > remaining:
        raise DomainError(
            insufficient_funds_message(remaining, amount), field="amount", code="insufficient_funds"
        )
    ledger_post(
        period=period,
        kind=EntryKind.COMMITMENT,
        amount_ore=amount,
        actor=actor.user,
        case=case,
        memo=_("Beviljat %(n)s") % {"n": case.number},
    )
    case.approved_ore = amount
    case.period = period
    Decision.objects.create(
        case=case,
        outcome=Decision.Outcome.APPROVED,
        amount_ore=amount,
        reasoning=reason,
        decision_model=model,
        decided_by=actor.user,
        agenda_item=agenda_item,
    )


def _release_outstanding(*, actor: Actor, case: Case, memo: str) -> int:
    outstanding = case_outstanding_commitment(case=case)
    if outstanding > 0 and case.period_id:
        lock_period(case.period_id)
        ledger_post(
            period=case.period,
            kind=EntryKind.RELEASE,
            amount_ore=outstanding,
            actor=actor.user,
            case=case,
            memo=memo,
        )
    return max(outstanding, 0)


@transaction.atomic(durable=True)
def case_record_expense(*, actor: Actor, case: Case, amount_ore: int, memo: str = "") -> Case:
    case = Case.objects.select_for_update(of=("self",)).select_related("period").get(pk=case.pk)
    verdict = can_record_expense(actor, case)
    if not verdict:
        raise PermissionDeniedError(verdict.reason)
    if amount_ore <= 0:
        raise DomainError(_("Beloppet måste vara större än noll."), field="amount")
    spent = case_spent(case=case)
    if spent + amount_ore > (case.approved_ore or 0):
        raise DomainError(
            _("Utgifterna skulle bli %(t)s, mer än det beviljade beloppet %(a)s.")
            % {"t": format_ore(spent + amount_ore), "a": format_ore(case.approved_ore)},
            field="amount",
        )
    lock_period(case.period_id)
    ledger_post(
        period=case.period,
        kind=EntryKind.EXPENSE,
        amount_ore=amount_ore,
        actor=actor.user,
        case=case,
        memo=memo or _("Faktisk kostnad"),
    )
    return case


@transaction.atomic(durable=True)
def case_comment_add(*, actor: Actor, case: Case, text: str) -> Comment:
    verdict = can_comment(actor, case)
    if not verdict:
        raise PermissionDeniedError(verdict.reason)
    text = (text or "").strip()
    if not text:
        raise DomainError(_("Skriv en kommentar."), field="text")
    if len(text) > 5000:
        raise DomainError(_("Kommentaren får vara högst 5000 tecken."), field="text")
    comment = Comment.objects.create(case=case, author=actor.user, text=text)
    audit(
        organisation_id=case.organisation_id,
        actor=actor.user,
        action="case.comment",
        target=comment,
        case=case,
    )
    return comment


def _register_attachments(case: Case) -> None:
    for i, att in enumerate(case.attachments.order_by("id"), start=1):
        if not att.register_number:
            att.register_number = f"{case.number}:{i}"
            att.save(update_fields=["register_number"])


@transaction.atomic(durable=True)
def case_attachment_add(*, actor: Actor, case: Case, upload: UploadedFile) -> Attachment:
    verdict = can_comment(actor, case)
    if not verdict:
        raise PermissionDeniedError(verdict.reason)
    if case.status in (Status.COMPLETED, Status.WITHDRAWN, Status.REJECTED):
        raise DomainError(_("Ärendet är avslutat; bilagor kan inte läggas till."), field="file")
    name = upload.name or "bilaga"
    ext, content_type = validate_upload(upload)
    seq = case.attachments.count() + 1
    att = Attachment(
        case=case,
        original_name=name[:255],
        content_type=content_type,
        size=upload.size,
        uploaded_by=actor.user,
        register_number=f"{case.number}:{seq}" if case.number else "",
    )
    att.file.save(f"{seq}.{ext}", upload, save=False)
    att.save()
    audit(
        organisation_id=case.organisation_id,
        actor=actor.user,
        action="case.attachment",
        target=att,
        case=case,
        after={"name": att.original_name, "size": att.size, "register_number": att.register_number},
    )
    return att
