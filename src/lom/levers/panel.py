"""The levers panel of the fund overview and the dashboard: shown whenever the forecast warns
(the strongest item of each lever, with its expected effect and where to act), otherwise only
the link to the period's levers page. The fund overview gets it through
`lom.funds.panels` (registered in LeversConfig.ready()); the dashboard includes it directly."""

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString

from lom.funds.models import FundPeriod
from lom.funds.selectors import Balance, Forecast
from lom.levers.permissions import (
    can_act_on_levers,
    can_open_round,
    can_read_levers,
    sees_manager_names,
)
from lom.levers.selectors.levers import period_levers
from lom.organisations.access import Actor

# Items of each lever the panel shows (the page shows them all).
PANEL_ITEMS = 3


def lever_panel(
    request: HttpRequest, actor: Actor, period: FundPeriod, balance: Balance, forecast: Forecast
) -> SafeString:
    if not can_read_levers(actor):
        return SafeString("")
    ctx: dict[str, object] = {"period": period, "forecast": forecast, "items": PANEL_ITEMS}
    if forecast.warning:
        ctx["levers"] = period_levers(
            period=period,
            manager_names=sees_manager_names(actor),
            round_link=reverse("levers:round", args=[period.pk]),
        )
        ctx["may_act"] = bool(can_act_on_levers(actor))
        ctx["may_open_round"] = bool(can_open_round(actor))
    return render_to_string("levers/includes/panel.html", ctx, request=request)
