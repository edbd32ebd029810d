"""Periods, payroll, allocation by payroll, and the pot ledger.

Money moves only through `pot_post` (append-only PotEntry rows, integer öre). Approving and
paying lock the pot row first (select_for_update; on SQLite the IMMEDIATE transaction already
serialises writers), so two officers cannot both approve the last money of a pot."""

from collections.abc import Mapping
from datetime import date
from decimal import Decimal

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lom.accounts.models import User
from lom.common.audit import audit
from lom.common.errors import ConflictError, DomainError, PermissionDeniedError
from lom.common.files import Cell, read_table
from lom.common.messages import Message, encode_params
from lom.common.money import MoneyParseError, parse_kronor
from lom.common.validation import amount_within, optional_text
from lom.fundmode.messages import DEFAULT_CRITERIA, POT_ALLOCATED
from lom.fundmode.models import (
    ROUND_NAME_MAX,
    Claim,
    Criterion,
    FundRound,
    MeasureNotification,
    MemberPayroll,
    Pot,
    PotEntry,
    PotEntryKind,
)
from lom.fundmode.permissions import can_administer
from lom.fundmode.permissions import require as _require
from lom.fundmode.selectors import members_of
from lom.fundmode.services.workflow import check_transition, transition
from lom.organisations.access import Actor
from lom.organisations.models import Organisation

# The seven approval criteria seeded when a period is opened (the fund may change them).


def pot_post(  # step: the caller holds the pot lock in its transaction
    *,
    pot: Pot,
    kind: str,
    amount_ore: int,
    actor: User | None,
    notification: MeasureNotification | None = None,
    claim: Claim | None = None,
    memo: Message | None = None,
    memo_params: Mapping[str, object] | None = None,
) -> PotEntry:
    """The one place a pot ledger row is written. Callers hold the pot lock when the balance
    matters. The memo is a system message, stored as its code and parameters."""
    entry = PotEntry.objects.create(
        pot=pot,
        kind=kind,
        amount_ore=amount_ore,
        notification=notification,
        claim=claim,
        memo_code=memo.code if memo is not None else "",
        memo_params=encode_params(memo_params),
        created_by=actor,
    )
    for org_id in {pot.round.fund_id, pot.member_id}:
        audit(
            organisation_id=org_id,
            actor=actor,
            action=f"fund_pot.{kind}",
            target=entry,
            after={"amount_ore": amount_ore, "pot": pot.pk, "memo": entry.memo_code},
        )
    return entry


def lock_pot(pot_id: int) -> Pot:  # step: a row lock only means something inside a transaction
    return Pot.objects.select_for_update().select_related("round").get(pk=pot_id)


@transaction.atomic(durable=True)
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
    amount_within(total_ore, field="total_ore")
    if FundRound.objects.filter(fund=actor.organisation, start__lte=end, end__gte=start).exists():
        raise DomainError(_("Perioden överlappar en befintlig period."), field="start")
    fund_round = FundRound.objects.create(
        fund=actor.organisation,
        name=optional_text(name, field="name", max_length=ROUND_NAME_MAX),
        start=start,
        end=end,
        claim_deadline=claim_deadline,
        total_ore=total_ore,
        created_by=actor.user,
    )
    Criterion.objects.bulk_create(
        [
            Criterion(round=fund_round, order=i, text_code=m.code)
            for i, m in enumerate(DEFAULT_CRITERIA, 1)
        ]
    )
    audit(
        organisation_id=actor.organisation.pk,
        actor=actor.user,
        action="fund_round.open",
        target=fund_round,
        after={"name": name, "start": str(start), "end": str(end), "total_ore": total_ore},
    )
    return fund_round


def _payrolls_put(
    *, actor: Actor, fund_round: FundRound, payrolls: dict[int, int], field: str | None = None
) -> list[MemberPayroll]:
    """Set the payroll of several member employers of an open period, all or none. A refusal
    names the field `payroll_<member id>` (the period page's form), or `field` when given."""
    _require(can_administer(actor))
    if fund_round.fund_id != actor.organisation.pk:
        raise PermissionDeniedError(_("Perioden tillhör en annan fond."))
    if fund_round.status != FundRound.Status.OPEN:
        raise ConflictError(
            _("Perioden är redan fördelad; lönesummorna kan inte ändras."), code="state"
        )
    members = {m.pk: m for m in members_of(fund=actor.organisation)}
    rows = []
    for member_id, payroll_ore in payrolls.items():
        where = field or f"payroll_{member_id}"
        member = members.get(member_id)
        if member is None:
            raise DomainError(_("Organisationen är inte medlem i fonden."), field="member")
        amount_within(payroll_ore, field=where)
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
        rows.append(row)
    return rows


@transaction.atomic(durable=True)
def payroll_set(
    *, actor: Actor, fund_round: FundRound, member_id: int, payroll_ore: int
) -> MemberPayroll:
    return _payrolls_put(
        actor=actor, fund_round=fund_round, payrolls={member_id: payroll_ore}, field="payroll_ore"
    )[0]


@transaction.atomic(durable=True)
def payroll_set_many(
    *, actor: Actor, fund_round: FundRound, payrolls: dict[int, int]
) -> list[MemberPayroll]:
    """The period page's form: every member's payroll at once, all or none."""
    return _payrolls_put(actor=actor, fund_round=fund_round, payrolls=payrolls)


def _text(cell: Cell) -> str:
    return "" if cell is None else str(cell).strip()


def _kronor(cell: Cell) -> int:
    """A payroll cell in kronor: text as people type it, or a number from a spreadsheet."""
    if isinstance(cell, int | float | Decimal) and not isinstance(cell, bool):
        return parse_kronor(f"{cell:.2f}")
    return parse_kronor(_text(cell))


@transaction.atomic(durable=True)
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
    for i, row in enumerate(read_table(upload), start=1):
        cells = [c for c in row if c is not None]
        if len(cells) < 2 or not any(_text(c) for c in cells):
            continue
        org = keys.get(_text(cells[0]).lower())
        try:
            amount = _kronor(cells[1])
        except MoneyParseError:
            if i == 1:
                continue  # header
            errors.append(_("Rad %(n)d: beloppet kan inte läsas.") % {"n": i})
            continue
        if org is None:
            errors.append(_("Rad %(n)d: okänd medlem %(o)s.") % {"n": i, "o": _text(cells[0])[:60]})
            continue
        parsed.append((org, amount))
    if errors:
        raise DomainError(" ".join(errors[:10]), field="file")
    if not parsed:
        raise DomainError(_("Filen innehåller inga lönesummor."), field="file")
    _payrolls_put(
        actor=actor,
        fund_round=fund_round,
        payrolls={org.pk: amount for org, amount in parsed},
        field="file",
    )
    return len(parsed)


def split_by_payroll(total_ore: int, weights: dict[int, int]) -> dict[int, int]:  # pure: arithmetic
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


@transaction.atomic(durable=True)
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
            memo=POT_ALLOCATED,
            memo_params={"name": fund_round.name},
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
