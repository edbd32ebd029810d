"""A round from unplanned money: one action opens an application round for development projects
with the period's unplanned amount as its budget frame, its call prefilled from the plan's
needs (README, "Levers against unused money")."""

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lom.common.audit import audit
from lom.common.errors import DomainError
from lom.common.validation import amount_within
from lom.common.validation import require as _require
from lom.decisions.models import ApplicationRound
from lom.decisions.services.from_plan import DEFAULT_ROUND_CRITERIA
from lom.decisions.services.rounds import _round_create
from lom.funds.models import FundPeriod
from lom.levers.permissions import can_open_round
from lom.levers.selectors.cached import forget_panel_levers
from lom.levers.selectors.levers import period_forecast
from lom.levers.selectors.money import round_call_text, unplanned_money
from lom.organisations.access import Actor


@transaction.atomic(durable=True)
def round_from_unplanned(
    *,
    actor: Actor,
    period: FundPeriod,
    title: str,
    opens_on: date,
    closes_on: date,
    budget_ore: int | None = None,
    call_text: str = "",
) -> ApplicationRound:
    """The round; `budget_ore` none takes the whole unplanned amount, and may not exceed it;
    an empty `call_text` takes the one built from the plan's needs."""
    _require(can_open_round(actor))
    if period.organisation_id != actor.organisation.pk:
        raise DomainError(_("Fondperioden tillhör en annan organisation."), field="period")
    # One round at a time per period: the unplanned amount is read under the period's lock.
    period = FundPeriod.objects.select_for_update().get(pk=period.pk)
    today = timezone.localdate()
    balance, _forecast = period_forecast(period=period, today=today)
    money = unplanned_money(
        period=period, balance=balance, on=min(max(today, period.start), period.end)
    )
    unplanned_ore = money.unplanned_kr * 100
    if unplanned_ore <= 0:
        raise DomainError(
            _("Det finns inga oplanerade medel i perioden att utlysa."), field="budget"
        )
    budget = budget_ore if budget_ore else unplanned_ore
    amount_within(budget, field="budget", allow_zero=False)
    if budget > unplanned_ore:
        raise DomainError(
            _("Budgetramen kan vara högst de oplanerade medlen, %(kr)s kr.")
            % {"kr": f"{money.unplanned_kr:,}".replace(",", "\u00a0")},
            field="budget",
        )
    rnd = _round_create(
        actor=actor,
        title=title,
        call_text=call_text.strip()
        or round_call_text(plan=money.plan, unplanned_kr=money.unplanned_kr),
        opens_on=opens_on,
        closes_on=closes_on,
        budget_ore=budget,
        period=period,
        criteria=[(str(n), m) for n, m in DEFAULT_ROUND_CRITERIA],
    )
    transaction.on_commit(lambda: forget_panel_levers(period=period))
    audit(
        organisation_id=period.organisation_id,
        actor=actor.user,
        action="levers.round_from_unplanned",
        target=rnd,
        after={
            "period": period.pk,
            "budget_ore": budget,
            "unplanned_kr": money.unplanned_kr,
            "plan": money.plan.pk if money.plan else None,
        },
    )
    return rnd
