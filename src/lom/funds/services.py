from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from lom.accounts.models import User
from lom.agreements.models import ContributionRate
from lom.agreements.selectors import agreement_current
from lom.common.audit import audit
from lom.common.errors import DomainError
from lom.common.money import format_ore, percent_of
from lom.common.validation import amount_within, fields_within
from lom.funds.models import EntryKind, ForecastSettings, FundPeriod, LedgerEntry
from lom.funds.selectors import fund_balance
from lom.organisations.models import Organisation


def ledger_post(  # step: the caller holds the period lock in its transaction
    *,
    period: FundPeriod,
    kind: str,
    amount_ore: int,
    actor: User | None,
    case_id: int | None = None,
    memo: str = "",
) -> LedgerEntry:
    """The one place a ledger row is written. Callers hold the period lock when the
    balance matters."""
    entry = LedgerEntry.objects.create(
        organisation_id=period.organisation_id,
        period=period,
        kind=kind,
        amount_ore=amount_ore,
        case_id=case_id,
        memo=memo,
        created_by=actor,
    )
    audit(
        organisation_id=period.organisation_id,
        actor=actor,
        action=f"ledger.{kind}",
        target=entry,
        case_id=case_id,
        after={"amount_ore": amount_ore, "period": period.pk, "memo": memo},
    )
    return entry


def lock_period(
    period_id: int,
) -> FundPeriod:  # step: a row lock only means something inside a transaction
    """Row lock on PostgreSQL; on SQLite the IMMEDIATE transaction already serialises writers."""
    return FundPeriod.objects.select_for_update().get(pk=period_id)


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
        allocation = percent_of(payroll_ore, Decimal(rate.percent))
    elif method == FundPeriod.Method.FIXED_POT:
        if not fixed_amount_ore:
            raise DomainError(_("Ange det fasta beloppet."), field="fixed_amount_ore")
        allocation = fixed_amount_ore
    else:
        raise DomainError(_("Okänt tilldelningssätt."), field="method")
    if previous is not None and previous.organisation_id != organisation.pk:
        raise DomainError(_("Föregående period tillhör en annan organisation."), field="previous")
    if previous is not None and FundPeriod.objects.filter(previous=previous).exists():
        raise DomainError(_("Föregående period har redan en efterföljare."), field="previous")

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
    )
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
        },
    )
    ledger_post(
        period=period,
        kind=EntryKind.ALLOCATION,
        amount_ore=allocation,
        actor=actor,
        memo=_("Tilldelning för %(name)s") % {"name": name},
    )
    if previous is not None and carry_over:
        _do_fund_carry_over(actor=actor, source=previous, target=period)
    return period


@transaction.atomic(durable=True)
def fund_carry_over(*, actor: User, source: FundPeriod, target: FundPeriod) -> int:
    """Move what is left of `source` into `target`, if the agreement allows it."""
    return _do_fund_carry_over(actor=actor, source=source, target=target)


def _do_fund_carry_over(*, actor: User, source: FundPeriod, target: FundPeriod) -> int:
    agreement = agreement_current(organisation=source.organisation, on=target.start)
    if agreement is not None and not agreement.allows_carry_over:
        raise DomainError(_("Det lokala avtalet tillåter inte att outnyttjade medel förs över."))
    source = lock_period(source.pk)
    if source.organisation_id != target.organisation_id:
        raise DomainError(_("Perioderna tillhör olika organisationer."))
    amount = fund_balance(period=source).remaining
    if amount <= 0:
        return 0
    memo = _("Överfört från %(a)s till %(b)s") % {"a": source.name, "b": target.name}
    ledger_post(
        period=source, kind=EntryKind.CARRY_OVER, amount_ore=-amount, actor=actor, memo=memo
    )
    ledger_post(period=target, kind=EntryKind.CARRY_OVER, amount_ore=amount, actor=actor, memo=memo)
    return amount


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
