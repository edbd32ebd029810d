"""Pre-notification and notification: what the member employer sends the fund."""

from dataclasses import dataclass
from datetime import date

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lom.agreements.models import MeasureType
from lom.common.bounds import MAX_AMOUNT_ORE, MAX_COUNT, NAME_MAX, TEXT_MAX
from lom.common.errors import DomainError, PermissionDeniedError
from lom.common.money import format_ore
from lom.common.validation import (
    amount_too_large_message,
    amount_within,
    optional_text,
    validate_upload,
)
from lom.diarium.models import DocumentKind, Secrecy
from lom.diarium.services import document_exchange_register
from lom.fundmode.messages import FUND_NOTIFIED
from lom.fundmode.models import (
    Claim,
    CostKind,
    FundAttachment,
    FundRound,
    MeasureNotification,
    NotificationCostLine,
    ParticipantGroup,
    ProviderKind,
)
from lom.fundmode.permissions import can_act_for_employer, can_edit_notification
from lom.fundmode.permissions import require as _require
from lom.fundmode.selectors import (
    notification_cost_total,
    pot_balance,
    pot_for_member,
    submit_problems,
)
from lom.fundmode.services.pots import lock_pot
from lom.fundmode.services.workflow import audit_notification, check_transition, transition
from lom.mail.notify import notify
from lom.organisations.access import Actor
from lom.organisations.models import Employee, Organisation, Role
from lom.organisations.selectors import users_with_roles
from lom.planning.selectors import plan_current

GENDERS = ("F", "M", "X")


def check_measure_type(
    measure_type: MeasureType | None, *, organisation: Organisation
) -> None:  # pure: a check that raises
    """A measure type of another sector is refused (e.g. avtalspension, a state-sector type,
    for a region)."""
    if measure_type is None or not measure_type.sectors:
        return
    if organisation.kind not in measure_type.sectors:
        raise DomainError(
            _("Insatstypen %(t)s finns inte för %(k)s; den gäller bara %(s)s.")
            % {
                "t": measure_type.name,
                "k": str(organisation.get_kind_display()).lower(),
                "s": ", ".join(
                    str(Organisation.Kind(k).label).lower()
                    for k in measure_type.sectors
                    if k in Organisation.Kind.values
                ),
            },
            field="measure_type",
        )


@transaction.atomic(durable=True)
def notification_prenotify(
    *,
    actor: Actor,
    fund_round: FundRound,
    title: str,
    estimated_ore: int,
    planned_start: date,
    planned_end: date,
    measure_type: MeasureType | None = None,
) -> MeasureNotification:
    """Checks that the sender may act for a member employer of the fund and that the pot has
    the money (the estimate must fit in what is left of the pot)."""
    _require(can_act_for_employer(actor, fund_round))
    if fund_round.status != FundRound.Status.ALLOCATED:
        raise DomainError(_("Fonden har inte fördelat perioden ännu."))
    if timezone.localdate() > fund_round.claim_deadline:
        raise DomainError(_("Periodens sista dag för rekvisition har passerat."))
    title = optional_text(title, field="title", max_length=NAME_MAX)
    amount_within(estimated_ore, field="estimated_ore")
    if not title:
        raise DomainError(_("Ange vilken insats det gäller."), field="title")
    if estimated_ore <= 0:
        raise DomainError(_("Ange en uppskattad kostnad."), field="estimated_ore")
    if planned_end < planned_start:
        raise DomainError(
            _("Slutdatum måste vara samma dag som eller efter startdatum."), field="planned_end"
        )
    check_measure_type(measure_type, organisation=actor.organisation)
    pot = pot_for_member(fund_round=fund_round, member=actor.organisation)
    if pot is None:
        raise DomainError(_("Din organisation har ingen pott i perioden."))
    pot = lock_pot(pot.pk)
    remaining = pot_balance(pot=pot).remaining
    if estimated_ore > remaining:
        raise DomainError(
            _("Potten räcker inte: %(left)s återstår, föranmälan gäller %(want)s.")
            % {"left": format_ore(remaining), "want": format_ore(estimated_ore)},
            field="estimated_ore",
        )
    n = MeasureNotification.objects.create(
        round=fund_round,
        pot=pot,
        member=actor.organisation,
        title=title,
        estimated_ore=estimated_ore,
        planned_start=planned_start,
        planned_end=planned_end,
        measure_type=measure_type,
        created_by=actor.user,
    )
    # The number takes the registration year (not the period's first year); the member
    # registers the pre-notification as sent and the fund as received, each naming the other.
    registered_at = timezone.now()
    n.number = f"{timezone.localdate(registered_at).year}-{n.pk:05d}"
    n.save(update_fields=["number"])
    document_exchange_register(
        sender=actor.organisation,
        receiver=fund_round.fund,
        kind=DocumentKind.FUND_NOTIFICATION,
        title=_("Föranmälan: %(n)s %(t)s") % {"n": n.number, "t": title},
        target=n,
        secrecy=Secrecy.PUBLIC,
        case_number=n.number,
        by=actor.user,
        at=registered_at,
    )
    audit_notification(actor, n, "fund_notification.prenotify", {"estimated_ore": estimated_ore})
    return n


@dataclass
class NotificationInput:
    title: str
    background: str
    need: str
    description: str
    measure_type: MeasureType | None
    provider_kind: str
    provider_name: str
    planned_start: date
    planned_end: date
    # kind -> (amount in öre, description); kinds outside CostKind are refused
    costs: dict[str, tuple[int, str]]


def clean_costs(costs: dict[str, tuple[int, str]]) -> int:  # pure: a check
    """Check cost lines (kind -> (amount in öre, description)) of a notification or a claim:
    eligible kinds only, each amount and the total within bounds. Answers the total."""
    for kind, (amount, description) in costs.items():
        if kind not in CostKind.values:
            raise DomainError(_("Kostnadsslaget är inte bidragsberättigat."), field="costs")
        amount_within(amount, field=f"cost_{kind}")
        optional_text(description, field=f"costdesc_{kind}", max_length=NAME_MAX)
    total = sum(a for a, _d in costs.values())
    if total > MAX_AMOUNT_ORE:
        raise DomainError(amount_too_large_message(), field="costs")
    return total


def _update(*, actor: Actor, notification: MeasureNotification, data: NotificationInput) -> None:
    _require(can_edit_notification(actor, notification))
    if data.planned_end < data.planned_start:
        raise DomainError(
            _("Slutdatum måste vara samma dag som eller efter startdatum."), field="planned_end"
        )
    if data.provider_kind and data.provider_kind not in ProviderKind.values:
        raise DomainError(_("Okänd utförare."), field="provider_kind")
    clean_costs(data.costs)
    check_measure_type(data.measure_type, organisation=notification.member)
    n = notification
    n.title = optional_text(data.title, field="title", max_length=NAME_MAX) or n.title
    n.background = optional_text(data.background, field="background", max_length=TEXT_MAX)
    n.need = optional_text(data.need, field="need", max_length=TEXT_MAX)
    n.description = optional_text(data.description, field="description", max_length=TEXT_MAX)
    n.measure_type = data.measure_type
    n.provider_kind = data.provider_kind
    n.provider_name = (
        optional_text(data.provider_name, field="provider_name", max_length=NAME_MAX)
        if data.provider_kind == ProviderKind.SUPPLIER
        else ""
    )
    n.planned_start, n.planned_end = data.planned_start, data.planned_end
    n.save()
    n.cost_lines.all().delete()
    NotificationCostLine.objects.bulk_create(
        [
            NotificationCostLine(notification=n, kind=k, amount_ore=a, description=d)
            for k, (a, d) in data.costs.items()
            if a > 0
        ]
    )
    audit_notification(
        actor, n, "fund_notification.update", {"costs": {k: a for k, (a, _d) in data.costs.items()}}
    )


@transaction.atomic(durable=True)
def notification_update(
    *,
    actor: Actor,
    notification: MeasureNotification,
    data: NotificationInput,
    participants: list[tuple[str, str, int]] | None = None,
) -> MeasureNotification:
    """Fill in the notification; with `participants`, its participant counts too, in the same
    transaction (the notification page saves both, or neither)."""
    _update(actor=actor, notification=notification, data=data)
    if participants is not None:
        _set_participants(actor=actor, notification=notification, groups=participants)
    return notification


def clean_groups(groups: list[tuple[str, str, int]]) -> list[tuple[str, str, int]]:  # pure: a check
    """Participant rows (occupation code, gender, count) merged per code and gender; the
    counts, each and in total, within bounds."""
    merged: dict[tuple[str, str], int] = {}
    for code, gender, count in groups:
        code = (code or "").strip()
        if not count:
            continue
        if len(code) != 4 or not code.isdigit():
            raise DomainError(_("Yrkeskoden ska vara fyra siffror (SSYK)."), field="participants")
        if gender not in GENDERS:
            raise DomainError(_("Okänt kön."), field="participants")
        if count < 0:
            raise DomainError(_("Antalet kan inte vara negativt."), field="participants")
        merged[(code, gender)] = merged.get((code, gender), 0) + count
    if sum(merged.values()) > MAX_COUNT:
        raise DomainError(
            _("Högst %(m)d deltagare kan anges.") % {"m": MAX_COUNT}, field="participants"
        )
    return [(c, g, n) for (c, g), n in sorted(merged.items())]


def _set_participants(
    *, actor: Actor, notification: MeasureNotification, groups: list[tuple[str, str, int]]
) -> list[ParticipantGroup]:
    _require(can_edit_notification(actor, notification))
    clean = clean_groups(groups)
    notification.participants.all().delete()
    rows = ParticipantGroup.objects.bulk_create(
        [
            ParticipantGroup(notification=notification, occupation_code=c, gender=g, count=n)
            for c, g, n in clean
        ]
    )
    audit_notification(
        actor, notification, "fund_notification.participants", {"total": sum(n for *_x, n in clean)}
    )
    return rows


@transaction.atomic(durable=True)
def notification_set_participants(
    *, actor: Actor, notification: MeasureNotification, groups: list[tuple[str, str, int]]
) -> list[ParticipantGroup]:
    """Participants as counts per occupation code and gender; names are never stored."""
    return _set_participants(actor=actor, notification=notification, groups=groups)


@transaction.atomic(durable=True)
def notification_add_employees(
    *,
    actor: Actor,
    notification: MeasureNotification,
    employee_ids: list[int],
    occupation_code: str,
) -> int:
    """Pick participants among the employer's own employees: they are counted by the given
    occupation code and their gender, and only the counts reach the fund."""
    _require(can_edit_notification(actor, notification))
    employees = list(
        Employee.objects.filter(organisation=actor.organisation, active=True, pk__in=employee_ids)
    )
    if not employees:
        raise DomainError(_("Välj minst en medarbetare."), field="employees")
    existing = [(g.occupation_code, g.gender, g.count) for g in notification.participants.all()]
    added = [(occupation_code, e.gender, 1) for e in employees]
    _set_participants(actor=actor, notification=notification, groups=existing + added)
    return len(employees)


def attach(  # step: an upload inside the action it belongs to
    *,
    actor: Actor,
    notification: MeasureNotification,
    upload: UploadedFile,
    kind: str,
    claim: Claim | None = None,
) -> FundAttachment:
    """Store an attachment of the notification (or an invoice of its claim), inside the
    calling service's transaction."""
    if kind not in FundAttachment.Kind.values:
        raise DomainError(_("Okänd typ av bilaga."), field="kind")
    if claim is None:
        _require(can_edit_notification(actor, notification))
    else:
        _require(can_act_for_employer(actor, notification.round))
        if (
            notification.member_id != actor.organisation.pk
            or claim.notification_id != notification.pk
        ):
            raise PermissionDeniedError(_("Anmälan tillhör en annan arbetsgivare."))
    ext, content_type = validate_upload(upload)
    seq = notification.attachments.count() + 1
    att = FundAttachment(
        notification=notification,
        claim=claim,
        kind=kind,
        original_name=(upload.name or "bilaga")[:255],
        content_type=content_type,
        size=upload.size or 0,
        uploaded_by=actor.user,
    )
    att.file.save(f"{seq}.{ext}", upload, save=False)
    att.save()
    audit_notification(
        actor,
        notification,
        "fund_notification.attachment",
        {"name": att.original_name, "kind": kind},
    )
    return att


@transaction.atomic(durable=True)
def notification_attach(
    *, actor: Actor, notification: MeasureNotification, upload: UploadedFile, kind: str
) -> FundAttachment:
    """An attachment to the notification (the minutes of the union consultation, other)."""
    return attach(actor=actor, notification=notification, upload=upload, kind=kind)


@transaction.atomic(durable=True)
def notification_submit(*, actor: Actor, notification: MeasureNotification) -> MeasureNotification:
    check_transition(actor=actor, subject=notification, name="submit")
    problems = submit_problems(notification=notification)
    if problems:
        raise DomainError(" ".join(problems))
    pot = lock_pot(notification.pot_id)
    total = notification_cost_total(notification=notification)
    remaining = pot_balance(pot=pot).remaining
    if total > remaining:
        raise DomainError(
            _("Potten räcker inte: %(left)s återstår, anmälan gäller %(want)s.")
            % {"left": format_ore(remaining), "want": format_ore(total)}
        )
    n = notification
    # Linked, not sent: only that the plan exists, its version and approval date.
    plan = plan_current(organisation=actor.organisation, on=timezone.localdate())
    n.plan = plan
    n.plan_version = plan.version if plan else None
    n.plan_approved_on = timezone.localdate(plan.approved_at) if plan and plan.approved_at else None
    n.submitted_at = timezone.now()
    transition(
        actor=actor,
        subject=n,
        name="submit",
        fields=["plan", "plan_version", "plan_approved_on", "submitted_at"],
        after={"cost_ore": total},
    )
    notify(
        users=users_with_roles(n.round.fund_id, Role.FUND_OFFICER),
        organisation_id=n.round.fund_id,
        kind="status",
        text=FUND_NOTIFIED,
        params={"n": n.number, "t": n.title, "o": actor.organisation.name},
        reference=n.number,
        url=f"/fund/notifications/{n.pk}/",
    )
    return n


@transaction.atomic(durable=True)
def notification_withdraw(
    *, actor: Actor, notification: MeasureNotification
) -> MeasureNotification:
    transition(actor=actor, subject=notification, name="withdraw")
    return notification
