from datetime import date

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from lom.common.parity import api_counterpart
from lom.common.web import actor_view, run_form
from lom.funds import services
from lom.funds.forms import FundPeriodForm, LedgerFilterForm
from lom.funds.models import FundPeriod
from lom.funds.permissions import FUND_KEEPERS, FUND_READERS
from lom.funds.selectors import (
    annual_payroll_for,
    balances_for_periods,
    fund_balance,
    fund_forecast,
    fund_period_current,
    fund_period_get,
    fund_periods_for_org,
    ledger_page,
    unused_warning_percent,
)
from lom.organisations.access import Actor


@api_counterpart("GET /fund-periods")
@actor_view(*FUND_READERS)
def fund_overview_view(request, actor: Actor):
    today = timezone.localdate()
    periods = list(fund_periods_for_org(organisation=actor.organisation)[:20])
    balances = balances_for_periods(periods=periods)
    current = fund_period_current(organisation=actor.organisation, on=today)
    ctx: dict[str, object] = {"periods": [(p, balances[p.pk]) for p in periods], "current": current}
    if current is not None:
        bal = balances[current.pk] if current.pk in balances else fund_balance(period=current)
        ctx["balance"] = bal
        ctx["forecast"] = fund_forecast(
            period=current,
            balance=bal,
            today=today,
            warning_percent=unused_warning_percent(organisation=actor.organisation),
        )
    return render(request, "funds/overview.html", ctx)


@api_counterpart("GET /fund-periods/{period_id}", "GET /fund-periods/{period_id}/ledger")
@actor_view(*FUND_READERS)
def fund_period_view(request, actor: Actor, pk: int):
    period = fund_period_get(organisation=actor.organisation, pk=pk)
    if period is None:
        raise Http404
    try:
        before = int(request.GET.get("before", "") or 0) or None
    except ValueError:
        before = None
    filter_form = LedgerFilterForm(request.GET or None)
    kind = filter_form.cleaned_data["kind"] if filter_form.is_valid() else ""
    balance = fund_balance(period=period)
    entries, next_id = ledger_page(period=period, before_id=before, kind=kind)
    return render(
        request,
        "funds/period.html",
        {
            "period": period,
            "balance": balance,
            "entries": entries,
            "next_id": next_id,
            "filter_form": filter_form if filter_form.is_bound else LedgerFilterForm(),
            "query": request.GET.urlencode(),
            "forecast": fund_forecast(
                period=period,
                balance=balance,
                today=timezone.localdate(),
                warning_percent=unused_warning_percent(organisation=actor.organisation),
            ),
        },
    )


def _date_param(raw: str) -> date | None:
    try:
        return parse_date(raw[:10])
    except ValueError:
        return None  # a date that does not exist (2027-02-30): no pre-fill


@api_counterpart("POST /fund-periods")
@actor_view(*FUND_KEEPERS)
def fund_period_create_view(request, actor: Actor):
    # The payroll of the start year (`?start=2027-01-01`, else this year) from the register.
    start = _date_param(request.GET.get("start", ""))
    year = (start or timezone.localdate()).year
    payroll = annual_payroll_for(organisation=actor.organisation, year=year)
    initial = ({"start": start} if start else {}) | (
        {"payroll": payroll, "method": FundPeriod.Method.PAYROLL_RATE} if payroll else {}
    )
    form = FundPeriodForm(
        request.POST or None,
        organisation=actor.organisation,
        initial=initial,
        payroll_year=year if payroll else None,
    )
    done = run_form(
        request,
        form,
        lambda d: services.fund_period_create(
            actor=actor.user,
            organisation=actor.organisation,
            name=d["name"],
            start=d["start"],
            end=d["end"],
            method=d["method"],
            payroll_ore=d["payroll"],
            rate=d["rate"],
            fixed_amount_ore=d["fixed_amount"],
            previous=d["previous"],
            carry_over=d["carry_over"],
        ),
        success=lambda period: reverse("funds:period", args=[period.pk]),
        message=_("Fondperioden är upplagd."),
    )
    return done or render(request, "funds/period_form.html", {"form": form})
