from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from lom.accounts.models import User
from lom.agreements.models import ContributionRate
from lom.agreements.selectors import rules_in_force
from lom.common.audit import audit
from lom.common.bounds import SHORT_TEXT_MAX
from lom.common.errors import DomainError
from lom.common.messages import Message, encode_params
from lom.common.money import format_ore, percent_of
from lom.common.validation import amount_within, fields_within, text_within
from lom.funds.messages import (
    LEDGER_ALLOCATED,
    LEDGER_CARRIED,
    LEDGER_CARRIED_AFTER_CLOSE,
    LEDGER_CARRY_REVERSED,
)
from lom.funds.models import (
    TOTAL_FIELD_OF_KIND,
    TOTAL_FIELDS,
    EntryKind,
    ForecastSettings,
    FundPeriod,
    LedgerEntry,
    PeriodTotals,
)
from lom.funds.selectors import (
    EMPTY_BALANCE,
    carried_out,
    fund_balance,
    ledger_balances_for_periods,
    periods_due_for_closing,
)
from lom.organisations.models import Organisation


def ledger_post(  # step: the caller holds the period lock in its transaction
    *,
    period: FundPeriod,
    kind: str,
    amount_ore: int,
    actor: User | None,
    case_id: int | None = None,
    memo: Message | str = "",
    memo_params: Mapping[str, object] | None = None,
    linked_period: FundPeriod | None = None,
) -> LedgerEntry:
    """The one place a ledger row is written, and the period's running totals with it (same
    transaction). Callers hold the period lock when the balance matters. A commitment is
    refused in a period that no longer takes approvals; money freed in a closed period whose
    carry-over was booked follows that carry-over. A memo LOM writes is a system message,
    stored as its code and parameters; a memo a person typed is stored as typed."""
    if kind == EntryKind.COMMITMENT:
        _ensure_accepts_commitments(period)
    field = TOTAL_FIELD_OF_KIND.get(kind)
    if field is None:
        raise ValueError(f"unknown ledger entry kind {kind!r}")
    entry = LedgerEntry.objects.create(
        organisation_id=period.organisation_id,
        period=period,
        kind=kind,
        amount_ore=amount_ore,
        case_id=case_id,
        memo=memo if isinstance(memo, str) else "",
        memo_code=memo.code if isinstance(memo, Message) else "",
        memo_params=encode_params(memo_params) if isinstance(memo, Message) else {},
        created_by=actor,
        linked_period=linked_period,
    )
    _add_to_totals(period=period, field=field, amount_ore=amount_ore)
    audit(
        organisation_id=period.organisation_id,
        actor=actor,
        action=f"ledger.{kind}",
        target=entry,
        case_id=case_id,
        after={
            "amount_ore": amount_ore,
            "period": period.pk,
            "memo": entry.memo_code or entry.memo,
            **({"linked_period": linked_period.pk} if linked_period else {}),
        },
    )
    outgoing = kind == EntryKind.CARRY_OVER and amount_ore < 0
    if period.closed_at is not None and period.carried_to_id is not None and not outgoing:
        _carry_remaining(actor=actor, source=period, follow_on=True)
    return entry


def _add_to_totals(*, period: FundPeriod, field: str, amount_ore: int) -> None:
    """`field = field + amount` on the period's running totals, in the database (right even
    when the caller holds no period lock; the update locks the totals row). A period whose
    totals row is missing (made outside fund_period_create) gets one summed from its ledger,
    which already holds the new entry."""
    updated = PeriodTotals.objects.filter(period_id=period.pk).update(
        **{field: F(field) + amount_ore}
    )
    if not updated:
        period_totals_sync(period_ids=[period.pk])


def period_totals_sync(*, period_ids: list[int]) -> int:  # step: inside the caller's transaction
    """Set the running totals of the periods to what their ledgers sum to (rows created where
    missing). For writers that bypass `ledger_post` in bulk (benchmark loaders): call it after
    them. Answers how many rows changed."""
    summed = ledger_balances_for_periods(period_ids=period_ids)
    changed = 0
    for pk in period_ids:
        balance = summed.get(pk, EMPTY_BALANCE)
        values = {name: getattr(balance, name) for name in TOTAL_FIELDS}
        totals, created = PeriodTotals.objects.get_or_create(period_id=pk, defaults=values)
        if created:
            changed += 1
        elif any(getattr(totals, k) != v for k, v in values.items()):
            PeriodTotals.objects.filter(period_id=pk).update(**values)
            changed += 1
    return changed


@transaction.atomic(durable=True)
def period_totals_rebuild(*, actor: User | None, period_ids: list[int] | None = None) -> int:
    """Recompute the running totals of the periods (all when None) from their ledgers, each
    period under its lock: what to do when `period_totals_differences` found a difference
    (the ledger is the truth). Answers how many periods were corrected; audited per period."""
    ids = list(
        FundPeriod.objects.filter(  # tenant-scope: an operator's repair over every period
            **({} if period_ids is None else {"pk__in": period_ids})
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    fixed = 0
    for pk in ids:
        period = lock_period(pk)
        before = fund_balance(period=period)
        if period_totals_sync(period_ids=[pk]):
            fixed += 1
            audit(
                organisation_id=period.organisation_id,
                actor=actor,
                action="fund_period.totals_rebuild",
                target=period,
                before={k: getattr(before, k) for k in TOTAL_FIELDS},
                after={k: getattr(fund_balance(period=period), k) for k in TOTAL_FIELDS},
            )
    return fixed


def lock_period(
    period_id: int, *, commit: bool = False
) -> FundPeriod:  # step: a row lock only means something inside a transaction
    """Row lock on PostgreSQL; on SQLite the IMMEDIATE transaction already serialises writers.
    `commit`: the lock is taken to book an approval, which the period must still accept."""
    period = FundPeriod.objects.select_for_update().get(pk=period_id)
    if commit:
        _ensure_accepts_commitments(period)
    return period


def _ensure_accepts_commitments(period: FundPeriod) -> None:
    """No approval against a period that is closed, or has ended and was not reopened."""
    if period.accepts_commitments(today=timezone.localdate()):
        return
    names = {"name": period.name, "end": date_format(period.end, "j F Y")}
    if period.closed_at is not None:
        msg = _(
            "Fondperioden %(name)s (till %(end)s) är stängd; nya beslut kan inte bokas mot den. "
            "Organisationen kan öppna perioden igen med ett skäl."
        )
    else:
        msg = _(
            "Fondperioden %(name)s slutade %(end)s; nya beslut kan inte bokas mot en period "
            "som har slutat. Organisationen kan öppna perioden igen med ett skäl."
        )
    raise DomainError(msg % names, field="period", code="period_closed")


def _check_rate_valid(*, rate: ContributionRate, start: date, end: date) -> None:
    if rate.valid_from > start or (rate.valid_to is not None and rate.valid_to < end):
        until = date_format(rate.valid_to, "j F Y") if rate.valid_to else _("tills vidare")
        raise DomainError(
            _(
                "Avsättningsnivån %(rate)s gäller %(start)s – %(end)s och kan inte användas för "
                "en period %(p_start)s – %(p_end)s."
            )
            % {
                "rate": str(rate),
                "start": date_format(rate.valid_from, "j F Y"),
                "end": until,
                "p_start": date_format(start, "j F Y"),
                "p_end": date_format(end, "j F Y"),
            },
            field="rate",
        )


@transaction.atomic(durable=True)
def fund_period_create(
    *,
    actor: User,
    organisation: Organisation,
    name: str,
    start: date,
    end: date,
    method: str,
    payroll_ore: int | None = None,
    rate: ContributionRate | None = None,
    fixed_amount_ore: int | None = None,
    previous: FundPeriod | None = None,
    carry_over: bool = False,
) -> FundPeriod:
    """Set up a period and book its allocation. With `previous` and `carry_over` only the
    intent is recorded: what is left of `previous` is carried over when `previous` is closed
    (at once if it already is)."""
    if end < start:
        raise DomainError(
            _("Slutdatum måste vara samma dag som eller efter startdatum."), field="end"
        )
    fields_within(FundPeriod, {"name": name, "method": method})
    amount_within(payroll_ore, field="payroll_ore")
    amount_within(fixed_amount_ore, field="fixed_amount_ore")
    if FundPeriod.objects.filter(
        organisation=organisation, start__lte=end, end__gte=start
    ).exists():
        raise DomainError(_("Perioden överlappar en befintlig fondperiod."), field="start")
    if method == FundPeriod.Method.PAYROLL_RATE:
        if not payroll_ore or rate is None:
            raise DomainError(_("Ange lönesumma och avsättningsnivå."), field="payroll_ore")
        _check_rate_valid(rate=rate, start=start, end=end)
        allocation = percent_of(payroll_ore, Decimal(rate.percent))
    elif method == FundPeriod.Method.FIXED_POT:
        if not fixed_amount_ore:
            raise DomainError(_("Ange det fasta beloppet."), field="fixed_amount_ore")
        allocation = fixed_amount_ore
    else:
        raise DomainError(_("Okänt tilldelningssätt."), field="method")
    if previous is not None:
        previous = lock_period(previous.pk)
        if previous.organisation_id != organisation.pk:
            raise DomainError(
                _("Föregående period tillhör en annan organisation."), field="previous"
            )
        if FundPeriod.objects.filter(previous=previous).exists():
            raise DomainError(_("Föregående period har redan en efterföljare."), field="previous")
        if carry_over and not _carry_over_allowed(previous):
            raise DomainError(_(CARRY_OVER_NOT_ALLOWED), field="carry_over")

    period = FundPeriod.objects.create(
        organisation=organisation,
        name=name,
        start=start,
        end=end,
        method=method,
        payroll_ore=payroll_ore if method == FundPeriod.Method.PAYROLL_RATE else None,
        rate=rate if method == FundPeriod.Method.PAYROLL_RATE else None,
        fixed_amount_ore=fixed_amount_ore if method == FundPeriod.Method.FIXED_POT else None,
        previous=previous,
        carry_over_from_previous=previous is not None and carry_over,
    )
    PeriodTotals.objects.create(period=period)
    audit(
        organisation_id=organisation.pk,
        actor=actor,
        action="fund_period.create",
        target=period,
        after={
            "name": name,
            "start": str(start),
            "end": str(end),
            "method": method,
            "allocation_ore": allocation,
            "carry_over_from_previous": period.carry_over_from_previous,
        },
    )
    ledger_post(
        period=period,
        kind=EntryKind.ALLOCATION,
        amount_ore=allocation,
        actor=actor,
        memo=LEDGER_ALLOCATED,
        memo_params={"name": name},
    )
    if previous is not None and carry_over and previous.closed_at is not None:
        # The previous period is already closed: its carry-over is due now.
        previous.carried_to = period
        previous.save(update_fields=["carried_to"])
        _carry_remaining(actor=actor, source=previous)
    return period


# Marked for translation; looked up with _() where it is raised or shown.
CARRY_OVER_NOT_ALLOWED = gettext_noop(
    "Det lokala avtalet tillåter inte att outnyttjade medel förs över."
)


def _carry_over_allowed(period: FundPeriod) -> bool:
    """The rules in force when the period ends decide; without an agreement it is allowed."""
    rules = rules_in_force(organisation=period.organisation, on=period.end)
    return rules is None or rules.allows_carry_over


def _carry_remaining(*, actor: User | None, source: FundPeriod, follow_on: bool = False) -> int:
    """Book what is left of the closed `source` as a carry-over pair into `source.carried_to`
    (locked here, after `source`: older period first, always). Posting into a closed receiver
    carries on down the chain (ledger_post). Answers the amount moved."""
    assert source.carried_to_id is not None
    amount = fund_balance(period=source).remaining
    if amount <= 0:
        return 0
    target = lock_period(source.carried_to_id)
    memo = LEDGER_CARRIED_AFTER_CLOSE if follow_on else LEDGER_CARRIED
    _carry_over_pair(
        actor=actor,
        giver=source,
        receiver=target,
        amount=amount,
        memo=memo,
        memo_params={"a": source.name, "b": target.name},
    )
    return amount


def _carry_over_pair(
    *,
    actor: User | None,
    giver: FundPeriod,
    receiver: FundPeriod,
    amount: int,
    memo: Message,
    memo_params: Mapping[str, object],
) -> None:
    """A carry-over pair: out of `giver`, into `receiver`, each row naming the other period."""
    for period, signed, other in ((giver, -amount, receiver), (receiver, amount, giver)):
        ledger_post(
            period=period,
            kind=EntryKind.CARRY_OVER,
            amount_ore=signed,
            actor=actor,
            memo=memo,
            memo_params=memo_params,
            linked_period=other,
        )


@dataclass(frozen=True)
class PeriodClosing:
    """What closing a period did: the amount carried over and where, or why nothing was."""

    period: FundPeriod
    carried_ore: int
    carried_to: FundPeriod | None
    note: str


@transaction.atomic(durable=True)
def fund_period_close(*, actor: User | None, period: FundPeriod) -> PeriodClosing:
    """Close a period ("Stäng perioden"): no new approvals against it; what is left is
    carried over into the successor set up with carry-over, if the agreement allows it.
    Also run by the daily job for periods whose end date has passed (`actor` None)."""
    return _do_fund_period_close(actor=actor, period=period)


def _do_fund_period_close(*, actor: User | None, period: FundPeriod) -> PeriodClosing:
    period = lock_period(period.pk)
    if period.closed_at is not None:
        raise DomainError(
            _("Fondperioden %(name)s är redan stängd.") % {"name": period.name},
            code="state",
        )
    successor = FundPeriod.objects.filter(previous=period).first()
    carried_to = None
    if successor is None or not successor.carry_over_from_previous:
        note = _(
            "Ingen efterföljande period tar emot överföring; det som är kvar stannar i perioden."
        )
    elif not _carry_over_allowed(period):
        note = _("%(rule)s Inget fördes över.") % {"rule": _(CARRY_OVER_NOT_ALLOWED)}
    else:
        carried_to = successor
        note = ""
    period.closed_at = timezone.now()
    period.closed_by = actor
    period.carried_to = carried_to
    period.save(update_fields=["closed_at", "closed_by", "carried_to"])
    carried = _carry_remaining(actor=actor, source=period) if carried_to else 0
    if carried_to is not None:
        note = _("%(amount)s fördes över till %(to)s.") % {
            "amount": format_ore(carried),
            "to": carried_to.name,
        }
    audit(
        organisation_id=period.organisation_id,
        actor=actor,
        action="fund_period.close",
        target=period,
        after={
            "carried_to": carried_to.pk if carried_to else None,
            "carried_ore": carried,
        },
        note=note,
    )
    return PeriodClosing(period=period, carried_ore=carried, carried_to=carried_to, note=note)


@transaction.atomic(durable=True)
def fund_period_reopen(*, actor: User, period: FundPeriod, reason: str) -> FundPeriod:
    """Accept approvals again in a period that has ended or was closed, for a reason.

    A booked carry-over is reversed (the pair booked back), and only while the successor still
    has that money left and is itself open: once the successor has committed it, or was closed
    in turn, reopening is refused, so no figure of another period ever goes below zero."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Ange skälet till att perioden öppnas igen."), field="reason")
    text_within(reason, field="reason", max_length=SHORT_TEXT_MAX)
    period = lock_period(period.pk)
    today = timezone.localdate()
    if period.accepts_commitments(today=today):
        raise DomainError(
            _("Fondperioden %(name)s är öppen; det finns inget att öppna igen.")
            % {"name": period.name},
            code="state",
        )
    before = {
        "closed_at": period.closed_at.isoformat() if period.closed_at else None,
        "carried_to": period.carried_to_id,
    }
    successor = lock_period(period.carried_to_id) if period.carried_to_id else None
    carried = carried_out(period=period) if successor else 0
    if successor is not None and carried > 0:
        if successor.closed_at is not None:
            raise DomainError(
                _(
                    "Överföringen från %(name)s har förts vidare från %(to)s, som också är "
                    "stängd; öppna %(to)s igen först."
                )
                % {"name": period.name, "to": successor.name},
                code="state",
            )
        left = fund_balance(period=successor).remaining
        if left < carried:
            raise DomainError(
                _(
                    "%(amount)s fördes över från %(name)s till %(to)s, där bara %(left)s "
                    "återstår; överföringen har använts och perioden kan inte öppnas igen."
                )
                % {
                    "amount": format_ore(carried),
                    "name": period.name,
                    "to": successor.name,
                    "left": format_ore(left),
                },
                code="state",
            )
    period.closed_at = None
    period.closed_by = None
    period.carried_to = None
    period.reopened_at = timezone.now()
    period.reopened_by = actor
    period.reopen_reason = reason
    period.save(
        update_fields=[
            "closed_at",
            "closed_by",
            "carried_to",
            "reopened_at",
            "reopened_by",
            "reopen_reason",
        ]
    )
    if successor is not None and carried > 0:
        _carry_over_pair(
            actor=actor,
            giver=successor,
            receiver=period,
            amount=carried,
            memo=LEDGER_CARRY_REVERSED,
            memo_params={"a": period.name, "b": successor.name},
        )
    audit(
        organisation_id=period.organisation_id,
        actor=actor,
        action="fund_period.reopen",
        target=period,
        before=before,
        after={"reversed_ore": carried},
        note=reason,
    )
    return period


def _forecast_settings_save(
    *, actor: User, organisation: Organisation, unused_warning_percent: int
) -> ForecastSettings:
    """Save the organisation's unused-funds warning threshold. Not durable: it runs inside the
    caller's transaction (the caller checks who may change it)."""
    if isinstance(unused_warning_percent, bool) or not 0 <= unused_warning_percent <= 100:
        raise DomainError(_("Ange 0–100 procent."), field="unused_warning_percent")
    conf, _created = ForecastSettings.objects.get_or_create(
        organisation=organisation,
        defaults={"unused_warning_percent": unused_warning_percent},
    )
    before = {"unused_warning_percent": conf.unused_warning_percent}
    conf.unused_warning_percent = unused_warning_percent
    conf.save()
    audit(
        organisation_id=organisation.pk,
        actor=actor,
        action="reports.settings",
        target=conf,
        before=before,
        after={"unused_warning_percent": unused_warning_percent},
    )
    return conf


def insufficient_funds_message(remaining: int, wanted: int) -> str:  # pure: a message
    return _(
        "Det finns inte tillräckligt med medel: %(remaining)s återstår i perioden, "
        "beslutet kräver %(wanted)s."
    ) % {"remaining": format_ore(remaining), "wanted": format_ore(wanted)}


def fund_periods_close_due(*, today: date) -> int:
    # batch: the daily job closes every period whose end date has passed (and that was not
    # reopened), oldest first, each in its own transaction. Answers how many were closed.
    closed = 0
    for period in periods_due_for_closing(today=today):
        try:
            fund_period_close(actor=None, period=period)
        except DomainError:
            continue  # closed meanwhile by someone else
        closed += 1
    return closed
