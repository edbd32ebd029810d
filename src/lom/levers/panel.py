"""The levers panel of the fund overview and the dashboard: whenever the forecast warns, the
strongest items of each lever with their expected effect and where to act (kept for a few
minutes, `selectors.cached`); otherwise only the link to the period's levers page. The fund
overview gets it through `lom.funds.panels` (registered in LeversConfig.ready()); the dashboard
includes it directly."""

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from lom.funds.models import FundPeriod
from lom.funds.selectors import Balance, Forecast
from lom.levers.permissions import (
    can_act_on_levers,
    can_open_round,
    can_read_levers,
)
from lom.levers.selectors.cached import panel_levers
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
        ctx["levers"] = panel_levers(period=period)
        ctx["may_act"] = bool(can_act_on_levers(actor))
        ctx["may_open_round"] = bool(can_open_round(actor))
    return render_to_string("levers/includes/panel.html", ctx, request=request)
