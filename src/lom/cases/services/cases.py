"""Drafts: create and change an application and its cost lines."""

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lom.agreements.models import LocalAgreement, MeasureType
from lom.agreements.selectors import agreement_current
from lom.cases.models import ApplicationKind, Case, CostLine, Purpose, Status
from lom.cases.permissions import can_create_case, can_edit_case, require
from lom.common.audit import audit
from lom.common.bounds import COMMENT_MAX, MAX_AMOUNT_ORE, MAX_COUNT, NAME_MAX, TEXT_MAX
from lom.common.errors import DomainError
from lom.common.money import format_ore
from lom.common.validation import count_within, text_within
from lom.organisations.access import Actor
from lom.organisations.models import Employee, Membership, Role, Unit
from lom.planning.selectors import need_for_case


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


def _check_bounds(data: CaseInput) -> None:
    """Every text within its length, every number within its range, every choice known."""
    text_within(data.title, field="title", max_length=NAME_MAX)
    for name in ("business_need", "description", "private_reason"):
        text_within(getattr(data, name), field=name, max_length=TEXT_MAX)
    text_within(data.need_explanation, field="need_explanation", max_length=COMMENT_MAX)
    count_within(data.participant_count, field="participant_count", minimum=1, maximum=MAX_COUNT)
    if data.purpose and data.purpose not in Purpose.values:
        raise DomainError(_("Okänt syfte."), field="purpose")
    if data.kind is not None and data.kind not in ApplicationKind.values:
        raise DomainError(_("Okänd typ av ansökan."), field="kind")


def _apply_input(*, actor: Actor, case: Case, data: CaseInput, agreement: LocalAgreement) -> None:
    _check_bounds(data)
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
        if employee is None or not (
            (actor.employee is not None and employee.pk == actor.employee.pk)
            or actor.manages_path(employee.unit.path)
        ):
            raise DomainError(
                _("Du kan bara ansöka för dig själv eller för medarbetare i din egen enhet."),
                field="applicant",
            )
        case.applicant = employee
        case.unit = employee.unit
    group_like = case.kind in (ApplicationKind.GROUP, ApplicationKind.DEVELOPMENT_PROJECT)
    unit = None
    if data.unit_id is not None:
        unit = Unit.objects.filter(organisation=org, pk=data.unit_id).first()
        if unit is None:
            raise DomainError(_("Välj en enhet i organisationen."), field="unit")
    if group_like and unit is not None:
        own_unit = actor.employee is not None and actor.employee.unit_id == data.unit_id
        if not (own_unit or actor.manages_path(unit.path)):
            raise DomainError(_("Välj en enhet du är chef för."), field="unit")
        case.unit = unit
    if data.co_applicant_manager_id is not None:
        target_path = case.unit.path if case.unit_id else ""
        managers = Membership.objects.filter(
            organisation=org, role=Role.MANAGER, user_id=data.co_applicant_manager_id
        ).select_related("unit")
        if not any(m.unit and target_path.startswith(m.unit.path) for m in managers):
            raise DomainError(_("Välj en chef för din enhet."), field="co_applicant_manager")
        if case.applicant is not None and case.applicant.user_id == data.co_applicant_manager_id:
            raise DomainError(
                _("Du kan inte vara medsökande chef i din egen ansökan; välj din närmaste chef."),
                field="co_applicant_manager",
            )
        case.co_applicant_manager_id = data.co_applicant_manager_id
    if case.start_date and case.end_date and case.end_date < case.start_date:
        raise DomainError(_("Slutdatum kan inte vara före startdatum."), field="end_date")
    _apply_need(case=case, data=data, organisation=org)
    case.unit_path = case.unit.path if case.unit_id else ""


def _apply_need(*, case: Case, data: CaseInput, organisation) -> None:
    """The need must belong to the approved plan in force of the same organisation (a need
    the case already points to may stay, even if a newer plan version has replaced it)."""
    if data.need_explanation is not None:
        case.need_explanation = data.need_explanation.strip()
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
    *,
    actor: Actor,
    data: CaseInput,
    cost_lines: list[CostLineInput] | None = None,
    reach_marker: int | None = None,
) -> Case:
    """A draft application, with its cost lines when given: all of it or nothing.
    `reach_marker`: the campaign marker the applicant arrived with (see `Case.reach_marker`)."""
    return _do_case_create(actor=actor, data=data, cost_lines=cost_lines, reach_marker=reach_marker)


def _do_case_create(
    *,
    actor: Actor,
    data: CaseInput,
    cost_lines: list[CostLineInput] | None = None,
    reach_marker: int | None = None,
) -> Case:
    """`case_create` for a service that composes it inside its own transaction."""
    verdict = can_create_case(actor)
    require(verdict)
    agreement = _agreement_or_error(actor)
    case = Case(
        organisation=actor.organisation,
        created_by=actor.user,
        status=Status.DRAFT,
        title=data.title or "",
        reach_marker=reach_marker if reach_marker and 0 < reach_marker < 2**31 else None,
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
    *, actor: Actor, case: Case, data: CaseInput, cost_lines: list[CostLineInput] | None = None
) -> Case:
    """Change a draft (and replace its cost lines when given): all of it or nothing."""
    return _do_case_update(actor=actor, case=case, data=data, cost_lines=cost_lines)


def _do_case_update(
    *, actor: Actor, case: Case, data: CaseInput, cost_lines: list[CostLineInput] | None = None
) -> Case:
    case = Case.objects.select_for_update().select_related("unit").get(pk=case.pk)
    verdict = can_edit_case(actor, case)
    require(verdict)
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
    require(verdict)
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
