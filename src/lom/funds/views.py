from datetime import date

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lom.common.parity import api_counterpart
from lom.common.web import actor_view, form_status, post_action, run_form
from lom.funds import services
from lom.funds.forms import FundPeriodForm, FundPeriodReopenForm, LedgerFilterForm
from lom.funds.models import FundPeriod
from lom.funds.panels import overview_panels
from lom.funds.permissions import FUND_KEEPERS, FUND_READERS
from lom.funds.selectors import (
    annual_payroll_for,
    carry_over_links,
    fund_balance,
    fund_forecast,
    fund_period_current,
    fund_period_get,
    fund_periods_with_balances,
    ledger_page,
    unused_warning_percent_for,
)
from lom.organisations.access import Actor

# The overview lists the newest periods (all of them, for ten years of yearly periods and more).
OVERVIEW_PERIODS = 20


@api_counterpart("GET /fund-periods")
@actor_view(*FUND_READERS)
def fund_overview_view(request, actor: Actor):
    today = timezone.localdate()
    rows = fund_periods_with_balances(organisation=actor.organisation, limit=OVERVIEW_PERIODS)
    balances = {p.pk: b for p, b in rows}
    # Periods never overlap: the current one is among the newest unless they all lie ahead.
    current = next((p for p, _b in rows if p.start <= today <= p.end), None)
    if current is None and len(rows) == OVERVIEW_PERIODS:
        current = fund_period_current(organisation=actor.organisation, on=today)
    ctx: dict[str, object] = {
        "periods": [(p, b, p.status(today=today)) for p, b in rows],
        "current": current,
    }
    if current is not None:
        bal = balances[current.pk] if current.pk in balances else fund_balance(period=current)
        ctx["balance"] = bal
        forecast = fund_forecast(
            period=current,
            balance=bal,
            today=today,
            warning_percent=unused_warning_percent_for(organisation=actor.organisation),
        )
        ctx["forecast"] = forecast
        # What packages above the fund add (the levers against unused money): lom.funds.panels.
        ctx["panels"] = overview_panels(
            request=request, actor=actor, period=current, balance=bal, forecast=forecast
        )
    return render(request, "funds/overview.html", ctx)


def _period_or_404(actor: Actor, pk: int) -> FundPeriod:
    period = fund_period_get(organisation=actor.organisation, pk=pk)
    if period is None:
        raise Http404
    return period


@api_counterpart("GET /fund-periods/{period_id}", "GET /fund-periods/{period_id}/ledger")
@actor_view(*FUND_READERS)
def fund_period_view(request, actor: Actor, pk: int):
    return _period_page(request, actor, _period_or_404(actor, pk), FundPeriodReopenForm())


def _period_page(request, actor: Actor, period: FundPeriod, reopen_form: FundPeriodReopenForm):
    """The period: its status and carry-overs, its balance and forecast, its ledger, and
    (for those who keep the fund) the close button and the reopen form."""
    try:
        before = int(request.GET.get("before", "") or 0) or None
    except ValueError:
        before = None
    filter_form = LedgerFilterForm(request.GET or None)
    kind = filter_form.cleaned_data["kind"] if filter_form.is_valid() else ""
    balance = fund_balance(period=period)
    entries, next_id = ledger_page(period=period, before_id=before, kind=kind)
    today = timezone.localdate()
    return render(
        request,
        "funds/period.html",
        {
            "period": period,
            "status": period.status(today=today),
            "accepts_commitments": period.accepts_commitments(today=today),
            "carry_overs": carry_over_links(period=period),
            "may_keep": actor.has(*FUND_KEEPERS),
            "form": reopen_form,
            "balance": balance,
            "entries": entries,
            "next_id": next_id,
            "filter_form": filter_form if filter_form.is_bound else LedgerFilterForm(),
            "query": request.GET.urlencode(),
            "forecast": fund_forecast(
                period=period,
                balance=balance,
                today=today,
                warning_percent=unused_warning_percent_for(organisation=actor.organisation),
            ),
        },
        status=form_status(request) if reopen_form.is_bound else 200,
    )


@api_counterpart("POST /fund-periods/{period_id}/close")
@require_POST
@actor_view(*FUND_KEEPERS)
def fund_period_close_view(request, actor: Actor, pk: int):
    period = _period_or_404(actor, pk)
    return post_action(
        request,
        lambda: services.fund_period_close(actor=actor.user, period=period),
        success=reverse("funds:period", args=[period.pk]),
        message=lambda closing: _("Perioden är stängd. %(note)s") % {"note": closing.note},
    )


@api_counterpart("POST /fund-periods/{period_id}/reopen")
@require_POST
@actor_view(*FUND_KEEPERS)
def fund_period_reopen_view(request, actor: Actor, pk: int):
    period = _period_or_404(actor, pk)
    form = FundPeriodReopenForm(request.POST)
    done = run_form(
        request,
        form,
        lambda d: services.fund_period_reopen(actor=actor.user, period=period, reason=d["reason"]),
        success=reverse("funds:period", args=[period.pk]),
        message=_("Perioden är öppen igen; beslut kan bokas mot den tills den stängs."),
    )
    return done or _period_page(request, actor, period, form)


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
