"""The levers of a fund period (its own page; the panel is in `panel`) and the round from
unplanned money."""

from datetime import timedelta

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lom.common.parity import api_counterpart
from lom.common.web import actor_view, form_status, run_form
from lom.funds.models import FundPeriod
from lom.funds.selectors import fund_period_get
from lom.levers import services
from lom.levers.forms import RoundFromUnplannedForm
from lom.levers.permissions import (
    LEVER_READERS,
    can_act_on_levers,
    can_open_round,
    sees_manager_names,
)
from lom.levers.selectors.charts import campaigns_forecast_table, carry_over_table
from lom.levers.selectors.levers import nudge_all_link, period_forecast, period_levers
from lom.levers.selectors.money import round_call_text, unplanned_money
from lom.organisations.access import Actor


def _period_or_404(actor: Actor, pk: int) -> FundPeriod:
    period = fund_period_get(organisation=actor.organisation, pk=pk)
    if period is None:
        raise Http404
    return period


@api_counterpart("GET /funds/periods/{period_id}/levers")
@actor_view(*LEVER_READERS)
def period_levers_view(request, actor: Actor, pk: int):
    period = _period_or_404(actor, pk)
    levers = period_levers(
        period=period,
        manager_names=sees_manager_names(actor),
        round_link=reverse("levers:round", args=[period.pk]),
    )
    return render(
        request,
        "levers/period.html",
        {
            "period": period,
            "levers": levers,
            "forecast": levers.forecast,
            "balance": levers.balance,
            "may_act": bool(can_act_on_levers(actor)),
            "may_open_round": bool(can_open_round(actor)),
            "campaigns_table": campaigns_forecast_table(levers.campaigns),
            "carry_over_table": carry_over_table(levers.unplanned.trend),
            "nudge_all": nudge_all_link(levers),
        },
    )


@api_counterpart("POST /funds/periods/{period_id}/levers/round")
@actor_view("coordinator")
def round_view(request, actor: Actor, pk: int):
    period = _period_or_404(actor, pk)
    today = timezone.localdate()
    balance, _forecast = period_forecast(period=period, today=today)
    money = unplanned_money(
        period=period, balance=balance, on=min(max(today, period.start), period.end)
    )
    form = RoundFromUnplannedForm(
        request.POST or None,
        initial={
            "title": _("Utvecklingsprojekt %(p)s") % {"p": period.name},
            "opens_on": today,
            "closes_on": today + timedelta(days=30),
            "budget": money.unplanned_kr * 100 or None,
            "call_text": round_call_text(plan=money.plan, unplanned_kr=money.unplanned_kr),
        },
    )
    done = run_form(
        request,
        form,
        lambda d: services.round_from_unplanned(
            actor=actor,
            period=period,
            title=d["title"],
            opens_on=d["opens_on"],
            closes_on=d["closes_on"],
            budget_ore=d["budget"],
            call_text=d["call_text"],
        ),
        success=lambda rnd: reverse("decisions:round", args=[rnd.pk]),
        message=_("Ansökningsomgången är utlyst."),
    )
    if done is not None:
        return done
    return render(
        request,
        "levers/round_form.html",
        {"period": period, "form": form, "money": money},
        status=form_status(request),
    )
