"""Every write of fund mode: periods, payroll and allocation, criteria, pre-notification and
notification, the fund's decision, claims and payment.

Money moves only through `pot_post` (append-only PotEntry rows, integer öre). Approving and
paying lock the pot row first (select_for_update; on SQLite the IMMEDIATE transaction already
serialises writers), so two officers cannot both approve the last money of a pot."""

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lom.accounts.models import User
from lom.agreements.models import MeasureType
from lom.common.audit import audit
from lom.common.errors import DomainError, PermissionDeniedError
from lom.common.money import MoneyParseError, format_ore, parse_kronor
from lom.common.validation import require as _require
from lom.common.validation import validate_upload
from lom.fundmode.models import (
    Claim,
    ClaimCostLine,
    CostKind,
    Criterion,
    CriterionAnswer,
    FundAttachment,
    FundDecision,
    FundRound,
    MeasureNotification,
    MemberPayroll,
    NotificationCostLine,
    ParticipantGroup,
    Pot,
    PotEntry,
    PotEntryKind,
    ProviderKind,
)
from lom.fundmode.permissions import (
    can_act_for_employer,
    can_administer,
    can_assess,
    can_edit_notification,
    can_view_notification,
)
from lom.fundmode.selectors import (
    criteria_for,
    members_of,
    notification_committed,
    notification_cost_total,
    notification_paid,
    pot_balance,
    pot_for_member,
)
from lom.fundmode.workflow import Subject, audit_organisations, can_take, transitions_for
from lom.organisations.access import Actor
from lom.organisations.models import Employee, Organisation, Role

S = MeasureNotification.Status

# The seven approval criteria seeded when a period is opened (the fund may change them).
DEFAULT_CRITERIA: tuple[str, ...] = (
    "Deltagarna är anställda när anmälan görs och under hela insatsen",
    "Insatsen svarar mot arbetsgivarens behov av kompetensförsörjning",
    "Insatsen bidrar till tidig omställning (ingen risk för arbetsbrist krävs)",
    "Insatsen går utöver normal kompetensutveckling",
    "De fackliga organisationerna har samverkat före anmälan och samverkan är protokollförd",
    "Insatsen utförs av fonden, arbetsgivaren eller en annan anordnare",
    "Medlen används för avtalets syften",
)

GENDERS = ("F", "M", "X")


def pot_post(
    *,
    pot: Pot,
    kind: str,
    amount_ore: int,
    actor: User | None,
    notification: MeasureNotification | None = None,
    claim: Claim | None = None,
    memo: str = "",
) -> PotEntry:
    """The one place a pot ledger row is written. Callers hold the pot lock when the balance
    matters."""
    entry = PotEntry.objects.create(
        pot=pot,
        kind=kind,
        amount_ore=amount_ore,
        notification=notification,
        claim=claim,
        memo=memo[:255],
        created_by=actor,
    )
    for org_id in {pot.round.fund_id, pot.member_id}:
        audit(
            organisation_id=org_id,
            actor=actor,
            action=f"fund_pot.{kind}",
            target=entry,
            after={"amount_ore": amount_ore, "pot": pot.pk, "memo": memo[:255]},
        )
    return entry


def lock_pot(pot_id: int) -> Pot:
    return Pot.objects.select_for_update().select_related("round").get(pk=pot_id)


# --- The workflow ----------------------------------------------------------------------------

AUDIT_PREFIX = {
    MeasureNotification: "fund_notification",
    Claim: "fund_claim",
    FundRound: "fund_round",
}


def check_transition(*, actor: Actor, subject: Subject, name: str) -> None:
    """Refuse, with the reason, a transition the table does not allow now (code "state") or
    not to this actor (code "forbidden"). Like the case workflow, both are permission errors."""
    verdict = can_take(actor, subject, name)
    if not verdict:
        t = transitions_for(subject).get(name)
        wrong_state = t is not None and subject.status not in t.sources
        raise PermissionDeniedError(verdict.reason, code="state" if wrong_state else "forbidden")


def transition(
    *,
    actor: Actor,
    subject: Subject,
    name: str,
    reason: str = "",
    fields: Sequence[str] = (),
    after: dict | None = None,
) -> None:
    """The one code that changes a fund-mode status (period, notification, claim): checks the
    transition against `lom.fundmode.workflow`, sets the status, saves it with `fields`, and
    writes the audit event at the fund and at the member employer. Runs inside the calling
    service's transaction."""
    check_transition(actor=actor, subject=subject, name=name)
    t = transitions_for(subject)[name]
    if t.needs_reason and not (reason or "").strip():
        raise DomainError(_("Ange skälen."), field="reason")
    before = subject.status
    if t.target is not None:
        subject.status = t.target
    subject.save(update_fields=["status", *fields])
    for org_id in sorted(audit_organisations(subject)):
        audit(
            organisation_id=org_id,
            actor=actor.user,
            action=f"{AUDIT_PREFIX[type(subject)]}.{name}",
            target=subject,
            before={"status": before},
            after={"status": subject.status, **(after or {})},
        )


# --- Periods, payroll, allocation ------------------------------------------------------------


@transaction.atomic
def round_open(
    *,
    actor: Actor,
    name: str,
    start: date,
    end: date,
    claim_deadline: date,
    total_ore: int,
) -> FundRound:
    _require(can_administer(actor))
    if end < start:
        raise DomainError(
            _("Slutdatum måste vara samma dag som eller efter startdatum."), field="end"
        )
    if claim_deadline < end:
        raise DomainError(
            _("Sista dag för rekvisition kan inte ligga före periodens slut."),
            field="claim_deadline",
        )
    if total_ore <= 0:
        raise DomainError(_("Ange periodens totala belopp."), field="total_ore")
    if FundRound.objects.filter(fund=actor.organisation, start__lte=end, end__gte=start).exists():
        raise DomainError(_("Perioden överlappar en befintlig period."), field="start")
    fund_round = FundRound.objects.create(
        fund=actor.organisation,
        name=name.strip()[:120],
        start=start,
        end=end,
        claim_deadline=claim_deadline,
        total_ore=total_ore,
        created_by=actor.user,
    )
    Criterion.objects.bulk_create(
        [Criterion(round=fund_round, order=i, text=t) for i, t in enumerate(DEFAULT_CRITERIA, 1)]
    )
    audit(
        organisation_id=actor.organisation.pk,
        actor=actor.user,
        action="fund_round.open",
        target=fund_round,
        after={"name": name, "start": str(start), "end": str(end), "total_ore": total_ore},
    )
    return fund_round


def _member_or_error(actor: Actor, member_id: int) -> Organisation:
    for m in members_of(fund=actor.organisation):
        if m.pk == member_id:
            return m
    raise DomainError(_("Organisationen är inte medlem i fonden."), field="member")


@transaction.atomic
def payroll_set(
    *, actor: Actor, fund_round: FundRound, member_id: int, payroll_ore: int
) -> MemberPayroll:
    _require(can_administer(actor))
    if fund_round.fund_id != actor.organisation.pk:
        raise PermissionDeniedError(_("Perioden tillhör en annan fond."))
    if fund_round.status != FundRound.Status.OPEN:
        raise DomainError(_("Perioden är redan fördelad; lönesummorna kan inte ändras."))
    if payroll_ore < 0:
        raise DomainError(_("Lönesumman kan inte vara negativ."), field="payroll_ore")
    member = _member_or_error(actor, member_id)
    row, _created = MemberPayroll.objects.update_or_create(
        round=fund_round,
        member=member,
        defaults={"payroll_ore": payroll_ore, "entered_by": actor.user},
    )
    audit(
        organisation_id=actor.organisation.pk,
        actor=actor.user,
        action="fund_round.payroll",
        target=row,
        after={"member": member.pk, "payroll_ore": payroll_ore},
    )
    return row


def _rows_from_upload(upload: UploadedFile) -> list[list[str]]:
    name = (upload.name or "").lower()
    if name.endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            wb = load_workbook(upload, read_only=True, data_only=True)
        except Exception as exc:  # any unreadable workbook is the user's file, not our bug
            raise DomainError(_("Filen kunde inte läsas som Excel."), field="file") from exc
        ws = wb.worksheets[0]
        return [
            ["" if c is None else str(c) for c in row] for row in ws.iter_rows(values_only=True)
        ]
    if name.endswith(".csv") or name.endswith(".txt"):
        raw = upload.read()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("latin-1")
        dialect = ";" if text.count(";") >= text.count(",") else ","
        return [row for row in csv.reader(io.StringIO(text), delimiter=dialect)]
    raise DomainError(_("Ladda upp en CSV- eller XLSX-fil."), field="file")


@transaction.atomic
def payroll_import(*, actor: Actor, fund_round: FundRound, upload: UploadedFile) -> int:
    """Rows of (organisation: slug, organisation number or name; payroll in kronor). A header
    row is skipped. All rows are checked before anything is saved."""
    _require(can_administer(actor))
    members = members_of(fund=actor.organisation)
    keys: dict[str, Organisation] = {}
    for m in members:
        for k in (m.slug, m.org_number, m.name):
            if k:
                keys[k.strip().lower()] = m
    parsed: list[tuple[Organisation, int]] = []
    errors: list[str] = []
    for i, row in enumerate(_rows_from_upload(upload), start=1):
        cells = [c.strip() for c in row if c is not None]
        if len(cells) < 2 or not any(cells):
            continue
        org = keys.get(cells[0].lower())
        try:
            amount = parse_kronor(
                cells[1].replace(".0", "") if cells[1].endswith(".0") else cells[1]
            )
        except MoneyParseError:
            if i == 1:
                continue  # header
            errors.append(_("Rad %(n)d: beloppet kan inte läsas.") % {"n": i})
            continue
        if org is None:
            errors.append(_("Rad %(n)d: okänd medlem %(o)s.") % {"n": i, "o": cells[0][:60]})
            continue
        parsed.append((org, amount))
    if errors:
        raise DomainError(" ".join(errors[:10]), field="file")
    if not parsed:
        raise DomainError(_("Filen innehåller inga lönesummor."), field="file")
    for org, amount in parsed:
        payroll_set(actor=actor, fund_round=fund_round, member_id=org.pk, payroll_ore=amount)
    return len(parsed)


def split_by_payroll(total_ore: int, weights: dict[int, int]) -> dict[int, int]:
    """Split `total_ore` in proportion to `weights` in whole öre by the largest remainder
    method: every part is floor(total × w / W), and the öre left over go one each to the
    largest remainders (ties by key), so the parts always sum exactly to the total."""
    weight_sum = sum(weights.values())
    if weight_sum <= 0:
        raise DomainError(_("Lönesummorna är noll; det finns inget att fördela efter."))
    parts: dict[int, int] = {}
    remainders: list[tuple[int, int]] = []
    for key, w in weights.items():
        q, r = divmod(total_ore * w, weight_sum)
        parts[key] = q
        remainders.append((-r, key))
    left = total_ore - sum(parts.values())
    for _r, key in sorted(remainders)[:left]:
        parts[key] += 1
    return parts


@transaction.atomic
def round_allocate(*, actor: Actor, fund_round: FundRound) -> list[Pot]:
    fund_round = FundRound.objects.select_for_update().get(pk=fund_round.pk)
    check_transition(actor=actor, subject=fund_round, name="allocate")
    members = members_of(fund=actor.organisation)
    payrolls = dict(
        MemberPayroll.objects.filter(round=fund_round).values_list("member_id", "payroll_ore")
    )
    missing = [m.name for m in members if m.pk not in payrolls]
    if missing:
        raise DomainError(_("Lönesumma saknas för: %(names)s.") % {"names": ", ".join(missing)})
    shares = split_by_payroll(fund_round.total_ore, {m.pk: payrolls[m.pk] for m in members})
    pots = []
    for m in members:
        pot = Pot.objects.create(round=fund_round, member=m, payroll_ore=payrolls[m.pk])
        pot.round = fund_round
        pot_post(
            pot=pot,
            kind=PotEntryKind.ALLOCATION,
            amount_ore=shares[m.pk],
            actor=actor.user,
            memo=_("Tilldelning efter lönesumma, %(name)s") % {"name": fund_round.name},
        )
        pots.append(pot)
    fund_round.allocated_at = timezone.now()
    transition(
        actor=actor,
        subject=fund_round,
        name="allocate",
        fields=["allocated_at"],
        after={"shares": {str(k): v for k, v in shares.items()}},
    )
    return pots


# --- Criteria -------------------------------------------------------------------------------


def _criterion_check(actor: Actor, fund_round: FundRound) -> None:
    _require(can_administer(actor))
    if fund_round.fund_id != actor.organisation.pk:
        raise PermissionDeniedError(_("Perioden tillhör en annan fond."))


@transaction.atomic
def criterion_save(
    *,
    actor: Actor,
    fund_round: FundRound,
    text: str,
    help_text: str = "",
    criterion: Criterion | None = None,
) -> Criterion:
    _criterion_check(actor, fund_round)
    text = (text or "").strip()
    if not text:
        raise DomainError(_("Skriv kriteriet."), field="text")
    if criterion is None:
        last = criteria_for(fund_round=fund_round).order_by("-order").first()
        criterion = Criterion.objects.create(
            round=fund_round,
            text=text[:300],
            help_text=help_text,
            order=(last.order + 1) if last else 1,
        )
        action = "fund_criterion.add"
    else:
        if criterion.round_id != fund_round.pk:
            raise PermissionDeniedError(_("Kriteriet hör till en annan period."))
        criterion.text, criterion.help_text = text[:300], help_text
        criterion.save(update_fields=["text", "help_text"])
        action = "fund_criterion.edit"
    audit(
        organisation_id=actor.organisation.pk,
        actor=actor.user,
        action=action,
        target=criterion,
        after={"text": criterion.text},
    )
    return criterion


@transaction.atomic
def criterion_set_active(*, actor: Actor, criterion: Criterion, active: bool) -> Criterion:
    _criterion_check(actor, criterion.round)
    criterion.active = active
    criterion.save(update_fields=["active"])
    audit(
        organisation_id=actor.organisation.pk,
        actor=actor.user,
        action="fund_criterion.retire" if not active else "fund_criterion.restore",
        target=criterion,
    )
    return criterion


# --- Pre-notification and notification -------------------------------------------------------


@transaction.atomic
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
    title = (title or "").strip()
    if not title:
        raise DomainError(_("Ange vilken insats det gäller."), field="title")
    if estimated_ore <= 0:
        raise DomainError(_("Ange en uppskattad kostnad."), field="estimated_ore")
    if planned_end < planned_start:
        raise DomainError(
            _("Slutdatum måste vara samma dag som eller efter startdatum."), field="planned_end"
        )
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
        title=title[:200],
        estimated_ore=estimated_ore,
        planned_start=planned_start,
        planned_end=planned_end,
        measure_type=measure_type,
        created_by=actor.user,
    )
    n.number = f"{fund_round.start.year}-{n.pk:05d}"
    n.save(update_fields=["number"])
    _audit_n(actor, n, "fund_notification.prenotify", {"estimated_ore": estimated_ore})
    return n


def _audit_n(actor: Actor, n: MeasureNotification, action: str, after: dict | None = None) -> None:
    for org_id in {n.member_id, n.round.fund_id}:
        audit(organisation_id=org_id, actor=actor.user, action=action, target=n, after=after or {})


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


@transaction.atomic
def notification_update(
    *, actor: Actor, notification: MeasureNotification, data: NotificationInput
) -> MeasureNotification:
    _require(can_edit_notification(actor, notification))
    if data.planned_end < data.planned_start:
        raise DomainError(
            _("Slutdatum måste vara samma dag som eller efter startdatum."), field="planned_end"
        )
    if data.provider_kind and data.provider_kind not in ProviderKind.values:
        raise DomainError(_("Okänd utförare."), field="provider_kind")
    for kind, (amount, _d) in data.costs.items():
        if kind not in CostKind.values:
            raise DomainError(_("Kostnadsslaget är inte bidragsberättigat."))
        if amount < 0:
            raise DomainError(_("Beloppet kan inte vara negativt."), field=f"cost_{kind}")
    n = notification
    n.title = (data.title or n.title).strip()[:200]
    n.background = data.background.strip()
    n.need = data.need.strip()
    n.description = data.description.strip()
    n.measure_type = data.measure_type
    n.provider_kind = data.provider_kind
    n.provider_name = (
        data.provider_name.strip()[:200] if data.provider_kind == ProviderKind.SUPPLIER else ""
    )
    n.planned_start, n.planned_end = data.planned_start, data.planned_end
    n.save()
    n.cost_lines.all().delete()
    NotificationCostLine.objects.bulk_create(
        [
            NotificationCostLine(notification=n, kind=k, amount_ore=a, description=d[:200])
            for k, (a, d) in data.costs.items()
            if a > 0
        ]
    )
    _audit_n(
        actor, n, "fund_notification.update", {"costs": {k: a for k, (a, _d) in data.costs.items()}}
    )
    return n


def _clean_groups(groups: list[tuple[str, str, int]]) -> list[tuple[str, str, int]]:
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
    return [(c, g, n) for (c, g), n in sorted(merged.items())]


@transaction.atomic
def notification_set_participants(
    *, actor: Actor, notification: MeasureNotification, groups: list[tuple[str, str, int]]
) -> list[ParticipantGroup]:
    """Participants as counts per occupation code and gender; names are never stored."""
    _require(can_edit_notification(actor, notification))
    clean = _clean_groups(groups)
    notification.participants.all().delete()
    rows = ParticipantGroup.objects.bulk_create(
        [
            ParticipantGroup(notification=notification, occupation_code=c, gender=g, count=n)
            for c, g, n in clean
        ]
    )
    _audit_n(
        actor, notification, "fund_notification.participants", {"total": sum(n for *_x, n in clean)}
    )
    return rows


@transaction.atomic
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
    notification_set_participants(actor=actor, notification=notification, groups=existing + added)
    return len(employees)


@transaction.atomic
def notification_attach(
    *,
    actor: Actor,
    notification: MeasureNotification,
    upload: UploadedFile,
    kind: str,
    claim: Claim | None = None,
) -> FundAttachment:
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
        size=upload.size,
        uploaded_by=actor.user,
    )
    att.file.save(f"{seq}.{ext}", upload, save=False)
    att.save()
    _audit_n(
        actor,
        notification,
        "fund_notification.attachment",
        {"name": att.original_name, "kind": kind},
    )
    return att


def submit_problems(notification: MeasureNotification) -> list[str]:
    """What is missing before the notification can be sent (shown on the page as a list)."""
    n = notification
    out = []
    if not n.background.strip():
        out.append(_("Beskriv bakgrunden."))
    if not n.need.strip():
        out.append(_("Beskriv behovet."))
    if not n.provider_kind:
        out.append(_("Ange vem som utför insatsen."))
    elif n.provider_kind == ProviderKind.SUPPLIER and not n.provider_name:
        out.append(_("Ange leverantörens namn."))
    if notification_cost_total(notification=n) <= 0:
        out.append(_("Ange kostnaderna."))
    if not n.participants.exists():
        out.append(_("Ange deltagarna per yrkeskod och kön."))
    if not n.attachments.filter(kind=FundAttachment.Kind.MINUTES, claim__isnull=True).exists():
        out.append(_("Bifoga protokollet från samverkan med de fackliga organisationerna."))
    return out


@transaction.atomic
def notification_submit(*, actor: Actor, notification: MeasureNotification) -> MeasureNotification:
    from lom.decisions.notifications import notify, role_users
    from lom.planning.selectors import plan_current

    check_transition(actor=actor, subject=notification, name="submit")
    problems = submit_problems(notification)
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
        users=role_users(n.round.fund_id, Role.FUND_OFFICER),
        organisation_id=n.round.fund_id,
        kind="status",
        text=_("Ny anmälan till fonden: %(n)s %(t)s (%(o)s)")
        % {"n": n.number, "t": n.title, "o": actor.organisation.name},
        url=f"/fund/notifications/{n.pk}/",
    )
    return n


@transaction.atomic
def notification_withdraw(
    *, actor: Actor, notification: MeasureNotification
) -> MeasureNotification:
    transition(actor=actor, subject=notification, name="withdraw")
    return notification


# --- The fund's decision ---------------------------------------------------------------------


def _notify_employer(n: MeasureNotification, text: str, actor_user: User) -> None:
    from lom.decisions.notifications import notify, role_users

    users = [*role_users(n.member_id, Role.COORDINATOR), n.created_by]
    notify(
        users=[u for u in users if u.pk != actor_user.pk],
        organisation_id=n.member_id,
        kind="decision",
        text=text,
        url=f"/fund/notifications/{n.pk}/",
    )


@transaction.atomic
def fund_decide(
    *,
    actor: Actor,
    notification: MeasureNotification,
    outcome: str,
    answers: dict[int, tuple[bool, str]],
    costs_reasonable: bool,
    cost_comment: str = "",
    amount_ore: int | None = None,
    reason: str = "",
    partial_claims_allowed: bool = False,
) -> FundDecision:
    """Approve (possibly a lower amount, with a reason), ask for more information (the
    notification returns to the employer) or reject (reasons required). Every active criterion
    is answered met / not met; a criterion not met requires a rejection or a reason.

    An approved notification may get a new approving decision (e.g. a higher amount before a
    claim is paid): the difference is committed or released."""
    _require(can_assess(actor))
    n = (
        MeasureNotification.objects.select_for_update()
        .select_related("round")
        .get(pk=notification.pk)
    )
    if n.round.fund_id != actor.organisation.pk:
        raise PermissionDeniedError(_("Anmälan hör till en annan fond."))
    reason = (reason or "").strip()
    Outcome = FundDecision.Outcome
    if outcome not in Outcome.values:
        raise DomainError(_("Välj ett beslut."), field="outcome")
    redecision = n.status in (S.APPROVED, S.CLAIMED)
    name = {
        Outcome.APPROVED: "redecide" if redecision else "approve",
        Outcome.REJECTED: "reject",
        Outcome.MORE_INFO: "ask_more_info",
    }[Outcome(outcome)]
    check_transition(actor=actor, subject=n, name=name)
    criteria = list(criteria_for(fund_round=n.round, active_only=True))
    missing = [c.text for c in criteria if c.pk not in answers]
    if missing:
        raise DomainError(
            _("Bedöm alla kriterier: %(c)s") % {"c": "; ".join(missing)}, field="answers"
        )
    not_met = [c for c in criteria if not answers[c.pk][0]]
    for c in not_met:
        if not answers[c.pk][1].strip():
            raise DomainError(
                _("Kommentera varför kriteriet inte är uppfyllt: %(c)s") % {"c": c.text},
                field="answers",
            )
    if outcome in (Outcome.REJECTED, Outcome.MORE_INFO) and not reason:
        raise DomainError(_("Ange skälen för beslutet."), field="reason")
    notified = notification_cost_total(notification=n)
    if outcome == Outcome.APPROVED:
        if not_met and not reason:
            raise DomainError(
                _(
                    "Ett kriterium är inte uppfyllt: avslå eller motivera varför insatsen "
                    "ändå beviljas."
                ),
                field="reason",
            )
        if not costs_reasonable and not reason:
            raise DomainError(
                _("Kostnaderna är inte bedömda som rimliga: motivera beslutet."),
                field="costs_reasonable",
            )
        amount = notified if amount_ore is None else amount_ore
        if amount <= 0:
            raise DomainError(_("Ange ett beviljat belopp."), field="amount_ore")
        if amount < notified and not reason:
            raise DomainError(_("Motivera varför ett lägre belopp beviljas."), field="reason")
        if amount > notified and not (redecision and reason):
            raise DomainError(
                _(
                    "Det beviljade beloppet kan inte vara högre än det anmälda (%(n)s) "
                    "utan ett nytt motiverat beslut."
                )
                % {"n": format_ore(notified)},
                field="amount_ore",
            )
        pot = lock_pot(n.pot_id)
        paid = notification_paid(notification=n)
        if amount < paid:
            raise DomainError(
                _("Beloppet kan inte vara lägre än det som redan betalats ut."), field="amount_ore"
            )
        delta = amount - (paid + notification_committed(notification=n))
        if delta > 0:
            remaining = pot_balance(pot=pot).remaining
            if delta > remaining:
                raise DomainError(
                    _("Potten räcker inte: %(left)s återstår, beslutet kräver %(want)s.")
                    % {"left": format_ore(remaining), "want": format_ore(delta)},
                    field="amount_ore",
                )
            pot_post(
                pot=pot,
                kind=PotEntryKind.COMMITMENT,
                amount_ore=delta,
                actor=actor.user,
                notification=n,
                memo=_("Beviljat: %(n)s") % {"n": n.number},
            )
        elif delta < 0:
            pot_post(
                pot=pot,
                kind=PotEntryKind.RELEASE,
                amount_ore=-delta,
                actor=actor.user,
                notification=n,
                memo=_("Sänkt beviljat belopp: %(n)s") % {"n": n.number},
            )
        n.approved_ore = amount
        n.partial_claims_allowed = partial_claims_allowed
    else:
        amount = None
    n.decided_at = timezone.now()
    transition(
        actor=actor,
        subject=n,
        name=name,
        reason=reason,
        fields=["approved_ore", "partial_claims_allowed", "decided_at"],
        after={"amount_ore": amount, "reason": reason},
    )
    decision = FundDecision.objects.create(
        notification=n,
        outcome=outcome,
        amount_ore=amount,
        reason=reason,
        costs_reasonable=costs_reasonable,
        cost_comment=(cost_comment or "").strip(),
        partial_claims_allowed=partial_claims_allowed,
        decided_by=actor.user,
    )
    CriterionAnswer.objects.bulk_create(
        [
            CriterionAnswer(
                decision=decision,
                criterion=c,
                met=answers[c.pk][0],
                comment=answers[c.pk][1].strip(),
            )
            for c in criteria
        ]
    )
    _notify_employer(
        n,
        _("Fonden har beslutat om %(n)s %(t)s: %(o)s")
        % {"n": n.number, "t": n.title, "o": Outcome(outcome).label},
        actor.user,
    )
    notification.refresh_from_db()
    return decision


# --- Claims and payment ----------------------------------------------------------------------


@transaction.atomic
def claim_submit(
    *,
    actor: Actor,
    notification: MeasureNotification,
    costs: dict[str, tuple[int, str]],
    internal_salary_ore: int,
    participants: list[tuple[str, str, int]],
    invoices: list[UploadedFile],
    is_final: bool = True,
) -> Claim:
    """Once per approved notification (several only when the fund allowed partial claims;
    the last one is final): actual costs with invoices, internal salary costs, the final
    participant list as counts."""
    n = (
        MeasureNotification.objects.select_for_update()
        .select_related("round")
        .get(pk=notification.pk)
    )
    check_transition(actor=actor, subject=n, name="claim")
    if not n.partial_claims_allowed:
        is_final = True
        if n.claims.filter(status=Claim.Status.PAID).exists():
            raise DomainError(_("Insatsen är redan rekvirerad."))
    for kind, (amount, _d) in costs.items():
        if kind not in CostKind.values:
            raise DomainError(_("Kostnadsslaget är inte bidragsberättigat."))
        if amount < 0:
            raise DomainError(_("Beloppet kan inte vara negativt."), field=f"cost_{kind}")
    if internal_salary_ore < 0:
        raise DomainError(_("Beloppet kan inte vara negativt."), field="internal_salary")
    external = sum(a for a, _d in costs.values())
    total = external + internal_salary_ore
    if total <= 0:
        raise DomainError(_("Ange de faktiska kostnaderna."))
    if external > 0 and not invoices:
        raise DomainError(_("Bifoga fakturorna för de faktiska kostnaderna."), field="invoices")
    clean = _clean_groups(participants)
    if not clean:
        raise DomainError(
            _("Ange den slutliga deltagarlistan per yrkeskod och kön."), field="participants"
        )
    for upload in invoices:
        validate_upload(upload)
    claim = Claim.objects.create(
        notification=n,
        is_final=is_final,
        internal_salary_ore=internal_salary_ore,
        total_ore=total,
        submitted_by=actor.user,
    )
    ClaimCostLine.objects.bulk_create(
        [
            ClaimCostLine(claim=claim, kind=k, amount_ore=a, description=d[:200])
            for k, (a, d) in costs.items()
            if a > 0
        ]
    )
    ParticipantGroup.objects.bulk_create(
        [ParticipantGroup(claim=claim, occupation_code=c, gender=g, count=k) for c, g, k in clean]
    )
    for upload in invoices:
        notification_attach(
            actor=actor,
            notification=n,
            upload=upload,
            kind=FundAttachment.Kind.INVOICE,
            claim=claim,
        )
    transition(
        actor=actor,
        subject=n,
        name="claim",
        after={"claim": claim.pk, "total_ore": total, "final": is_final},
    )
    from lom.decisions.notifications import notify, role_users

    notify(
        users=role_users(n.round.fund_id, Role.FUND_OFFICER),
        organisation_id=n.round.fund_id,
        kind="status",
        text=_("Ny rekvisition: %(n)s %(t)s") % {"n": n.number, "t": n.title},
        url=f"/fund/claims/{claim.pk}/",
    )
    notification.refresh_from_db()
    return claim


def claimable_left(notification: MeasureNotification) -> int:
    """What may still be paid on the notification without a new decision."""
    return (notification.approved_ore or 0) - notification_paid(notification=notification)


@transaction.atomic
def claim_pay(*, actor: Actor, claim: Claim) -> Claim:
    """Pay the claim (never beyond the approved amount: a higher claim needs a new decision);
    on the final claim the unclaimed remainder of the approval returns to the pot."""
    claim = Claim.objects.select_for_update().select_related("notification__round").get(pk=claim.pk)
    n = claim.notification
    check_transition(actor=actor, subject=claim, name="pay")
    pot = lock_pot(n.pot_id)
    left = claimable_left(n)
    if claim.total_ore > left:
        raise DomainError(
            _(
                "Rekvisitionen (%(c)s) är högre än det beviljade beloppet som återstår "
                "(%(l)s). Det kräver ett nytt beslut."
            )
            % {"c": format_ore(claim.total_ore), "l": format_ore(left)}
        )
    pot_post(
        pot=pot,
        kind=PotEntryKind.EXPENSE,
        amount_ore=claim.total_ore,
        actor=actor.user,
        notification=n,
        claim=claim,
        memo=_("Utbetalning: %(n)s") % {"n": n.number},
    )
    if claim.is_final:
        rest = notification_committed(notification=n)
        if rest > 0:
            pot_post(
                pot=pot,
                kind=PotEntryKind.RELEASE,
                amount_ore=rest,
                actor=actor.user,
                notification=n,
                claim=claim,
                memo=_("Ej rekvirerat, åter till potten: %(n)s") % {"n": n.number},
            )
    transition(
        actor=actor,
        subject=n,
        name="pay_final" if claim.is_final else "pay_partial",
        after={"claim": claim.pk, "paid_ore": claim.total_ore},
    )
    claim.paid_ore = claim.total_ore
    claim.handled_by = actor.user
    claim.handled_at = timezone.now()
    transition(
        actor=actor,
        subject=claim,
        name="pay",
        fields=["paid_ore", "handled_by", "handled_at"],
        after={"paid_ore": claim.total_ore},
    )
    _notify_employer(
        n,
        _("Fonden har betalat ut %(a)s för %(n)s")
        % {"a": format_ore(claim.total_ore), "n": n.number},
        actor.user,
    )
    return claim


@transaction.atomic
def claim_return(*, actor: Actor, claim: Claim, reason: str) -> Claim:
    claim = Claim.objects.select_for_update().select_related("notification__round").get(pk=claim.pk)
    n = claim.notification
    check_transition(actor=actor, subject=claim, name="return")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Ange skälen."), field="reason")
    claim.return_reason = reason
    claim.handled_by = actor.user
    claim.handled_at = timezone.now()
    transition(
        actor=actor,
        subject=claim,
        name="return",
        reason=reason,
        fields=["return_reason", "handled_by", "handled_at"],
        after={"reason": reason},
    )
    transition(
        actor=actor, subject=n, name="claim_returned", reason=reason, after={"claim": claim.pk}
    )
    _notify_employer(
        n, _("Fonden har återsänt rekvisitionen för %(n)s") % {"n": n.number}, actor.user
    )
    return claim


def visible_or_404(actor: Actor, notification: MeasureNotification) -> None:
    if not can_view_notification(actor, notification):
        raise PermissionDeniedError(_("Du kan inte se anmälan."))


# -- members ---------------------------------------------------------------------------------

MEMBER_KINDS = (Organisation.Kind.REGION, Organisation.Kind.MUNICIPALITY)


@transaction.atomic
def member_add(*, actor: Actor, member: Organisation, joined_on: date | None = None):
    """Make a region or municipality a member employer of the actor's fund. An employer
    belongs to one fund at a time: its money can only sit in one place."""
    from lom.fundmode.models import FundMembership

    _require(can_administer(actor))
    if member.kind not in MEMBER_KINDS:
        raise DomainError(
            _("Bara regioner och kommuner kan vara medlemmar i fonden."), field="member"
        )
    existing = FundMembership.objects.filter(member=member).select_related("fund").first()
    if existing is not None:
        raise DomainError(
            _("%(m)s är redan medlem i %(f)s.") % {"m": member.name, "f": existing.fund.name},
            field="member",
        )
    membership = FundMembership.objects.create(
        fund=actor.organisation, member=member, joined_on=joined_on or timezone.localdate()
    )
    audit(
        organisation_id=actor.organisation.pk,
        actor=actor.user,
        action="fund_member.add",
        target=membership,
        after={"member": member.pk},
    )
    return membership


@transaction.atomic
def member_remove(*, actor: Actor, membership) -> None:
    """Only a member that never had a pot can leave: the pots' ledgers refer to it."""
    _require(can_administer(actor))
    if membership.fund_id != actor.organisation.pk:
        raise PermissionDeniedError(_("Medlemmen hör till en annan fond."))
    if Pot.objects.filter(
        round__fund_id=membership.fund_id, member_id=membership.member_id
    ).exists():
        raise DomainError(
            _("%(m)s har en pott i en period och kan inte tas bort.")
            % {"m": membership.member.name},
            field="member",
        )
    audit(
        organisation_id=actor.organisation.pk,
        actor=actor.user,
        action="fund_member.remove",
        target=membership,
        before={"member": membership.member_id},
    )
    membership.delete()
